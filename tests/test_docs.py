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
import shlex
import shutil
import struct
import subprocess
import sys
import termios
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO, read_terminal

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


@dataclass
class Command:
    page: str
    line: int
    text: str
    shown: list[str]


@dataclass
class Block:
    language: str
    line: int  # of its first line of content
    lines: list[str]


_FENCE = re.compile(r"^(\s*)(`{3,})([\w-]*)\s*$")


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of a page, indented ones (inside a list item) included, their lines
    without the fence's indentation."""
    found: list[Block] = []
    open_fence: re.Match[str] | None = None
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        fence = _FENCE.match(line)
        if open_fence is None:
            if fence:
                open_fence = fence
                found.append(Block(fence[3], number + 1, []))
        elif fence and fence[2] == open_fence[2] and not fence[3]:
            open_fence = None
        else:
            indent = len(open_fence[1])
            found[-1].lines.append(line[indent:] if line[:indent].isspace() else line)
    return found


def commands(page: Path) -> list[Command]:
    """The commands of a page's console blocks, with the output each one shows."""
    found: list[Command] = []
    for block in blocks(page):
        if block.language != "console":
            continue
        lines, number = block.lines, 0
        while number < len(lines):
            line = lines[number]
            number += 1
            if line.startswith("$ "):
                text, start = line[2:], block.line + number - 1
                while text.endswith("\\") and number < len(lines):
                    text = text[:-1] + " " + lines[number].strip()
                    number += 1
                found.append(Command(page.name, start, text, []))
            elif found and found[-1].line >= block.line:
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
    shown = read_terminal(master, 300)
    code = process.wait(timeout=60)
    return code, _ANSI.sub("", shown.decode("utf-8", "replace").replace("\r\n", "\n"))


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


def test_the_readme_is_a_front_door_of_at_most_200_lines():
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200, f"README.md has {len(lines)} lines: move the detail to a page of docs/"


#: kg commands the pages show outside a ```console block, because they cannot run in a copy of
#: the seed project (a server until Ctrl-C, another SPARQL server, a folder of the user's files),
#: and the test that runs each as the page shows it.
RUN_ELSEWHERE = {
    "kg serve": "tests/query/test_serve.py::test_the_commands_of_the_docs_start_a_server",
    "kg serve --port 8000 --host 0.0.0.0": "tests/query/test_serve.py::test_the_commands_of_the_docs_start_a_server",
    "kg build --endpoint http://localhost:8890/sparql":
        "tests/query/test_virtuoso.py::test_build_loads_the_graph_into_virtuoso",
    "kg query lawsuits --endpoint http://localhost:8890/sparql":
        "tests/query/test_virtuoso.py::test_query_command_and_network_on_virtuoso",
    "kg --store ~/work build": "tests/builder/test_build_folder.py::"
                               "test_a_store_folder_with_the_users_files_is_refused_and_untouched",
}


def shown_elsewhere(page: Path) -> list[tuple[int, str]]:
    """The kg commands of a page's blocks other than ```console: `$ kg ...` lines, and the lines of
    shell blocks that start with `kg`."""
    found = []
    for block in blocks(page):
        if block.language == "console":
            continue
        for number, line in enumerate(block.lines, block.line):
            if line.startswith("$ kg"):
                found.append((number, line[2:]))
            elif block.language in ("sh", "bash", "shell") and re.match(r"kg\b", line):
                found.append((number, line))
    return found


def test_every_kg_command_the_pages_show_is_run_by_a_test():
    pages = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
    assert [p for p in pages if p not in PAGES] == [], "a page in a subfolder of docs/ is not run"
    for page in pages:
        for number, line in shown_elsewhere(page):
            command = " ".join(shlex.split(line, comments=True))
            where = f"{page.relative_to(REPO)}:{number}: {command}"
            assert command in RUN_ELSEWHERE, f"{where} is shown but never run: put it in a ```console block"
            path, name = RUN_ELSEWHERE[command].split("::")
            assert f"def {name}(" in (REPO / path).read_text(encoding="utf-8"), f"{where}: no {RUN_ELSEWHERE[command]}"


def test_a_command_in_an_indented_block_is_found(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("- a step:\n\n  ```console\n  $ kg stats\n  # Entities\n  ```\n\n```sh\nkg serve\n```\n"
                    "```text\n$ kg check\n```\n")
    assert [(c.line, c.text, c.shown) for c in commands(page)] == [(4, "kg stats", ["# Entities"])]
    assert shown_elsewhere(page) == [(9, "kg serve"), (12, "kg check")]


def reference_sections() -> dict[str, str]:
    from kg import cli_reference

    text = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    generated = text[text.index(cli_reference.MARKER):]
    return dict(re.findall(r"### `(kg[^`]*)`\n\n```text\n(.*?)\n```\n", generated, re.S))


def test_the_cli_reference_is_what_kg_help_prints_in_a_terminal_of_80_columns():
    from kg.cli import cli

    sections = reference_sections()
    assert set(sections) == {"kg"} | {f"kg {name}" for name, command in cli.commands.items() if not command.hidden}
    for title, shown in sections.items():
        code, printed = in_terminal([sys.executable, "-m", "kg", *title.split()[1:], "--help"], REPO)
        assert code == 0, printed
        assert printed.rstrip("\n") == shown, \
            f"docs/cli.md's `{title}` is not what `{title} --help` prints: run `python -m kg.cli_reference`"


@pytest.mark.slow
def test_the_readme_python_example_runs_on_the_seed_project(seeds_project, tmp_path):
    # The README's tour ends with the same operations from Python; they run as written, in the
    # project folder after `kg build`, and write the focus view they promise.
    (example,) = [b for b in blocks(REPO / "README.md") if b.language == "python"]
    root = project_copy(seeds_project, tmp_path)
    assert in_terminal([sys.executable, "-m", "kg", "build", "-q"], root)[0] == 0
    env = {k: v for k, v in os.environ.items() if k not in ("KG_ROOT", "KG_STORE")}
    result = subprocess.run([sys.executable, "-c", "\n".join(example.lines)], cwd=root, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (root / "build" / "views" / "ego-ThomasHoman.html").is_file(), sorted((root / "build").rglob("*.html"))
