"""The documentation runs: every ```console block of README.md and docs/*.md, command by command,
against a copy of the seed project in a terminal of 80 columns, and docs/cli.md is what the
click commands print.

A block's `$ kg ...` lines run in order (a page's blocks share one project copy, so a walkthrough
builds on what it did before); the lines after a command are its output, where `...` alone on a
line stands for any lines and `...` inside a line for any text. A command whose shown output
has no `kg: ` error line must exit 0; one that shows an error must fail.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shlex
import shutil
import struct
import subprocess
import sys
import termios
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


@dataclass
class Command:
    page: str
    line: int
    text: str
    shown: list[str]


def commands(page: Path) -> list[Command]:
    """The commands of a page's console blocks, with the output each one shows."""
    found: list[Command] = []
    inside = False
    lines = page.read_text(encoding="utf-8").splitlines()
    number = 0
    while number < len(lines):
        line = lines[number]
        number += 1
        if line.startswith("```"):
            inside = line.strip() == "```console"
            continue
        if not inside:
            continue
        if line.startswith("$ "):
            text, start = line[2:], number
            while text.endswith("\\") and number < len(lines):
                text = text[:-1] + " " + lines[number].strip()
                number += 1
            found.append(Command(page.name, start, text, []))
        elif found:
            found[-1].shown.append(line)
    return found


def matches(shown: list[str], output: str) -> bool:
    """Whether `output` is what `shown` shows, `...` standing for what the page leaves out."""
    if not shown:
        return True
    pattern = []
    for line in shown:
        if line.strip() == "...":
            pattern.append(r"(?:[^\n]*\n)*?")
        else:
            pattern.append(".*".join(re.escape(part) for part in line.rstrip().split("...")) + r"[ \t]*\n")
    text = "\n".join(line.rstrip() for line in output.splitlines()) + "\n"
    return re.fullmatch("".join(pattern), text) is not None


def in_terminal(argv: list[str], cwd: Path, columns: int = 80, rows: int = 40) -> tuple[int, str]:
    """Run `argv` with a pseudo-terminal of `columns` x `rows` as its standard streams, as a
    reader at a terminal runs it; returns the exit code and what the terminal showed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("KG_ROOT", "KG_STORE", "COLUMNS", "LINES")}
    env.update(TERM="dumb", NO_COLOR="1")
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    chunks = []
    while select.select([master], [], [], 300)[0]:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    code = process.wait(timeout=60)
    return code, _ANSI.sub("", b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n"))


def project_copy(seeds_project: Path, tmp_path: Path) -> Path:
    """The seed project, with the article fixtures the walkthroughs name, in a folder of its own."""
    root = tmp_path / "project"
    shutil.copytree(seeds_project, root)
    shutil.copytree(REPO / "tests" / "fixtures" / "ingest", root / "tests" / "fixtures" / "ingest")
    shutil.copytree(REPO / "examples", root / "examples")  # the worked story file
    return root


def run_page(page: Path, root: Path) -> None:
    built = False
    for command in commands(page):
        where = f"{command.page}:{command.line}: $ {command.text}"
        argv = shlex.split(command.text, comments=True)
        assert argv and argv[0] == "kg", f"{where}: a console block runs kg commands only"
        if not built and argv[1:2] != ["build"]:
            assert in_terminal([sys.executable, "-m", "kg", "build", "-q"], root)[0] == 0
        built = True
        code, output = in_terminal([sys.executable, "-m", "kg", *argv[1:]], root)
        fails = any(line.startswith("kg: ") for line in command.shown)
        assert (code != 0) == fails, f"{where}\nexit {code}\n{output}"
        assert matches(command.shown, output), f"{where}\nshows:\n" + "\n".join(command.shown) + \
            f"\nbut printed:\n{output}"


PAGES_WITH_COMMANDS = [p for p in PAGES if commands(p)]


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES_WITH_COMMANDS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_command_of_the_page_runs_and_prints_what_it_shows(page, seeds_project, tmp_path):
    run_page(page, project_copy(seeds_project, tmp_path))


def test_the_readme_and_the_command_line_pages_show_commands():
    assert commands(REPO / "README.md") and commands(REPO / "docs" / "cli.md")


def test_the_cli_reference_is_what_the_commands_print():
    from kg import cli_reference

    path = REPO / "docs" / "cli.md"
    assert path.read_text(encoding="utf-8") == cli_reference.render(path.read_text(encoding="utf-8")), \
        "docs/cli.md is out of date: run `python -m kg.cli_reference`"


def test_the_reference_has_every_command_and_option():
    from kg import cli_reference
    from kg.cli import cli

    text = cli_reference.reference()
    for name, command in cli.commands.items():
        assert f"### `kg {name}`" in text
        for option in command.params:
            assert all(flag in text for flag in option.opts if flag.startswith("--")), (name, option.opts)


def test_elision_matches_lines_and_parts_of_lines():
    assert matches(["a ... c", "...", "z"], "a b c\nx\ny\nz\n")
    assert matches(["...", "z"], "z\n")
    assert not matches(["a", "z"], "a\nb\nz\n")
    assert not matches(["a ... c"], "a b d\n")
