"""The `kg` command: each subcommand is a thin layer over the Python API.

Exit codes: 0 success; 1 invalid data, query or parameter; 2 wrong command line;
3 environment (no built store, unwritable folder, unreachable endpoint).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__, builder, graph, output, project as projects
from .errors import EXIT_ENVIRONMENT, KGError, ValidationError

_FORMAT = click.option("--format", "fmt", type=click.Choice(output.FORMATS),
                       help="Output format [default: table in a terminal, csv when piped].")


class _Context:
    def __init__(self, root: str | None, store: str | None):
        self.root = root
        self.store = store

    def project(self) -> projects.Project:
        return projects.find(self.root, self.store)

    def graph(self) -> graph.KnowledgeGraph:
        return graph.load(self.root, self.store)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    checked = builder.check(obj.project(), full_shacl=full_shacl)
    click.echo(f"ok: {_counts_line(checked.counts)} are valid ({checked.seconds:.2f} s)")


@cli.command()
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
@_FULL_SHACL
@click.pass_obj
def build(obj: _Context, quiet: bool, full_shacl: bool) -> None:
    """Validate data/ and write the on-disk store and a Turtle dump, atomically.

    A build that fails leaves the previously built store exactly as it was.
    """
    result = builder.build(obj.project(), full_shacl=full_shacl)
    if not quiet:
        click.echo(f"built {_counts_line(result.counts)} in {result.seconds:.2f} s "
                   f"({_timings_line(result.timings)})")
        click.echo(f"store: {result.store_path}")
        click.echo(f"dump:  {result.dump_path}")


@cli.command()
@_FORMAT
@click.pass_obj
def stats(obj: _Context, fmt: str | None) -> None:
    """Counts of entities by type, statements by relation and by source."""
    fmt = output.pick_format(fmt)
    g = obj.graph()
    tables = {"stats-types": "Entities by type", "stats-relations": "Statements by relation",
              "stats-sources": "Statements by source"}
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


@cli.command()
@click.argument("query", required=False)
@click.option("-e", "--expression", metavar="SPARQL", help="Run this SPARQL text.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query parameter (repeatable); values are bound, never pasted into the text.")
@click.option("--list", "list_", is_flag=True, help="List the named queries and their parameters.")
@_FORMAT
@click.pass_obj
def query(obj: _Context, query: str | None, expression: str | None, params: tuple[str, ...],
          list_: bool, fmt: str | None) -> None:
    """Run a named query (see --list), a .rq FILE, or SPARQL text with -e.

    \b
    Examples:
      kg query --list
      kg query entities --format csv
      kg query entity-lookup --param name=Chiu
      kg query -e 'SELECT ?s WHERE { ?s kg:sued ?o }'
    Prefixes kg:, ent:, stmt:, src:, rdf:, rdfs:, skos:, prov:, xsd:, owl: are predefined.
    JSON output is SPARQL 1.1 Query Results JSON.
    """
    fmt = output.pick_format(fmt)
    if list_:
        from . import catalog

        entries = catalog.load(obj.project().queries_dir).values()
        rows = [[q.name, q.title, " ".join(f"{p.name}:{p.kind}" for p in q.params), q.description]
                for q in entries]
        output.write_rows(["name", "title", "params", "description"], rows, fmt, title="Named queries")
        return
    if bool(query) == bool(expression):
        raise click.UsageError("give one of QUERY (a name or a .rq file) and -e SPARQL")
    g = obj.graph()
    text = expression
    if query and query not in g.catalog:
        path = Path(query)
        if path.suffix == ".rq" and path.is_file():
            text = path.read_text(encoding="utf-8")
        else:
            import difflib

            close = difflib.get_close_matches(query, list(g.catalog), n=1)
            raise KGError(f"no named query {query!r}",
                          hint=f"did you mean {close[0]!r}?" if close else "see 'kg query --list'")
    result = g.query(text or query, **_parse_params(params))
    output.write_rows(result.variables, ([r[v] for v in result.variables] for r in result), fmt,
                      terms=result.terms)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; turns errors into one line and an exit code."""
    try:
        cli.main(args=argv, prog_name="kg", standalone_mode=False)
    except ValidationError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(f"kg: {exc}", err=True)
        return exc.exit_code
    except KGError as exc:
        click.echo(f"kg: error: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("kg: aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except OSError as exc:
        click.echo(f"kg: error: {exc}", err=True)
        return EXIT_ENVIRONMENT
    return 0


if __name__ == "__main__":
    sys.exit(main())
