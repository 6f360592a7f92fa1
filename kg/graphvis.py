"""A graph view → the vis-network payload the browser draws (nodes, edges, tooltips), via pyvis.

Every label and tooltip is text: the page puts it in the DOM as text, never as markup.
"""

from __future__ import annotations

from typing import Any

from .graphview import EDGE_KINDS, EDGE_STYLES, NODE_KINDS, Edge, GraphView, Node
from .vocab import local_name


def node_title(node: Node, view: GraphView) -> str:
    """The plain-text tooltip of a node: its name, kind, and the roles shown in the view."""
    kind = NODE_KINDS.get(node.kind, NODE_KINDS["other"])
    lines = [node.label]
    if node.label_en and node.label_en != node.label:
        lines.append(node.label_en)
    lines.append(f"{kind.label_vi} · {kind.label_en}")
    roles = view.roles_of(node.iri)
    for e in roles[:12]:
        org = view.node(e.target)
        lines.append(f"• {e.role_label} — {org.label if org else e.target} ({_timing_text(e)})")
    if len(roles) > 12:
        lines.append(f"… and {len(roles) - 12} more roles")
    lines.append(f"connections in this view: {node.degree}")
    return "\n".join(lines)


def _timing_text(e: Edge) -> str:
    if e.timing == "interval":
        return f"{e.when()}, known period {e.begin} – {e.end}"
    if e.timing == "attested":
        return f"attested on {e.day}"
    return "no date"


def edge_title(edge: Edge, view: GraphView) -> str:
    """The plain-text tooltip of an edge: who, what role, when, and the supporting quote."""
    kind = EDGE_KINDS[edge.kind]
    source, target = view.node(edge.source), view.node(edge.target)
    s_label = source.label if source else edge.source
    t_label = target.label if target else edge.target
    if edge.kind == "membership":
        lines = [f"{s_label}", f"{edge.role_label} — {t_label}", _timing_text(edge)]
    else:
        lines = [f"{s_label} — {kind.label_vi} / {kind.label_en} — {t_label}"]
        if edge.timing != "undated":
            lines.append(_timing_text(edge) if edge.kind == "implementation" else f"date: {edge.day}")
    if edge.summary:
        lines.append(edge.summary)
    if edge.quote:
        lines.append(f"“{edge.quote}”")
    return "\n".join(lines)


def edge_label(edge: Edge) -> str:
    kind = EDGE_KINDS[edge.kind]
    if edge.kind == "membership":
        when = edge.when()
        return f"{edge.role_label} · {when}" if when else edge.role_label
    return kind.label_vi if kind.show_label else ""


#: Longest node label drawn on the canvas (the whole name is in the tooltip).
LABEL_CHARS = 42


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(",;:·- ") + "…"


def to_vis(view: GraphView, *, sizes: dict[str, float] | None = None) -> dict[str, Any]:
    """The vis-network nodes, edges and options for a view, made with :mod:`pyvis`.

    pyvis builds the data and the options; it does not render (its stock template loads
    scripts from CDNs and writes tooltips as HTML). Tooltips (``title``) are plain text: the
    page turns them into text nodes. ``sizes`` (node IRI → centrality) scale the nodes;
    by default the degree within the view.
    """
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="local")
    sizes = sizes if sizes is not None else {n.iri: float(n.degree) for n in view.nodes}
    for node in view.nodes:
        kind = NODE_KINDS.get(node.kind, NODE_KINDS["other"])
        full = node.label or local_name(node.iri)
        net.add_node(node.iri, label=_shorten(full, LABEL_CHARS), label_full=full, shape=kind.shape,
                     color=kind.colour, title=node_title(node, view), value=sizes.get(node.iri, 0.0),
                     kind=node.kind, label_en=node.label_en, degree=node.degree,
                     borderWidth=3 if node.iri in view.filters.focus else 1)
    for i, edge in enumerate(view.edges):
        colour = EDGE_STYLES[edge.style or edge.kind][2]
        attested = edge.timing == "attested"
        net.add_edge(edge.source, edge.target, id=f"e{i}", label=edge_label(edge),
                     title=edge_title(edge, view), color=colour,
                     dashes=attested if edge.kind == "membership" else edge.kind == "sub-organisation",
                     width=3 if edge.timing == "interval" and edge.kind == "membership" else 1.5,
                     **{k: v for k, v in edge.to_dict().items() if k not in ("source", "target")})
    big = len(view.nodes) > 150
    # ForceAtlas2 spreads hubs (a bloc, a conference) apart better than Barnes-Hut; avoidOverlap keeps
    # the labels of neighbours readable. The page turns physics off once stabilisation is done.
    net.force_atlas_2based(gravity=-140 if not big else -60, central_gravity=0.008, spring_length=150,
                           spring_strength=0.06, damping=0.5, overlap=0.6 if not big else 0.2)
    net.set_edge_smooth("continuous")
    options = _plain(net.options)
    options["physics"]["stabilization"] = {"enabled": True, "iterations": 250 if big else 600,
                                           "updateInterval": 50, "fit": True}
    options["physics"]["minVelocity"] = 1.0
    options["interaction"] = {**options.get("interaction", {}), "hover": True, "tooltipDelay": 120,
                              "navigationButtons": False, "keyboard": False, "multiselect": False}
    options["nodes"] = {"scaling": {"min": 10, "max": 42, "label": {"enabled": False}},
                        "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3,
                                 "strokeColor": "#ffffff"}}
    options["edges"] = {**options.get("edges", {}),
                        "font": {"size": 10, "align": "middle", "strokeWidth": 3, "strokeColor": "#ffffff"},
                        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                        "color": {"inherit": False}}
    return {"nodes": net.nodes, "edges": net.edges, "options": options}


def _plain(options: Any) -> dict[str, Any]:
    import json

    return json.loads(options.to_json()) if hasattr(options, "to_json") else dict(options)
