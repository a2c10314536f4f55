"""The `kg` command: each subcommand is a thin layer over the Python API.

Exit codes: 0 success; 1 invalid data, query or parameter; 2 wrong command line;
3 environment (no built store, unwritable folder, unreachable endpoint).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path

import click

from . import __version__, output, values
from . import project as projects
from .errors import EXIT_ENVIRONMENT, KGError, ValidationError
from .query import graph

_FORMAT = click.option("--format", "fmt", type=click.Choice(output.FORMATS),
                       help="Output format [default: table in a terminal, csv when piped].")


class _Value(click.ParamType):
    """A command-line value read by the same parser as data/ reads it (kg.values)."""

    def __init__(self, name: str, parse, hint: str):
        self.name = name
        self._parse = parse
        self._hint = hint

    def get_metavar(self, param, ctx=None) -> str:
        return self.name.upper()

    def convert(self, value, param, ctx):
        # A bad value is invalid input, as in data/ or a --param: one line and exit 1 (not a
        # usage error), whichever option it came through.
        try:
            return self._parse(value)
        except ValueError as exc:
            option = param.opts[0] if param is not None and param.opts else "the value"
            raise KGError(f"{option}: {exc}", hint=self._hint) from None


def _as_id(text: str) -> str:
    if not values.is_id(text):
        raise ValueError(f"{text!r} is not an id")
    return text


DATE = _Value("date", lambda text: values.parse_date(text).text, values.DATE_HINT)
SECONDS = _Value("seconds", values.parse_seconds, values.LIMIT_HINT)
MEGABYTES = _Value("mb", values.parse_megabytes, values.LIMIT_HINT)
ID = _Value("id", _as_id, values.ID_HINT)


class _Context:
    def __init__(self, root: str | None, store: str | None):
        self.root = root
        self.store = store

    def project(self) -> projects.Project:
        return projects.find(self.root, self.store)

    def graph(self, endpoint: str | None = None, timeout: float = graph.limits.DEFAULT_TIMEOUT,
              memory: int = graph.limits.DEFAULT_MEMORY_MB) -> graph.Graph:
        return graph.load(self.root, self.store, endpoint=endpoint, timeout=timeout, memory=memory)

    def analysis(self):
        """The graph with its network and view methods; imported here, since querying does not
        need networkx or the page templates."""
        from . import api

        return api.load(self.root, self.store)


_ENDPOINT = click.option("--endpoint", metavar="URL",
                         help="A SPARQL 1.1 server's query URL (e.g. http://localhost:3030/ds/query); "
                              "credentials may go in the URL (http://user:password@host/...).")
_TIMEOUT = click.option("--timeout", default=graph.limits.DEFAULT_TIMEOUT, show_default=True, metavar="SECONDS",
                        type=SECONDS,
                        help="How long a query may run before it is stopped (with --endpoint: how long "
                             "to wait for each answer of the server).")
_MEMORY = click.option("--memory", default=graph.limits.DEFAULT_MEMORY_MB, show_default=True, metavar="MB",
                       type=MEGABYTES,
                       help="How much memory a query may use before it is stopped.")


class _PipeClosed(Exception):
    """The reader of our output went away (`kg query edges | head`)."""


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        # click turns a closed pipe into exit 1, the code kept for invalid input: take it first.
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise _PipeClosed from None


#: Exit status when the reader closed the pipe: what a process killed by SIGPIPE reports in a
#: shell (as `cat` or `seq` in `seq 1e9 | head`).
EXIT_PIPE_CLOSED = 128 + 13


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
@click.option("--root", envvar="KG_ROOT", metavar="DIR",
              help="Project folder holding data/, ontology/ and queries/ "
                   "[default: found from the working directory; env KG_ROOT].")
@click.option("--store", envvar="KG_STORE", metavar="DIR",
              help="Folder of the built store [default: <root>/build; env KG_STORE].")
@click.pass_context
def cli(ctx: click.Context, root: str | None, store: str | None) -> None:
    """kg: a knowledge graph of actors, policies and legal claims, with a verbatim quote
    behind every edge.

    \b
    Typical session:
      kg build                 validate data/ and write the store
      kg stats                 what the graph holds
      kg query --list          the named queries
      kg query entities        run one
    """
    ctx.obj = _Context(root, store)


def _counts_line(counts: dict[str, int]) -> str:
    return ", ".join(f"{v} {k}" for k, v in counts.items())


_FULL_SHACL = click.option("--full-shacl", is_flag=True,
                           help="Check the shapes with pySHACL instead of the built-in SPARQL "
                                "compilation of them (same checks, much slower on large graphs).")


def _timings_line(timings: dict[str, float]) -> str:
    return ", ".join(f"{name} {seconds:.2f}" for name, seconds in timings.items())


@cli.command()
@_FULL_SHACL
@click.pass_obj
def check(obj: _Context, full_shacl: bool) -> None:
    """Validate data/ against the ontology, the shapes and the sources; write nothing.

    Every problem is printed on one line as FILE:LINE: error[RULE] ID: message (hint: ...).
    Exits 1 if any problem is found.
    """
    from .builder import pipeline as builder

    checked = builder.check(obj.project(), full_shacl=full_shacl)
    click.echo(f"ok: {_counts_line(checked.counts)} are valid ({checked.seconds:.2f} s)")


@cli.command()
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
@_FULL_SHACL
@_ENDPOINT
@_TIMEOUT
@click.option("--update-endpoint", metavar="URL",
              help="The server's update URL, when it is not the usual one next to --endpoint "
                   "(Oxigraph /query -> /update, Fuseki /ds/query -> /ds/update, "
                   "GraphDB /repositories/R -> /repositories/R/statements).")
@click.pass_obj
def build(obj: _Context, quiet: bool, full_shacl: bool, endpoint: str | None, timeout: float,
          update_endpoint: str | None) -> None:
    """Validate data/ and write the on-disk store and an N-Triples dump (graph.nt), atomically.

    A build that fails leaves the previously built store exactly as it was. With --endpoint,
    the built graph is then loaded into that SPARQL 1.1 server, in the named graph
    https://w3id.org/conflict-kg/graph/main, replacing what a previous run put there.
    """
    from .builder import pipeline as builder

    result = builder.build(obj.project(), full_shacl=full_shacl)
    if not quiet:
        click.echo(f"built {_counts_line(result.counts)} in {result.seconds:.2f} s "
                   f"({_timings_line(result.timings)})")
        click.echo(f"store: {result.store_path}")
        click.echo(f"dump:  {result.dump_path}")
    if endpoint:
        from .query import remote

        server = remote.Endpoint(endpoint, update_endpoint, timeout=timeout)
        local = obj.graph()
        with _progress(f"loading into {server.url}", quiet) as advance:
            triples = server.load(local.store, progress=advance)
        if not quiet:
            click.echo(f"endpoint: {triples} triples in <{server.graph}> at {server.url}")


@cli.command()
@_FORMAT
@click.pass_obj
def stats(obj: _Context, fmt: str | None) -> None:
    """Counts of entities by type, statements by relation and by source.

    \b
    The last table says how many statements link two entities ("between": the lines that
    'kg viz' draws and the edges of 'kg metrics', 'kg path' and 'kg export') and how many
    state a count or an amount about one entity ("values": shown in its details, not drawn).
    """
    fmt = output.pick_format(fmt)
    g = obj.graph()
    tables = {"stats-types": "Entities by type", "stats-relations": "Statements by relation",
              "stats-sources": "Statements by source",
              "stats-statements": "Statements between two entities (drawn as lines, counted as "
                                  "edges), values about one entity, and records only (not counted as facts)"}
    if fmt == "json":
        output.write_rows(list(tables), [[g.query(n).rows() for n in tables]], "json")
        return
    for number, (name, title) in enumerate(tables.items()):
        result = g.query(name)
        if fmt != "table":
            if number:
                click.echo()
            click.echo(f"# {title}")
        output.write_rows(result.variables, ([r[v] for v in result.variables] for r in result),
                          fmt, title=title)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--param")
        params[name] = value
    return params


#: `kg query --format`: rows (SELECT) in the first four, graphs (CONSTRUCT, DESCRIBE) in the others.
_ROW_FORMATS = output.FORMATS
_RDF_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")


@cli.command()
@click.argument("query", required=False)
@click.option("-e", "--expression", metavar="SPARQL", help="Run this SPARQL text.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query parameter (repeatable); values are bound, never pasted into the text.")
@click.option("--list", "list_", is_flag=True, help="List the named queries and their parameters.")
@click.option("--format", "fmt", type=click.Choice(_ROW_FORMATS + _RDF_FORMATS),
              help="Rows: table|csv|tsv|json [default: table in a terminal, csv when piped]. Graphs "
                   "(CONSTRUCT, DESCRIBE): turtle|ntriples|jsonld|rdfxml [default: turtle in a "
                   "terminal, ntriples when piped].")
@click.option("--limit", type=click.IntRange(1), metavar="N",
              help="Write the first N rows only [default: all; a table in a terminal shows a screenful].")
@click.option("--all", "all_", is_flag=True, help="A table shows every row.")
@click.option("--exact", is_flag=True,
              help="CSV and TSV cells exactly as stored [default: a cell starting with = + - @ tab or CR gets a "
                   "leading ' so that a spreadsheet shows it as text and never runs it].")
@_ENDPOINT
@_TIMEOUT
@_MEMORY
@click.pass_obj
def query(obj: _Context, query: str | None, expression: str | None, params: tuple[str, ...],
          list_: bool, fmt: str | None, limit: int | None, all_: bool, endpoint: str | None,
          timeout: float, memory: int, exact: bool = False) -> None:
    """Run a named query (see --list), a .rq FILE, or SPARQL text with -e.

    \b
    Examples:
      kg query --list
      kg query lawsuits
      kg query entity --param entity=Chiu --format csv
      kg query -e 'SELECT ?who ?whom WHERE { ?who kg:sued ?whom }'
      kg query -e 'ASK { ent:SanFrancisco kg:sued ?whom }'
      kg query -e 'DESCRIBE ent:DavidChiu' --format ntriples
      kg query threats --endpoint http://localhost:7878/query
    \b
    SELECT writes rows; ASK writes true or false (exit 0 either way; {"boolean": ...} with
    --format json); CONSTRUCT and DESCRIBE write RDF. Updates are refused: the graph is built
    from data/. Prefixes kg:, ent:, stmt:, src:, rdf:, rdfs:, skos:, prov:, xsd:, owl: are
    predefined. JSON output is SPARQL 1.1 Query Results JSON. In a terminal a table shows a
    screenful and says how many rows there are; CSV, TSV and JSON are written whole, row by
    row. With --endpoint the query runs on the graph that 'kg build --endpoint' loaded there.
    """
    if limit and all_:
        raise click.UsageError("give --limit N or --all, not both")
    if list_:
        _list_queries(obj, fmt, None if all_ else (limit or output.SCREEN))
        return
    if bool(query) == bool(expression):
        raise click.UsageError("give one of QUERY (a name or a .rq file) and -e SPARQL")
    result = obj.graph(endpoint, timeout, memory).stream(query or expression, **_parse_params(params))
    _write_answer(result, fmt, None if all_ else (limit or output.SCREEN), exact)


def _list_queries(obj: _Context, fmt: str | None, limit: int | str | None) -> None:
    """The catalog: in a table the name, parameters and title of each query (a screenful of
    them fits; the descriptions are in the query files and in --format csv or json)."""
    from .query import catalog

    fmt = _row_format(fmt)
    entries = list(catalog.load(obj.project().queries_dir).values())
    if isinstance(limit, int) and fmt != "table":
        entries = entries[:limit]
    params = [" ".join(f"{p.name}:{p.kind}" for p in q.params) for q in entries]
    if fmt == "table":
        output.write_rows(["name", "params", "title"], ([q.name, p, q.title] for q, p in zip(entries, params)), fmt,
                          title="Named queries", limit=limit,
                          more="--all shows every one; --format csv adds their descriptions")
        return
    rows = ([q.name, q.title, p, q.description] for q, p in zip(entries, params))
    output.write_rows(["name", "title", "params", "description"], rows, fmt,
                      title="Named queries")


def _row_format(fmt: str | None) -> str:
    if fmt in _RDF_FORMATS:
        raise click.UsageError(f"--format {fmt} is for graphs (CONSTRUCT, DESCRIBE); rows are "
                               f"{'|'.join(_ROW_FORMATS)}")
    return output.pick_format(fmt)


def _write_answer(result, fmt: str | None, limit, exact: bool = False) -> None:
    """Write the answer of any query form as `fmt` asks, or as suits where it goes."""
    from .query import forms

    if isinstance(result, forms.Boolean):
        if fmt in _RDF_FORMATS:
            raise click.UsageError(f"--format {fmt} is for graphs; ASK answers true or false")
        if fmt == "json":
            click.echo(json.dumps(result.to_json()))
        else:
            click.echo(str(result))
        return
    if isinstance(result, forms.Triples):
        if fmt in _ROW_FORMATS:
            raise click.UsageError(f"a CONSTRUCT or DESCRIBE query gives a graph: use --format "
                                   f"{'|'.join(_RDF_FORMATS)} (not {fmt})")
        fmt = fmt or ("turtle" if sys.stdout.isatty() else "ntriples")
        sys.stdout.flush()
        result.write(sys.stdout.buffer, fmt)
        sys.stdout.buffer.flush()
        return
    fmt = _row_format(fmt)
    if isinstance(limit, int) and fmt != "table":  # asked for: the first N rows, in any format
        import itertools

        result = graph.Result(result.variables, itertools.islice(result.terms, limit))
    if fmt == "table":  # IRIs as prefixed names (ent:DavidChiu): the table is for reading
        rows = ([_short(v) for v in (r[c] for c in result.variables)] for r in result)
    else:
        rows = ([r[v] for v in result.variables] for r in result)
    output.write_rows(result.variables, rows, fmt, terms=result.terms if fmt == "json" else None,
                      limit=limit, more="--limit N shows N, --all every row", exact=exact,
                      total=result.count())


def _short(value):
    """An IRI as a prefixed name where one of kg's prefixes fits."""
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        from .prefixes import PREFIXES

        for name, namespace in PREFIXES.items():
            if value.startswith(namespace) and value != namespace:
                return f"{name}:{value[len(namespace):]}"
    return value


@cli.command()
@click.option("--out", metavar="DIR",
              help="Folder to write the views (and their lib/ of scripts) into, from where you "
                   "stand [default: views/ in the project's build folder].")
@click.option("--focus", metavar="NAME", help="Also draw the neighbourhood of this entity (label, alias or id).")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(1, 6),
              help="How many links around --focus (and the central actors) to draw.")
@click.option("--top", default=5, show_default=True, type=click.IntRange(0),
              help="Draw the neighbourhoods of this many of the most central actors.")
@click.option("--limit", default=500, show_default=True, type=click.IntRange(10),
              help="Above this many entities a view shows only the most central ones.")
@_FORMAT
@click.pass_obj
def viz(obj: _Context, out: str | None, focus: str | None, depth: int, top: int, limit: int,
        fmt: str | None) -> None:
    """Write HTML views of the graph and an index.html that links them.

    Views: the whole graph; neighbourhoods (--focus and the central actors); lawsuits,
    threats and the other relation families; legal claims and the provisions they invoke;
    communities; a timeline with the graph as of each year. They open offline from disk:
    vis-network is copied into DIR/lib. Hover over an entity or a line for its details and
    the verbatim quote behind it.

    \b
    Examples:
      kg viz
      kg viz --focus Homan --depth 2 --out views
    \b
    "statements" counts the lines a view draws: statements between two entities. Counts and
    amounts stated about one entity (e.g. the number of sanctuary jurisdictions) are shown in
    its details, not as lines, so the whole graph draws fewer statements than 'kg stats' counts.
    """
    g = obj.analysis()
    projects.pause_for_tests("viz")  # a test seam: a signal test stops it here, mid-run
    views = g.view(focus=focus, depth=depth, out=out, top=top, limit=limit)
    output.write_rows(["file", "title", "entities", "statements", "note"],
                      ([p.file, p.title, p.nodes, p.edges, p.note] for p in views.pages),
                      output.pick_format(fmt), title=f"Views in {views.folder}")
    counts = g.query("stats-statements").rows()[0]
    click.echo(output.fit(f"{counts['between']} of the {counts['statements']} statements are drawn as lines; "
                          f"{counts['values']} state a value about one entity (a count, an amount, where a "
                          f"lawsuit stands) and show in its details; {counts['recordsOnly']} are records only, "
                          "not drawn (deprecated, or an act only threatened, planned, attempted, denied or "
                          "imagined)", sys.stderr), err=True)
    click.echo(f"open {views.index}", err=True)


@cli.command()
@click.argument("story_file", metavar="FILE.yaml")
@click.option("--out", metavar="DIR",
              help="Folder to write the story into [default: stories/NAME/ in the project's build folder].")
@click.pass_obj
def story(obj: _Context, story_file: str, out: str | None) -> None:
    """Build a publishable page from a story file: headline, dek, the part of the graph to show,
    numbered annotations, credit and sources (outlet, date, link to the quote), with story.svg
    and story.png of its opening frame beside it.

    \b
    Example:
      kg story examples/homan-story.yaml --out story
    """
    page = obj.analysis().story(story_file, out)
    click.echo(f"wrote {page}, {page.parent / 'story.svg'} and {page.parent / 'story.png'}", err=True)
    click.echo(f"open {page}", err=True)


# --- network analysis: kg metrics, kg path, kg export (kg/network/) ---

def _network_filters(command):
    """The options that select part of the graph, as for KnowledgeGraph.to_networkx."""
    options = [
        click.option("--family", "families", multiple=True, metavar="RELATION",
                     help="Keep edges of this relation family or relation, sub-relations included "
                          "(repeatable): opposes, supports, legalAction, policyAction, affiliation, communication."),
        click.option("--type", "types", multiple=True, metavar="CLASS",
                     help="Keep entities of this class, subclasses included (repeatable): Actor, Person, City, ..."),
        click.option("--as-of", type=DATE, help="By valid time: keep the acts that happened by DATE "
                     "(YYYY, YYYY-MM or YYYY-MM-DD) and the roles and other states that held on it; "
                     "a source's date is not a date the fact held."),
        click.option("--since", type=DATE, help="With --as-of or alone: keep what happened or held "
                     "on or after DATE (undated acts have no place in such a window)."),
        click.option("--possible", is_flag=True, default=False,
                     help="With --as-of or --since: keep too what held or happened there only by some reading "
                          "of a rough date (a month, a year, a bound), marked 'possible'."),
        click.option("--confidence", type=click.Choice(("explicit", "implied")),
                     help="explicit: drop edges the sources only imply."),
        click.option("--deprecated", is_flag=True, default=False,
                     help="Keep deprecated statements too (a source's known errors), which are not counted as facts."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _filters(families, types, as_of, since, confidence, deprecated=False, possible=False) -> dict:
    return {"families": families or None, "types": types or None,
            "as_of": (since, as_of) if since else as_of, "confidence": confidence,
            **({"deprecated": True} if deprecated else {}), **({"possible": True} if possible else {})}


@cli.command()
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1), help="Rows per table.")
@click.option("--by", default="degree", show_default=True,
              type=click.Choice(("degree", "pagerank", "betweenness", "hub", "authority")),
              help="Order of the centrality table.")
@click.option("--communities", "method", default="louvain", show_default=True,
              type=click.Choice(("louvain", "leiden")),  # metrics.COMMUNITY_METHODS (networkx not imported here)
              help="Community search: louvain, or leiden (better-connected communities).")
@_network_filters
@_FORMAT
@click.pass_obj
def metrics(obj: _Context, top: int, by: str, method: str, fmt: str | None, **filters) -> None:
    """Who is central, who brokers, which camps and communities exist, and how it changed.

    \b
    Tables: summary; centrality (in/out degree, PageRank, betweenness, HITS hubs = who acts
    and authorities = who is acted upon, k-core, community); degree by relation family;
    communities (Louvain, or Leiden); articulation points; the two camps of the signed network
    (hostile vs cooperative) and the edges that break them; actors invoking the same
    provisions; co-plaintiffs; the most active actors year by year.
    \b
    Examples:
      kg metrics --top 5
      kg metrics --family opposes --by pagerank
      kg metrics --as-of 2018 --format json
      kg metrics --communities leiden
    \b
    The heavy measures run on igraph (C); KG_METRICS_ENGINE=networkx runs them all on networkx,
    the reference they are tested against.
    """
    fmt = output.pick_format(fmt)
    tables = obj.analysis().metrics(top=top, by=by, communities=method, **_filters(**filters))
    if fmt == "json":
        output.write_rows([t.name for t in tables],
                          [[[dict(zip(t.columns, row)) for row in t.rows] for t in tables]], "json")
        return
    for number, table in enumerate(tables):
        if fmt != "table":
            click.echo(("\n" if number else "") + f"# {table.title}")
        output.write_rows(table.columns, table.rows, fmt, title=table.title, limit=None)  # --top rows, all


@cli.command()
@click.argument("a")
@click.argument("b")
@_network_filters
@click.option("--format", "fmt", type=click.Choice(("text", *output.FORMATS)),
              help="Output format [default: text in a terminal, csv when piped].")
@click.pass_obj
def path(obj: _Context, a: str, b: str, fmt: str | None, **filters) -> None:
    """The shortest path between entities A and B, each hop with its quote and source.

    A and B are ids, labels or aliases ('Homan', 'David Chiu'). Edges are followed in either
    direction; each hop is printed in its true direction (subject, relation, object).

    \b
    Examples:
      kg path Homan Chiu
      kg path "Thomas Homan" "San Francisco" --family opposes --format json
    """
    from .network.paths import describe

    hops = obj.analysis().path(a, b, **_filters(**filters))
    fmt = fmt or ("text" if sys.stdout.isatty() else "csv")
    if fmt == "text":
        click.echo(output.fit(output.terminal_safe(describe(hops))))
        return
    rows = [hop.as_row() for hop in hops]
    columns = list(rows[0]) if rows else ["subject", "relation", "object"]
    output.write_rows(columns, ([r[c] for c in columns] for r in rows), fmt,
                      title=f"{len(hops)} hop(s) from {a} to {b}")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(("graphml", "gexf", "nodelink", "csv", "ttl", "nquads", "jsonld")),
              help="File format [default: from the -o file name].")
@click.option("-o", "--output", "out", metavar="FILE",
              help="Where to write [default: standard output]. For csv: a folder (DIR/nodes.csv, "
                   "DIR/edges.csv) or a prefix (PREFIX-nodes.csv, PREFIX-edges.csv).")
@_network_filters
@click.pass_obj
def export(obj: _Context, fmt: str | None, out: str | None, **filters) -> None:
    """Write the graph for Gephi, Cytoscape, D3, a spreadsheet or an RDF tool.

    \b
    graphml, gexf  Gephi, Cytoscape, yEd, igraph (lists joined with ' | ')
    nodelink       D3's node-link JSON
    csv            a node table and an edge table
    ttl, nquads, jsonld   every triple of the store (filters do not apply)
    \b
    Examples:
      kg export -o sanctuary.gexf
      kg export --format csv -o tables/ --family opposes
      kg export --format ttl > graph.ttl
    """
    from .network.export import SUFFIXES

    if fmt is None:
        by_suffix = {suffix: name for name, suffix in SUFFIXES.items()}
        fmt = by_suffix.get(Path(out).suffix) if out else None
        if fmt is None:
            raise click.UsageError("give --format (or an -o file name ending in "
                                   f"{', '.join(sorted(by_suffix))})")
    for written in obj.analysis().export(fmt, out, **_filters(**filters)):
        click.echo(f"wrote {written}", err=True)


@cli.command()
@click.argument("name", type=click.Choice(("timeline", "centrality", "camps")))
@click.option("-o", "--output", "out", metavar="FILE",
              help="Image to write, .png or .svg, from where you stand [default: charts/NAME.png "
                   "in the project's build folder].")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1),
              help="centrality: how many actors.")
@click.option("--by", default="pagerank", show_default=True,
              type=click.Choice(("pagerank", "degree", "betweenness", "hub", "authority")),
              help="centrality: the measure.")
@click.option("--period", default="auto", show_default=True, type=click.Choice(("auto", "month", "year")),
              help="timeline: bars per month or year (auto: months when the dates span six years or less).")
@_network_filters
@click.pass_obj
def chart(obj: _Context, name: str, out: str | None, top: int, by: str, period: str, **filters) -> None:
    """Draw a chart of the graph as a PNG or SVG image.

    \b
    timeline    statements per month (or year) by relation family, on the date of the event
    centrality  the most central actors (--by pagerank|degree|betweenness|hub|authority)
    camps       the two camps of the signed network, hostile and cooperative statements
    \b
    Examples:
      kg chart timeline
      kg chart centrality --by betweenness --top 15 -o brokers.svg
      kg chart camps --since 2025
    """
    g = obj.analysis()
    path = Path(out) if out else g.project.build_dir / "charts" / f"{name}.png"
    written = g.chart(name, path, top=top, by=by, period=period, **_filters(**filters))
    click.echo(f"wrote {written}", err=True)


# --- SPARQL server and remote stores (kg/query/serve.py, remote.py) ---

@contextlib.contextmanager
def _progress(description: str, quiet: bool):
    """A rich progress bar on stderr (in a terminal only); yields `advance(done, total)`."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    with Progress(console=console, transient=True, disable=quiet or not console.is_terminal) as bar:
        task = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@cli.command()
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 opens the endpoint to other machines.")
@click.option("--writable", is_flag=True,
              help="Take SPARQL updates (POST /update), on a copy of the store that goes when the "
                   "server stops; the built store is never written.")
@click.option("--allow-service", is_flag=True,
              help="Let queries call other endpoints with SERVICE (and updates fetch with LOAD); "
                   "off by default, as anyone who can query could make the server fetch any URL.")
@click.option("--timeout", default=graph.limits.DEFAULT_TIMEOUT, show_default=True, metavar="SECONDS",
              type=SECONDS,
              help="How long a query may run before it is stopped (HTTP 503).")
@_MEMORY
@click.pass_obj
def serve(obj: _Context, port: int, host: str, writable: bool, allow_service: bool, timeout: float,
          memory: int) -> None:
    """Serve the built graph as a read-only SPARQL 1.1 endpoint, until Ctrl-C.

    The server is Oxigraph's own (the `oxigraph` command, from the `server` extra), opened
    read-only on the current store directory: POST or GET /query with query=..., as the
    SPARQL 1.1 Protocol says, or open the query page at / in a browser. A later `kg build`
    publishes a new directory and leaves the served one in place: restart `kg serve` to serve
    the new graph. Queries that would make the server fetch another URL (SERVICE) get
    HTTP 403 unless --allow-service is given. Queries may use kg's prefixes (kg:, ent:, stmt:,
    src:, rdfs:, ...) without declaring them, as with 'kg query -e'; a query the server cannot
    parse is answered with one line giving the line and column. Each query runs under
    --timeout and --memory.
    """
    from .builder import store
    from .errors import StoreNotFound
    from .query import serve as serving
    from .query.limits import Limits

    project = obj.project()
    location = store.current_path(project.build_dir)
    if location is None:
        raise StoreNotFound(f"no built graph in {project.build_dir}", hint="run 'kg build' first")
    serving.run(location, host, port, announce=click.echo, writable=writable, allow_service=allow_service,
                bounds=Limits(timeout, memory))


@cli.command()
@click.argument("article", type=click.Path(dir_okay=False))
@click.option("--id", "source_id", type=ID, help="Source id [default: from the file name].")
@click.option("--title", help="Headline [default: the article's first line].")
@click.option("--date", type=DATE,
              help="Publication date, YYYY[-MM[-DD]]; resolves 'On Feb. 7' and 'last month'.")
@click.option("--outlet", help="Publishing outlet.")
@click.option("--author", help="Byline.")
@click.option("--out", type=click.Path(dir_okay=False), metavar="FILE",
              help="Review file [default: candidates/<id>.yaml]; the article is copied beside it.")
@click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of ARTICLE.")
@click.option("--max-bytes", type=click.IntRange(1), default=1_000_000, show_default=True,
              help="Refuse longer files.")
@click.pass_obj
def ingest(obj: _Context, article: str, source_id, title, date, outlet, author, out, encoding,
           max_bytes) -> None:
    """Propose entities and statements from a new ARTICLE, for review; data/ is not changed.

    Repairs encoding damage, parses the text with spaCy's small English model (sentences,
    lemmas, dependencies, names), resolves every name against the graph before proposing a new
    entity, reads who did what to whom from each verb's subject, object and clauses (rules in
    kg/ingest/rules/; a threat or plan is never the act), dates acts against --date, and quotes
    each statement's sentence verbatim. See docs/ingest.md. Then:

    \b
      kg review candidates/ID.yaml                list the candidates
      kg review candidates/ID.yaml --merge A=B    a duplicate into entity B
      kg review candidates/ID.yaml --reject S     a wrong statement out
      kg review candidates/ID.yaml --add "A sued B" --quote "..."
                                                  a fact ingest missed
      kg review candidates/ID.yaml --accept all   the rest, refused while
                                                  duplicates remain
      kg review candidates/ID.yaml --apply        the accepted ones into data/

    See docs/ingest.md.
    """
    from . import ingest as ingesting

    written = ingesting.ingest(article, obj.project(), source_id=source_id, title=title, date=date,
                               outlet=outlet, author=author, out=out, encoding=encoding,
                               max_bytes=max_bytes)
    click.echo(f"{written.entities} entities and {written.statements} statements proposed for "
               f"source '{written.source_id}'")
    click.echo(f"review file: {written.path}")
    click.echo(f"next: kg review {written.path}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--accept", multiple=True, metavar="ID|all",
              help="Mark a candidate accepted (repeatable); 'all' refuses while duplicates or ambiguities remain.")
@click.option("--reject", multiple=True, metavar="ID|all",
              help="Mark a candidate rejected (repeatable); an entity's statements are rejected with it.")
@click.option("--merge", multiple=True, metavar="ID=TARGET",
              help="Make candidate ID the entity TARGET (in data/ or the file): its names become aliases.")
@click.option("--merge-duplicates", is_flag=True,
              help="Merge every candidate that likely duplicates one entity (as listed) into it.")
@click.option("--rename", multiple=True, metavar="ID=NEWID", help="Give a candidate entity another id.")
@click.option("--relabel", multiple=True, metavar="ID=LABEL", help="Give a candidate entity another label.")
@click.option("--drop-aliases", is_flag=True, help="With --merge and --relabel: keep no old name as an alias.")
@click.option("--remove-alias", nargs=2, multiple=True, metavar="ID ALIAS", help="Drop an alias of a candidate.")
@click.option("--describe", nargs=2, multiple=True, metavar="ID TEXT", help="Describe a new entity.")
@click.option("--retype", multiple=True, metavar="ID=TYPE", help="Give a candidate entity another type.")
@click.option("--relation", "relate", multiple=True, metavar="STMT=RELATION",
              help="Give a candidate statement another relation.")
@click.option("--add", "add", metavar='"SUBJECT RELATION OBJECT"',
              help="Add a statement ingest missed (accepted), with --quote or --sentence.")
@click.option("--quote", metavar="TEXT", help="With --add: words of the article (any quote style and spacing).")
@click.option("--sentence", type=click.IntRange(1), metavar="N", help="With --add: quote sentence N (see --sentences).")
@click.option("--date", "when", type=DATE, help="With --add: when it happened, as the text gives it (YYYY[-MM[-DD]]).")
@click.option("--implied", is_flag=True, help="With --add: the text implies it rather than says it.")
@click.option("--sentences", is_flag=True, help="List the article's sentences, numbered for --sentence.")
@click.option("--search", metavar="TEXT", help="Find entities (data/ and the file) by part of a name or alias.")
@click.option("--all", "all_rows", is_flag=True, help="List every row, not a screenful.")
@click.option("--apply", "apply_", is_flag=True,
              help="Move the accepted candidates into data/ (checked first; all or nothing; safe to run again).")
@_FORMAT
@click.pass_obj
def review(obj: _Context, file: str, apply_: bool, fmt: str | None, all_rows: bool, search: str | None,
           sentences: bool, **edits) -> None:
    """List the candidates in FILE (from `kg ingest`), edit and mark them, and apply the accepted ones.

    Each edit is one option, updates every reference in the file and prints what it did:
    --merge TomHoman=ThomasHoman, --rename OldId=NewId, --relabel, --retype Id=Court,
    --relation FILE-003=threatened, --remove-alias ID ALIAS, --describe ID TEXT, and
    --add "SUBJECT RELATION OBJECT" --quote TEXT for a fact ingest missed. Edits run first, then
    --reject, then --accept, then --apply. Accepted entities and statements go to data/entities/
    and data/statements/ without the review fields; aliases of entities data/ already has are
    added to them; the article is stored in data/sources/ and listed in data/sources.yaml. The
    result is validated as `kg check` does before data/ is replaced; if anything is wrong, data/
    stays as it was. --apply again adds only what data/ does not have yet.
    """
    from .ingest import review as reviewing

    limit = None if all_rows else output.SCREEN
    if search or sentences:
        _review_lookup(obj, file, search, sentences, output.pick_format(fmt), limit)
        return
    doc = _review_edit(obj, file, **edits)
    if apply_:
        done = reviewing.apply(file, obj.project())
        aliases = sum(len(v) for v in done.aliases.values())
        if not (done.entities or aliases or done.statements):
            click.echo(f"nothing new: source '{done.source}' in data/ has all that {file} accepts")
            return
        click.echo(f"added {'to ' if done.again else ''}source '{done.source}': {len(done.entities)} entities, "
                   f"{aliases} aliases, "
                   f"{len(done.statements)} statements (run 'kg build' to publish)")
        return
    _review_list(obj, file, doc, output.pick_format(fmt), limit)


def _review_edit(obj: _Context, file: str, *, accept, reject, merge, merge_duplicates, rename, relabel, drop_aliases,
                 remove_alias, describe, retype, relate, add, quote, sentence, when, implied) -> dict:
    """Run the edits and marks of `kg review` on FILE, printing what each did; the file as it now is."""
    from .ingest import additions
    from .ingest import review as reviewing

    if (quote or sentence or when or implied) and not add:
        raise KGError("--quote, --sentence, --date and --implied go with --add",
                      hint='--add "SUBJECT RELATION OBJECT" --quote "..."', exit_code=2)
    if merge or merge_duplicates or rename or relabel or retype or relate or remove_alias or describe:
        for line in reviewing.edit(file, obj.project(), merge=merge, rename=rename, relabel=relabel, retype=retype,
                                   relate=relate, remove_alias=remove_alias, describe=describe,
                                   drop_aliases=drop_aliases, merge_duplicates=merge_duplicates):
            click.echo(line)
    elif drop_aliases:
        raise KGError("--drop-aliases goes with --merge or --relabel", exit_code=2)
    if add:
        click.echo(additions.add_to_file(file, obj.project(), add, quote=quote, number=sentence, date=when,
                                         implied=implied))
    if not (accept or reject):
        return reviewing.load(file)
    doc, said = reviewing.marks(file, accept, reject, obj.project())
    for line in said:
        click.echo(line)
    return doc


def _review_lookup(obj: _Context, file: str, search: str | None, sentences: bool, fmt: str, limit) -> None:
    from .builder import curated
    from .ingest import additions
    from .ingest import review as reviewing

    doc = reviewing.load(file)
    more = "--all lists every row"
    if sentences:
        rows = additions.numbered(additions.article(file, doc))
        output.write_rows(["n", "sentence"], rows, fmt, title=f"Sentences of {file}", limit=limit, more=more)
    if search:
        data = curated.read(obj.project().data_dir, obj.project().root)
        output.write_rows(["id", "type", "label", "where", "matched"], reviewing.search(doc, data, search, None),
                          fmt, title=f"Entities matching {search!r}", limit=limit, more=more)


def _review_list(obj: _Context, file: str, doc: dict, fmt: str, limit) -> None:
    from . import ontology
    from .builder import curated
    from .ingest import review as reviewing

    if fmt == "table":  # whole quotes, wrapped to the terminal; the rule and offsets are in the file
        output.write_rows(["id", "ok", "candidate", "score"], reviewing.compact(doc), fmt,
                          title=f"Candidates in {file}", limit=limit, more="--all lists every row", unbroken=["id"])
        project = obj.project()
        left = reviewing.problems(doc, curated.read(project.data_dir, project.root),
                                  ontology.load(project.ontology_dir))
        if left:
            import shutil
            import textwrap

            width = shutil.get_terminal_size().columns
            click.echo("\n".join(textwrap.fill(line, width, initial_indent=indent, subsequent_indent=indent + "    ",
                                                break_long_words=False, break_on_hyphens=False)
                                  for line, indent in [(f"{len(left)} to resolve before --accept all "
                                                        "(--merge-duplicates merges the 'may duplicate' ones):", ""),
                                                       *((line, "  ") for line in left)]))
        return
    output.write_rows(["kind", "id", "status", "candidate", "score", "rule", "sentence"],
                      reviewing.items(doc), fmt, title=f"Candidates in {file}", limit=limit,
                      more="--all lists every row")


def _mark(reviewing, file: str, accept: tuple[str, ...], reject: tuple[str, ...], project: projects.Project) -> dict:
    """Mark candidates accepted or rejected, and say which ones changed."""
    def statuses(doc: dict) -> dict[str, str | None]:
        return {x["id"]: x.get("status") for x in [*doc["entities"], *doc["statements"]]}

    before = statuses(reviewing.load(file))
    doc = reviewing.mark(file, accept, reject, project)
    after = statuses(doc)
    for asked, status in ((accept, "accepted"), (reject, "rejected")):
        if asked:
            changed = [i for i, s in after.items() if s == status and before.get(i) != status]
            shown = ", ".join(changed[:8]) + (f" and {len(changed) - 8} more" if len(changed) > 8 else "")
            click.echo(f"{status} {len(changed)} candidate(s)" + (f": {shown}" if changed else " (no change)"))
    return doc


@cli.command()
@click.option("--full-gazetteer", is_flag=True,
              help="Know every curated entity (an upper bound) instead of holding out each source's own.")
@click.option("--fixtures", type=click.Path(file_okay=False, exists=True), metavar="DIR",
              help="Score the articles of another project (DIR or DIR/data) instead of this one's.")
@click.option("--misses", is_flag=True,
              help="List the curated statements missed and the proposals that are wrong (strict), "
                   "sentence by sentence, instead of the scores; held-out sources are not listed.")
@_FORMAT
@click.pass_obj
def evaluate(obj: _Context, full_gazetteer: bool, fixtures: str | None, misses: bool, fmt: str | None) -> None:
    """Score `kg ingest` against the curated statements of the stored articles.

    Precision (P) and recall (R) per source and in total, for entities (all, and 'named':
    without claims) and for (subject, relation, object) statements, matched 'strict' (same
    relation or its inverse) or by 'family' (opposes, supports, legalAction, ...). See
    kg/ingest/evaluate.py for how entities are matched. as_act counts threats, plans and
    refusals recorded as the act (the aim is 0). Sources listed in DIR/held-out.txt are totalled
    apart.
    """
    from .ingest import evaluate as evaluating

    report = evaluating.evaluate(obj.project(), held_out=not full_gazetteer, fixtures=fixtures)
    if misses:
        # Held-out sources stay unread: their misses would show what to tune the rules to.
        rows = [[kind, r.source, *rest] for r in report.sources if not r.source.endswith("(held out)")
                for kind, *rest in r.misses]
        skipped = [r.source for r in report.sources if r.source.endswith("(held out)")]
        if skipped:
            click.echo(f"not listed: {len(skipped)} held-out sources", err=True)
        output.write_rows(["kind", "source", "subject", "relation", "object", "rule", "sentence"], rows,
                          output.pick_format(fmt), title="Missed and wrong statements (strict)")
        return
    output.write_rows(evaluating.Evaluation.COLUMNS, report.rows(), output.pick_format(fmt),
                      title="Extraction against the curated data"
                            + (" (full gazetteer)" if full_gazetteer else " (held out)"))


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; turns errors into one line and an exit code."""
    from .signals import Stopped, stopping

    try:
        with stopping():  # SIGTERM and SIGHUP stop as Ctrl-C does
            cli.main(args=argv, prog_name="kg", standalone_mode=False)
    except Stopped as exc:  # raised outside click's own handling (kg serve re-raises it)
        click.echo(f"kg: stopped by {exc}", err=True)
        return exc.exit_code
    except ValidationError as exc:
        for problem in exc.problems:
            click.echo(output.terminal_safe(str(problem)), err=True)
        click.echo(f"kg: {exc}", err=True)
        return exc.exit_code
    except KGError as exc:
        click.echo(f"kg: error: {exc.for_cli()}", err=True)
        return exc.exit_code
    except click.exceptions.Abort as exc:
        if isinstance(exc.__context__, Stopped):  # click turns a KeyboardInterrupt into Abort
            click.echo(f"kg: stopped by {exc.__context__}", err=True)
            return exc.__context__.exit_code
        click.echo("kg: aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (_PipeClosed, BrokenPipeError):
        # Quietly, as other tools: nothing more can be written, and Python's flush at exit
        # must not complain either.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PIPE_CLOSED
    except OSError as exc:
        click.echo(f"kg: error: {exc}", err=True)
        return EXIT_ENVIRONMENT
    return 0


if __name__ == "__main__":
    sys.exit(main())
