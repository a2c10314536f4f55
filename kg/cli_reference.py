"""The command reference in docs/cli.md: what `kg CMD --help` prints in a terminal of 80 columns,
generated from the click commands so it cannot drift from the code.

    python -m kg.cli_reference           rewrite docs/cli.md below its marker
    python -m kg.cli_reference --check   exit 1 and name the first difference if it is out of date
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import click

#: Everything in docs/cli.md after this line is generated; what comes before is written by hand.
MARKER = "<!-- Generated below by `python -m kg.cli_reference` from the click commands: do not edit by hand. -->"
WIDTH = 80
DEFAULT = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def _section(title: str, help_text: str) -> str:
    return f"### `{title}`\n\n```text\n{help_text.rstrip()}\n```\n"


def help_text(*command: str, width: int = WIDTH) -> str:
    """What `kg COMMAND --help` prints in a terminal `width` columns wide: the real command in a
    process of its own (click's test runner would force a width of its own)."""
    env = {**os.environ, "COLUMNS": str(width)}
    run = subprocess.run([sys.executable, "-m", "kg", *command, "--help"], env=env, capture_output=True,
                         text=True, encoding="utf-8", timeout=60, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"kg {' '.join(command)} --help exited with {run.returncode}: {run.stderr.strip()}")
    return run.stdout


def reference(width: int = WIDTH) -> str:
    """The reference: `kg --help`, then each command's help, in alphabetical order."""
    from .cli import cli

    root = click.Context(cli, info_name="kg")
    parts = ["## Every command\n", _section("kg", help_text(width=width))]
    for name in sorted(cli.list_commands(root)):
        command = cli.get_command(root, name)
        if command is None or command.hidden:
            continue
        parts.append(_section(f"kg {name}", help_text(name, width=width)))
    return "\n".join(parts)


def render(current: str) -> str:
    """`current` (the text of docs/cli.md) with everything after the marker generated anew."""
    if MARKER not in current:
        raise ValueError(f"no marker line in the file: add {MARKER!r} where the reference starts")
    head = current[: current.index(MARKER) + len(MARKER)]
    return f"{head}\n\n{reference()}"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    path = Path(paths[0]) if paths else DEFAULT
    current = path.read_text(encoding="utf-8")
    wanted = render(current)
    if current == wanted:
        return 0
    if check:
        diff = difflib.unified_diff(current.splitlines(), wanted.splitlines(), str(path), "generated", n=1,
                                    lineterm="")
        print(f"{path} is out of date (run: python -m kg.cli_reference):", file=sys.stderr)
        print("\n".join(list(diff)[:40]), file=sys.stderr)
        return 1
    path.write_text(wanted, encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
