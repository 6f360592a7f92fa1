"""The ``tnmt-kg`` command line: build, load, query, queries, export, validate, stats, coverage, serve.

Exit codes: 0 success, 1 the graph does not conform / internal failure, 2 bad input (a bad file,
an unknown format, a missing store), 3 a query timed out. Errors become one readable message
here, at the edge; the library raises them where it finds them.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .config import Settings, describe_settings
from .errors import BadInput, KGError
from .formats import CLI_MEDIA_TYPES

OUTPUT_FORMATS = ("table", *CLI_MEDIA_TYPES)


def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    base: Settings = ctx.obj["settings"]
    return base.replace(**{k: v for k, v in overrides.items() if v is not None})


def reports_errors(command: Callable) -> Callable:
    """Turn library errors into ``error: where: message`` on stderr and the error's exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except KGError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except BrokenPipeError:
            # The reader went away (`tnmt-kg export | head`): what it wanted it has. Point
            # stdout at /dev/null so the interpreter's last flush cannot fail again, and exit
            # quietly, as `cat file | head` does.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)

    return wrapper


store_option = click.option(
    "--store", "store", type=click.Path(path_type=str), default=None,
    help="Path of the store (default: var/store, or TNMT_KG_STORE).",
)


def read_options(command: Callable) -> Callable:
    """``--store`` or ``--endpoint``: the backend a reading command asks (the settings'
    ``sparql_backend`` and ``remote_endpoint`` otherwise), always through the query service."""
    command = click.option(
        "--endpoint", default=None,
        help="Read an external SPARQL endpoint (backend 'remote') instead of the store.")(command)
    return store_option(command)


def _backend(endpoint: str | None) -> dict[str, str]:
    return {"sparql_backend": "remote", "remote_endpoint": endpoint} if endpoint else {}


@click.group()
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
              help="A TOML settings file (see docs/settings.md).")
@click.version_option(package_name="tnmt-kg")
@click.pass_context
def main(ctx: click.Context, config_file: str | None) -> None:
    """A knowledge graph of the units, officials and roles of Bộ TN&MT."""
    ctx.ensure_object(dict)
    try:
        ctx.obj["settings"] = Settings.load(config_file=config_file)
    except KGError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)


@main.command()
@store_option
@click.option("--sources", "sources_dir", default=None, help="Folder of sources (default: sources/).")
@click.option("--no-validate", is_flag=True, help="Skip the SHACL check before swapping in.")
@click.pass_context
@reports_errors
def build(ctx: click.Context, store: str | None, sources_dir: str | None, no_validate: bool) -> None:
    """Build the store from the sources and the ontology (atomic: a failure changes nothing)."""
    from .build import build as run_build

    settings = _settings(ctx, store=store, sources_dir=sources_dir)
    info = run_build(settings, validate=not no_validate)
    click.echo(f"built {settings.store}: {info.triples} quads (build {info.build_id})")


@main.command()
@store_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--graph", "graph_name", default=None,
              help="Name of the target graph (default: the file's name).")
@click.option("--replace", is_flag=True, help="Replace a graph of the same name.")
@click.pass_context
@reports_errors
def load(ctx: click.Context, store: str | None, files: tuple[Path, ...], graph_name: str | None,
         replace: bool) -> None:
    """Stream RDF files (Turtle, N-Triples, TriG, N-Quads, RDF/XML, JSON-LD) into graphs of their own."""
    from tqdm import tqdm

    from .build import load_files

    settings = _settings(ctx, store=store)
    with tqdm(desc="checking", unit=" quads", unit_scale=True, disable=None, leave=False) as bar:
        info = load_files(settings, list(files), graph_name=graph_name, replace=replace, progress=bar.update)
    for item in info.detail.get("loaded", []):
        click.echo(f"loaded {item['file']} into <{item['graph']}>")
    click.echo(f"{settings.store}: {info.triples} quads")


def _read_query(query_file: str | None, expression: str | None) -> str:
    if expression is not None and query_file is not None:
        raise BadInput("give either a query file or -e, not both")
    if expression is not None:
        return expression
    if query_file is None or query_file == "-":
        return sys.stdin.read()
    try:
        return Path(query_file).read_text(encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"cannot read query: {exc.strerror}", where=query_file) from exc




@main.command()
@read_options
@click.argument("query_file", required=False)
@click.option("-e", "--expression", default=None, help="The query text itself.")
@click.option("--name", default=None, help="Run a named query from queries/ instead.")
@click.option("--param", "params", multiple=True, help="KEY=VALUE for a named query's parameter.")
@click.option("-f", "--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="table",
              show_default=True, help="Output format.")
@click.option("--timeout", type=float, default=None, help="Time limit in seconds.")
@click.option("--max-rows", type=int, default=None, help="Row cap.")
@click.option("--wide", is_flag=True, help="Table: keep every cell whole instead of fitting the terminal.")
@click.pass_context
@reports_errors
def query(ctx: click.Context, store: str | None, endpoint: str | None, query_file: str | None,
          expression: str | None,
          name: str | None, params: tuple[str, ...], fmt: str, timeout: float | None,
          max_rows: int | None, wide: bool) -> None:
    """Run SPARQL from a file, -e, stdin, or a named query (--name) with --param KEY=VALUE."""
    from .query import QueryService, check_query, result_format
    from .tables import write_table
    from .terminal import TABLE_FORMATS, print_table

    settings = _settings(ctx, store=store, query_timeout=timeout, max_rows=max_rows, **_backend(endpoint))
    substitutions, named = None, None
    if name is not None:
        from .catalog import named_query, parse_params

        if query_file is not None or expression is not None:
            raise BadInput("give either --name or a query (a file, -e or stdin), not both")
        named = named_query(Path(settings.queries_dir), name)
        text, substitutions = named.bind(parse_params(params))
    else:
        if params:
            raise BadInput("--param is for a named query: add --name NAME (see `tnmt-kg queries`)")
        text = _read_query(query_file, expression)
    form = check_query(text).form
    with QueryService(settings.replace(query_workers=1)) as service:
        if fmt == "table" and form == "ASK":
            click.echo("true" if service.ask(text, substitutions=substitutions) else "false")
            return
        if form == "SELECT" and (fmt == "table" or named is not None and fmt in TABLE_FORMATS):
            # as JSON first: a named query's parameter columns are left out of what is shown
            result = service.run(text, result_format=result_format(form, CLI_MEDIA_TYPES["json"]),
                                 substitutions=substitutions)
            columns = named.columns(result.body) if named is not None else None
            if fmt == "table":
                print_table(result.body, result.truncated, columns=columns, wide=wide)
                return
            body = write_table(result.body, fmt, columns=columns)
        else:
            fmt = "turtle" if fmt == "table" else fmt
            result = service.run(text, result_format=result_format(form, CLI_MEDIA_TYPES[fmt]),
                                 substitutions=substitutions)
            body = result.body
        sys.stdout.buffer.write(body)
        if result.truncated:
            click.echo(f"warning: result cut at {settings.max_rows} rows", err=True)


@main.command(name="queries")
@click.option("--dir", "queries_dir", type=click.Path(file_okay=False), default=None,
              help="Folder of named queries (default: queries/, or TNMT_KG_QUERIES_DIR).")
@click.pass_context
@reports_errors
def list_queries(ctx: click.Context, queries_dir: str | None) -> None:
    """List the named queries (run one with `query --name NAME --param KEY=VALUE`)."""
    from .catalog import load_catalog

    settings = _settings(ctx, queries_dir=queries_dir)
    catalog = load_catalog(Path(settings.queries_dir))
    width = max((len(n) for n in catalog), default=0)
    for named in catalog.values():
        click.echo(f"{named.name.ljust(width)}  {named.summary}")
        for p in named.params:
            default = f", default {p.default}" if p.default is not None else ""
            need = "required" if p.required else "optional"
            click.echo(f"{'':{width}}    --param {p.name}=…  ({p.type}, {need}{default})")


@main.command()
@read_options
@click.option("-f", "--format", "fmt", default="turtle", show_default=True,
              help="turtle, trig, ntriples, nquads, jsonld or rdfxml.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="File to write (default: standard output). Written atomically.")
@click.pass_context
@reports_errors
def export(ctx: click.Context, store: str | None, endpoint: str | None, fmt: str,
           output: Path | None) -> None:
    """Export the whole graph, streamed (triple formats get the union of all graphs)."""
    from .export import export_store
    from .progress import CountingStore
    from .service_store import reads

    settings = _settings(ctx, store=store, **_backend(endpoint))
    with reads(settings) as graph, CountingStore(graph, "exporting") as counted:
        export_store(counted, fmt, output)


@main.command()
@store_option
@click.pass_context
@reports_errors
def validate(ctx: click.Context, store: str | None) -> None:
    """Check the stored graph against ontology/shapes.ttl (SHACL); exit 1 if it does not conform."""
    from .validate import validate_store

    settings = _settings(ctx, store=store)
    conforms, report = validate_store(settings)
    click.echo(report)
    if not conforms:
        sys.exit(1)


@main.command()
@read_options
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@click.pass_context
@reports_errors
def stats(ctx: click.Context, store: str | None, endpoint: str | None, as_json: bool) -> None:
    """What the graph holds: quads per graph, entities per class, the build."""
    import json

    from . import store as kgstore
    from .service_store import reads
    from .stats import store_stats

    settings = _settings(ctx, store=store, **_backend(endpoint))
    with reads(settings) as graph:
        if endpoint:
            info = kgstore.BuildInfo(build_id="remote", created=0.0, kind="remote", triples=len(graph),
                                     detail={"endpoint": endpoint})
        else:
            info = kgstore.build_info(settings.store)
        s = store_stats(graph, info)
    if as_json:
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
        return
    click.echo(f"store {endpoint or settings.store}: {s['quads']} quads, build {s['build']['build_id']}")
    click.echo("graphs:")
    for g, n in s["graphs"].items():
        click.echo(f"  {n:>9}  {g}")
    click.echo("entities by class:")
    for c, n in s["classes"].items():
        click.echo(f"  {n:>9}  {c}")


@main.command()
@read_options
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Readable tables, or JSON.")
@click.pass_context
@reports_errors
def coverage(ctx: click.Context, store: str | None, endpoint: str | None, fmt: str) -> None:
    """What the graph covers: each source's contribution; per year, the units, their known heads, the gaps."""
    import json

    from .coverage import CONTRIBUTION_KINDS
    from .coverage import coverage as compute
    from .service_store import reads

    settings = _settings(ctx, store=store, **_backend(endpoint))
    with reads(settings) as graph:
        report = compute(graph)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    kinds = list(dict.fromkeys(name for name, _ in CONTRIBUTION_KINDS))
    click.echo(f"sources ({len(report.sources)}):")
    click.echo("  " + "  ".join(["issued    ", "kind        ", *kinds, "id"]))
    for s in report.sources:
        counts = [str(s.counts.get(k, 0)).rjust(len(k)) for k in kinds]
        click.echo("  " + "  ".join([(s.issued or "?").ljust(10), s.kind.ljust(12), *counts, s.id]))
    for year in report.years:
        ministers = ", ".join(f"{h.name} ({h.when})" for h in year.ministers) or "none known"
        click.echo(f"\n{year.year}: minister {ministers}")
        for entry in year.with_head:
            heads = "; ".join(f"{h.name}, {h.role_label} ({h.when})" for h in entry.heads)
            click.echo(f"  {entry.unit.label}: {heads}")
        if year.no_head:
            click.echo("  no head known: " + ", ".join(u.unit.label for u in year.no_head))
        if year.dates_unknown:
            click.echo("  dates unknown: " + ", ".join(u.unit.label for u in year.dates_unknown))


@main.command(name="settings")
@click.pass_context
def show_settings(ctx: click.Context) -> None:
    """List every setting, its value and what it does."""
    current: Settings = ctx.obj["settings"]
    for name, _default, help_text in describe_settings():
        click.echo(f"{name} = {getattr(current, name)!r}\n    {help_text}")


@main.command()
@store_option
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 5000).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Run the production server (gunicorn) with N worker processes; "
                   "without it, Flask's development server.")
@click.option("--threads", type=click.IntRange(min=1), default=4, show_default=True,
              help="Threads per gunicorn worker (with --workers).")
@click.option("--endpoint", default=None,
              help="Serve the graph of an external SPARQL endpoint (backend 'remote') instead of --store.")
@click.option("--memory", type=click.Choice(["auto", "on", "off"]), default=None,
              help="Serve the store from memory (default: the setting, 'auto').")
@click.option("--debug", is_flag=True, help="Flask's debugger and reloader (never in production).")
@click.pass_context
@reports_errors
def serve(ctx: click.Context, store: str | None, host: str | None, port: int | None,
          workers: int | None, threads: int, endpoint: str | None, memory: str | None,
          debug: bool) -> None:
    """Serve the web app: gunicorn with --workers N, else Flask's development server."""
    from server.app import create_app  # lazily: the library does not depend on the server

    settings = _settings(ctx, store=store, host=host, port=port, memory=memory, **_backend(endpoint))
    app = create_app(settings)
    if workers is None:
        app.run(host=settings.host, port=settings.port, debug=debug, threaded=True)
        return
    if debug:
        raise BadInput("--debug is for the development server; leave out --workers")
    from server.gunicorn_conf import run

    run(app, host=settings.host, port=settings.port, workers=workers, threads=threads)


@main.command()
@store_option
@click.option("--endpoint", required=True,
              help="The engine's SPARQL endpoint, for queries and (unless --update-endpoint) updates; "
                   "Virtuoso: http://127.0.0.1:8890/sparql-auth.")
@click.option("--update-endpoint", default=None,
              help="A separate SPARQL Update endpoint, if the engine has one.")
@click.option("--graph-store", default=None,
              help="The engine's Graph Store Protocol endpoint, to upload by PUT/POST instead of "
                   "INSERT DATA; Virtuoso: http://127.0.0.1:8890/sparql-graph-crud-auth.")
@click.option("--user", default=None, help="User for HTTP Digest or Basic authentication.")
@click.option("--password", default=None, envvar="TNMT_KG_PUSH_PASSWORD",
              help="Its password (or TNMT_KG_PUSH_PASSWORD; asked for when --user is given without it).")
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="Triples per request (default 50000).")
@click.option("--timeout", type=float, default=300.0, show_default=True,
              help="Seconds to wait for each request.")
@click.pass_context
@reports_errors
def push(ctx: click.Context, store: str | None, endpoint: str, update_endpoint: str | None,
         graph_store: str | None, user: str | None, password: str | None, batch_size: int | None,
         timeout: float) -> None:
    """Upload every named graph of the store to a SPARQL engine (replaces the project's graphs there)."""
    from .push import DEFAULT_BATCH_SIZE, Engine, Progress
    from .push import push as run_push

    settings = _settings(ctx, store=store)
    if user is not None and password is None:
        password = click.prompt(f"password for {user}", hide_input=True, err=True)
    engine = Engine(endpoint=endpoint, update_endpoint=update_endpoint, graph_store=graph_store,
                    user=user, password=password, timeout=timeout)
    tty = sys.stderr.isatty()
    shown = {"graph": 0}

    def show(p: Progress) -> None:
        """One line per graph on stderr; on a terminal, one line redrawn with every batch."""
        if p.phase == "upload":
            line = (f"[{p.graph_index}/{p.graphs} graphs, {p.triples_done}/{p.triples_total} triples] "
                    f"{p.graph}")
        else:
            line = f"{p.phase}: {p.triples_done}/{p.triples_total} triples"
        if tty:
            click.echo("\r\033[K" + line[:150], nl=p.phase == "done", err=True)
        elif p.phase != "upload" or p.graph_index != shown["graph"]:
            shown["graph"] = p.graph_index
            click.echo(line, err=True)

    report = run_push(settings.store, engine, batch_size=batch_size or DEFAULT_BATCH_SIZE, progress=show)
    method = "Graph Store Protocol" if report.method == "gsp" else "SPARQL Update"
    click.echo(f"pushed {sum(report.graphs.values())} triples in {len(report.graphs)} graphs to "
               f"{endpoint} ({method}, {report.seconds:.1f} s)")
    for graph in report.dropped:
        click.echo(f"dropped <{graph}>: no longer in the store")


@main.command()
@store_option
@click.argument("file", type=click.Path(allow_dash=True, dir_okay=False, path_type=str))
@click.option("--date", "day", default=None,
              help="The article's date (YYYY-MM-DD), when the text gives none.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json", "table"]), default="table",
              show_default=True, help="A facts.yaml draft, JSON, or a table to read.")
@click.option("--source-id", default=None, help="The id of the draft's source (default: the file's name).")
@click.pass_context
@reports_errors
def suggest(ctx: click.Context, store: str | None, file: str, day: str | None, fmt: str,
            source_id: str | None) -> None:
    """Read a Vietnamese article (a file, or - for stdin) and suggest the facts it states."""
    import datetime as dt

    from . import store as kgstore
    from .suggest import suggest as run_suggest
    from .suggest.draft import as_json, as_table, facts_yaml

    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read the text: {exc}", where=file) from exc
    try:
        date = dt.date.fromisoformat(day) if day else None
    except ValueError as exc:
        raise BadInput(f"--date must be YYYY-MM-DD, got {day!r}") from exc
    settings = _settings(ctx, store=store)
    if kgstore.exists(settings.store):
        from .query import QueryService

        with QueryService(settings.replace(query_workers=1)) as service:
            result = run_suggest(text, service=service, date=date)
    else:
        click.echo(f"warning: no store at {settings.store}: suggesting without the graph", err=True)
        result = run_suggest(text, date=date)
    if fmt == "json":
        click.echo(as_json(result))
    elif fmt == "yaml":
        name = source_id or (Path(file).parent.name if Path(file).name == "article.txt" else Path(file).stem)
        click.echo(facts_yaml(result, source_id="stdin" if file == "-" and not source_id else name), nl=False)
    else:
        click.echo(as_table(result))


if __name__ == "__main__":  # pragma: no cover
    main()
