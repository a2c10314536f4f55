"""`kg ingest` and `kg review` under hostile articles: arbitrary Unicode, control characters,
right-to-left text, markup, YAML look-alikes, odd line endings, a 1 MB line. Nothing crashes:
a review file whose quotes are exact substrings of the stored copy, or one line and exit 1;
`kg review --apply` adds the article to data/ or leaves data/ as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import copy_mini, run_kg
from kg import ontology
from kg import project as projects
from kg.builder import curated
from kg.errors import KGError
from kg.ingest import extract, read_article, review
from kg.ingest.writer import write

pytestmark = pytest.mark.slow  # hypothesis and large articles: about two minutes

# Words the extraction rules react to, and text that has broken parsers before.
FRAGMENTS = ["Mayor Jane Roe", "Jane Roe", "Roe", "the city of Springfield", "Springfield", "the city",
             "the Federal Agency", "Federal Agency", "Tenth Amendment", " sued ", " threatened ", " said ",
             " criticized ", "On Feb. 7, ", "last month", "Attorney General Pam Bondi", "U.S.", "Dr.", ". ",
             "\n", "\n\n", "\r\n", "\r", '"', "'", "“", "”", "’s", "â€™", "Ã©", ": ", "- ", "--- ", "&a ",
             "*a ", "!!python/object/apply:os.system ['true'] ", "{", "}", "[", "]", "#", "%", "@", "`",
             "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\u202e", "\u202c", "עברית ",
             "العربية ", "\u200b", "\ufeff", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x07", "\x1b[31m",
             "😀", "𝔘", "e\u0301", "\t", "  ", ",", "(", ")", " and ", " of "]
ARTICLE = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=10)), min_size=1, max_size=40).map("".join)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return projects.find(copy_mini(tmp_path_factory.mktemp("ingest-project") / "mini"))


@pytest.fixture(scope="module")
def known(project):
    return curated.read(project.data_dir, project.root), ontology.load(project.ontology_dir)


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def check_review_file(path: Path, text_path: Path, original: str) -> dict:
    """The review file reads back; the article copy is the article; each quote is the copy at its offsets."""
    doc = review.load(path)
    stored = text_path.read_bytes().decode("utf-8")
    assert stored == original
    for statement in doc["statements"]:
        start, end = statement["offsets"]
        assert stored[start:end] == statement["quote"], statement["id"]
    assert len(list(review.items(doc))) == len(doc["entities"]) + len(doc["statements"])
    return doc


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ARTICLE)
def test_any_article_gives_a_faithful_review_file_or_one_line(project, known, tmp_path_factory, text):
    data, onto = known
    folder = tmp_path_factory.mktemp("article")
    article = folder / "article.txt"
    article.write_bytes(text.encode("utf-8"))
    try:
        original = read_article(article)
    except KGError as exc:  # empty, white space only, or mostly control characters
        assert "\n" not in str(exc) and "\r" not in str(exc)
        return
    found = extract(original, date="2025-02-10", known=data.entities, onto=onto)
    written = write(found, article=article, project=project, data=data, out=folder / "c" / "article.yaml")
    check_review_file(written.path, written.text_path, original)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(min_size=1, max_size=300))
def test_any_bytes_are_read_or_refused_in_one_line(tmp_path_factory, raw):
    article = tmp_path_factory.mktemp("bytes") / "article.txt"
    article.write_bytes(raw)
    try:
        read_article(article)
    except KGError as exc:
        assert "\n" not in str(exc) and "\r" not in str(exc)


NASTY = {
    "markup": 'Mayor Jane Roe said <script>alert("x")</script> and <img src=x onerror=alert(1)> '
              "the city of Springfield sued the Federal Agency on Feb. 7.\n",
    "yaml": "--- !!python/object/apply:os.system ['touch {marker}']\nkey: value\n- item: &anchor *anchor\n...\n"
            'The city of Springfield sued the Federal Agency. Mayor Jane Roe said: "yes: no # not a comment".\n',
    "right-to-left": "\u202eMayor Jane Roe\u202c said עברית العربية that the city of Springfield sued the "
                     "Federal Agency.\x07 Then\x1b[31m it ended.\n",
    "line-endings": "The city of Springfield sued the Federal Agency.\r\nMayor Jane Roe criticized the Federal "
                    "Agency.\rThe Federal Agency threatened Springfield.\x85Next\u2028line\u2029paragraph.\n",
    "mojibake": "Springfieldâ€™s mayor, Jane Roe, said the Federal Agencyâ€™s order was unlawful. "
                "The city of Springfield sued the Federal Agency.\n",
    # Under the 1,000,000-byte limit, and one line: parsed in pieces cut at spaces (about 100 s).
    "one-megabyte-line": '<b>&amp;</b> \u202e"quoted" \\ {{ }} \x1b ' * 28_500,
}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n == "one-megabyte-line" else n
                                  for n in NASTY])
def test_hostile_articles_through_ingest_review_and_apply(mini, tmp_path, name):
    marker = tmp_path / "PWNED"
    article = tmp_path / f"{name}.txt"
    article.write_bytes(NASTY[name].format(marker=marker).encode("utf-8") if name == "yaml"
                        else NASTY[name].encode("utf-8"))
    review_file = tmp_path / "c" / "article.yaml"
    # the megabyte takes about 100 s of CPU: the wall time on a loaded machine is more
    ingested = run_kg("--root", str(mini), "ingest", str(article), "--out", str(review_file), "--date", "2025-02-10",
                      timeout=600)
    assert ingested.returncode == 0, ingested.stderr
    check_review_file(review_file, review_file.with_suffix(".txt"), read_article(article))
    for args in (["--format", "csv"], ["--format", "table"], ["--accept", "all", "--format", "csv"]):
        listed = run_kg("--root", str(mini), "review", str(review_file), *args)
        assert listed.returncode == 0 and listed.stderr == "", listed.stderr
    before = tree(mini / "data")
    applied = run_kg("--root", str(mini), "review", str(review_file), "--apply")
    if applied.returncode == 0:
        built = run_kg("--root", str(mini), "--store", str(tmp_path / "store"), "build", "-q")
        assert built.returncode == 0, built.stderr
    else:  # refused as a whole: one line per problem, data/ as it was
        assert applied.returncode == 1 and "Traceback" not in applied.stderr, applied.stderr
        assert all(line.startswith(("kg: ", "data/", "<graph>")) for line in applied.stderr.splitlines())
        assert tree(mini / "data") == before
    assert not marker.exists()


def test_a_next_line_character_survives_the_review_file(project, known, tmp_path):
    """U+0085 is what double-decoding turns a Windows '…' into (bytes C2 85), and PyYAML writes
    it raw where a reader takes it for a line break: kg.curated.dump double-quotes it."""
    data, onto = known
    article = tmp_path / "nel.txt"
    article.write_bytes("The city of Springfield sued the Federal Agency.\x85 Mayor Jane Roe said so.\n".encode())
    original = read_article(article)
    found = extract(original, date="2025-02-10", known=data.entities, onto=onto)
    written = write(found, article=article, project=project, data=data, out=tmp_path / "c" / "nel.yaml")
    check_review_file(written.path, written.text_path, original)
