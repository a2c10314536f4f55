"""`kg chart` and g.chart(): images a test opens, as a reader would (size, pixels that are drawn)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from matplotlib.figure import Figure
from PIL import Image

from conftest import REPO, invoke_kg, run_kg
from kg.views import charts

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def kg_args(seed_build):
    return ["--root", str(REPO), "--store", str(seed_build)]


def drawn(path) -> tuple[tuple[int, int], float, int]:
    """(size, share of pixels that are not background, number of distinct colours) of a PNG."""
    image = Image.open(path).convert("RGB")
    small = image.resize((image.width // 2, image.height // 2))
    raw = small.tobytes()
    pixels = [tuple(raw[i:i + 3]) for i in range(0, len(raw), 3)]
    background = max(set(pixels), key=pixels.count)
    ink = sum(1 for p in pixels if sum(abs(a - b) for a, b in zip(p, background)) > 60)
    return image.size, ink / len(pixels), len(set(pixels))


@pytest.mark.parametrize("name, args", [("timeline", []), ("timeline", ["--period", "month", "--since", "2024"]),
                                        ("centrality", ["--by", "betweenness", "--top", "6"]), ("camps", [])])
def test_chart_commands_write_pngs_with_something_drawn(kg_args, tmp_path, name, args):
    path = tmp_path / f"{name}.png"
    result = run_kg(*kg_args, "chart", name, *args, "-o", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == f"wrote {path}"
    size, ink, colours = drawn(path)
    assert size[0] >= 800 and size[1] >= 400
    assert 0.02 < ink < 0.8, ink  # drawn on, not blank and not a solid block
    assert colours > 8


def test_charts_draw_what_the_graph_says(seed_graph):
    G = seed_graph.to_networkx()
    figure = charts.centrality(G, top=5, by="degree")
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    top = max((n for n in G if "Actor" in G.nodes[n]["classes"]), key=lambda n: G.degree(n))
    assert len(labels) == 5 and labels[-1] == G.nodes[top]["label"]  # the first bar is at the top
    timeline = charts.timeline(G, period="year")
    heights = sum(p.get_height() for p in timeline.axes[0].patches)
    assert heights == sum(1 for _, _, d in G.edges(data=True) if d.get("date"))  # every dated statement once
    camps = charts.camps(G)
    assert "of 2" in camps.axes[0].get_title() and "break the split" in camps.axes[0].get_title()


def test_svg_and_the_default_folder(kg_args, seed_build, tmp_path):
    svg = tmp_path / "camps.svg"
    assert run_kg(*kg_args, "chart", "camps", "-o", str(svg)).returncode == 0
    root = ET.parse(svg).getroot()
    assert root.tag == f"{SVG}svg" and float(root.get("width").removesuffix("pt")) > 500
    assert len(root.findall(f".//{SVG}path")) > 100 and "Donald Trump" in svg.read_text()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_kg(*kg_args, "chart", "centrality", cwd=elsewhere)
    assert result.returncode == 0 and (seed_build / "charts" / "centrality.png").is_file()
    assert not any(elsewhere.iterdir())


def test_python_api_returns_a_figure_or_writes_a_file(seed_graph, tmp_path):
    assert isinstance(seed_graph.chart("timeline"), Figure)
    written = seed_graph.chart("centrality", tmp_path / "top.svg", top=3)
    assert written == tmp_path / "top.svg" and written.stat().st_size > 1000


def test_bad_chart_requests_are_one_line(kg_args, tmp_path, seed_graph):
    unknown = invoke_kg(*kg_args, "chart", "pie")
    assert unknown.returncode == 2 and "'pie' is not one of 'timeline', 'centrality', 'camps'" in unknown.stderr
    suffix = run_kg(*kg_args, "chart", "camps", "-o", str(tmp_path / "camps.jpg"))
    assert suffix.returncode == 1
    assert suffix.stderr.strip().splitlines() == [f"kg: error: cannot tell the image type of {tmp_path / 'camps.jpg'} "
                                                  "(hint: end the file name in .png or .svg)"]
    with pytest.raises(Exception, match="did you mean 'camps'"):
        seed_graph.chart("camp")


def test_the_command_offers_every_chart():
    # Typed in kg/cli.py (importing matplotlib would slow every command's start): held equal here.
    from kg.cli import cli
    from kg.views import charts

    [name] = [p for p in cli.commands["chart"].params if p.name == "name"]
    assert tuple(name.type.choices) == tuple(charts.CHARTS)
