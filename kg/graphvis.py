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
    if e.timing == "assigned":
        on = f", on {e.day}" if e.day else ""
        return f"assigned for {e.begin or '…'} – {e.end or '…'}{on} (an assignment, not a role held)"
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
    if edge.kind in ("membership", "assignment"):
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
    """The whole label of an edge (the canvas may show it shortened; the tooltip has it whole)."""
    kind = EDGE_KINDS[edge.kind]
    if edge.kind == "membership":
        when = edge.when()
        return f"{edge.role_label} · {when}" if when else edge.role_label
    if edge.kind == "assignment":
        when = f"{edge.begin[:4]}" if edge.begin and edge.end and edge.begin[:4] == edge.end[:4] else ""
        return f"{edge.role_label} (phân công{' ' + when if when else ''})"
    return kind.label_vi if kind.show_label else ""


#: Longest node label drawn on the canvas (the whole name is in the tooltip).
LABEL_CHARS = 42
#: Longest edge label drawn on the canvas, and the widest a label's line may be (px) before it wraps.
EDGE_LABEL_CHARS = 34
NODE_LABEL_WIDTH = 170
EDGE_LABEL_WIDTH = 150
#: Font sizes (px) of node and edge labels: edge labels of 6–7 px were unreadable.
NODE_FONT_PX = 14
EDGE_FONT_PX = 12
#: How a dashed edge is drawn: an attested role (one day), an assignment (not a role held), a link.
DASHES = {"attested": [6, 5], "assigned": [2, 6], "sub-organisation": [8, 4]}


def layout_seed(params: dict[str, str]) -> int:
    """The seed of the layout for a view's filters: the same filters give the same drawing.

    >>> layout_seed({"org": "khoi-thi-dua-so-iv"}) == layout_seed({"org": "khoi-thi-dua-so-iv"})
    True
    """
    import zlib

    text = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "size")
    return zlib.crc32(text.encode("utf-8")) % 100_000


def _curves(edges: list[Edge]) -> dict[int, dict[str, Any]]:
    """Parallel edges (several facts between the same two nodes) curved apart, each further out,
    so that their labels do not sit on one another. A lone edge stays straight-ish (the default).

    vis-network's ``curvedCW``/``curvedCCW`` bend relative to the edge's own direction, so an
    edge drawn the other way round takes the opposite bend to land on the same side.
    """
    groups: dict[tuple[str, str], list[int]] = {}
    for i, e in enumerate(edges):
        groups.setdefault(tuple(sorted((e.source, e.target))), []).append(i)  # type: ignore[arg-type]
    out: dict[int, dict[str, Any]] = {}
    for (a, _b), members in groups.items():
        if len(members) < 2:
            continue
        # Offsets from the straight line: 0 (an odd group keeps one straight), then ±1, ±2, …
        offsets = [0] if len(members) % 2 else []
        ring = 1
        while len(offsets) < len(members):
            offsets += [ring, -ring]
            ring += 1
        for i, offset in zip(members, offsets, strict=False):
            if offset == 0:
                continue
            clockwise = (offset > 0) == (edges[i].source == a)
            out[i] = {"enabled": True, "type": "curvedCW" if clockwise else "curvedCCW",
                      "roundness": round(min(0.3 + 0.25 * (abs(offset) - 1), 0.9), 2)}
    return out


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(",;:·- ") + "…"


def to_vis(view: GraphView, *, sizes: dict[str, float] | None = None,
           params: dict[str, str] | None = None) -> dict[str, Any]:
    """The vis-network nodes, edges and options for a view, made with :mod:`pyvis`.

    pyvis builds the data and the options; it does not render (its stock template loads
    scripts from CDNs and writes tooltips as HTML). Tooltips (``title``) are plain text: the
    page turns them into text nodes. ``sizes`` (node IRI → centrality) scale the nodes;
    by default the degree within the view. ``params`` (the view's filters as URL parameters, by
    default ``view.filters.params()``) seed the layout.
    """
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="local")
    params = params if params is not None else view.filters.params()
    sizes = sizes if sizes is not None else {n.iri: float(n.degree) for n in view.nodes}
    for node in view.nodes:
        kind = NODE_KINDS.get(node.kind, NODE_KINDS["other"])
        full = node.label or local_name(node.iri)
        net.add_node(node.iri, label=_shorten(full, LABEL_CHARS), label_full=full, shape=kind.shape,
                     color=kind.colour, title=node_title(node, view), value=sizes.get(node.iri, 0.0),
                     kind=node.kind, label_en=node.label_en, degree=node.degree,
                     borderWidth=3 if node.iri in view.filters.focus else 1)
    curves = _curves(view.edges)
    for i, edge in enumerate(view.edges):
        colour = EDGE_STYLES[edge.style or edge.kind][2]
        full = edge_label(edge)
        dash: Any = DASHES.get(edge.timing) if edge.kind in ("membership", "assignment") else \
            DASHES.get(edge.kind)
        extra: dict[str, Any] = {"smooth": curves[i]} if i in curves else {}
        net.add_edge(edge.source, edge.target, id=f"e{i}", label=_shorten(full, EDGE_LABEL_CHARS),
                     label_full=full, title=edge_title(edge, view), color=colour,
                     dashes=dash if dash else False,
                     width=3 if edge.timing == "interval" and edge.kind == "membership" else 1.5,
                     **extra, **{k: v for k, v in edge.to_dict().items() if k not in ("source", "target")})
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
                        "font": {"size": NODE_FONT_PX, "face": "system-ui, sans-serif", "strokeWidth": 3,
                                 "strokeColor": "#ffffff"},
                        # Long names wrap onto several lines instead of running over their neighbours.
                        "widthConstraint": {"maximum": NODE_LABEL_WIDTH}}
    options["edges"] = {**options.get("edges", {}),
                        "font": {"size": EDGE_FONT_PX, "align": "middle", "strokeWidth": 4,
                                 "strokeColor": "#ffffff", "face": "system-ui, sans-serif"},
                        "widthConstraint": {"maximum": EDGE_LABEL_WIDTH},
                        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                        "color": {"inherit": False}}
    # The same filters give the same drawing: the initial positions come from a seed derived from
    # them (vis-network's own layout.randomSeed), and the physics that follows is deterministic.
    options["layout"] = {"randomSeed": layout_seed(params or {}), "improvedLayout": True}
    return {"nodes": net.nodes, "edges": net.edges, "options": options}


def _plain(options: Any) -> dict[str, Any]:
    import json

    return json.loads(options.to_json()) if hasattr(options, "to_json") else dict(options)
