"""Sources one click away: `source` values are read as citations, must resolve, and become
links to the published document's lines (pages), or URLs (JSON twins)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_project, minimal_project, run_scrutiny

from scrutiny.citations import Citation, Document, Library, parts
from scrutiny.cli import main
from scrutiny.config import load_config
from scrutiny.pages.twins import with_source_urls
from scrutiny.render.environment import make_environment

DOC = "000_84cb4cf6135e41f0.txt"
MEETING = "lancashire-childrens-services-scrutiny-2017-10-18"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (f"{DOC}:55", Citation(f"{DOC}:55", DOC, 55)),
        (f"{DOC}:55-58", Citation(f"{DOC}:55-58", DOC, 55, 58)),
        ("papers.pdf#page=3", Citation("papers.pdf#page=3", "papers.pdf", page=3)),
        ("papers.pdf", Citation("papers.pdf", "papers.pdf")),
        (f"{DOC}:55-", Citation(f"{DOC}:55-", DOC, unreadable=True)),
        ("fixture", None),  # a note, shown as written
        ("https://example.org/a.pdf", None),  # a URL: a link, not a citation
        ("1.5", None),
        ("see e.g. the minutes", None),
    ],
)
def test_source_values_are_read_as_citations(value: str, expected: Citation | None) -> None:
    assert parts(value)[0].citation == expected


def test_unresolved_sources_are_problems_with_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(ROOT, tmp_path / "project")
    decisions = project / "datasets" / "decisions.csv"
    lines = decisions.read_text(encoding="utf-8").split("\n")
    assert lines[1].endswith(f",{DOC}:89")
    lines[1] = lines[1].replace(f"{DOC}:89", f"{DOC}:8900")
    lines[2] = lines[2].rsplit(",", 1)[0] + ",missing.txt:3"
    decisions.write_text("\n".join(lines), encoding="utf-8")
    code = main(["validate", str(project), "--format", "json", "--no-cache"])
    problems = json.loads(capsys.readouterr().out)
    assert code == 1
    found = {(p["path"], p["line"], p["field"], p["rule"]) for p in problems}
    assert found == {
        ("datasets/decisions.csv", 2, "source", "source-resolves"),
        ("datasets/decisions.csv", 3, "source", "source-resolves"),
    }
    assert any("line 8900 does not exist" in p["message"] for p in problems)
    assert any("'missing.txt' is not in the sources/ folder" in p["message"] for p in problems)


def test_source_links_land_on_lines_of_the_published_document(example_site: Path) -> None:
    page = (example_site / "meetings" / MEETING / "index.html").read_text(encoding="utf-8")
    assert f'href="../../sources/000_84cb4cf6135e41f0/#L89"><code>{DOC}:89</code>' in page
    assert 'href="../../sources/000_84cb4cf6135e41f0/#L55-L58"' in page
    document = example_site / "sources" / "000_84cb4cf6135e41f0" / "index.html"
    html = document.read_text(encoding="utf-8")
    text = (ROOT / "sources" / DOC).read_text(encoding="utf-8").split("\n")
    assert html.count('class="line') == len(text)
    assert '<div class="cited-range" id="L55-L58"' in html
    assert 'id="L89"><span class="ln">89</span>' in html
    assert (example_site / "sources" / DOC).read_bytes() == (ROOT / "sources" / DOC).read_bytes()
    css = (example_site / "sources" / "000_84cb4cf6135e41f0" / "cited.css").read_text()
    assert "#L55-L58:target ~ .c" in css


def test_json_twins_carry_source_urls(example_site: Path) -> None:
    """Absolute under base_url, as the example site has one."""
    base = yaml.safe_load((ROOT / "site.yaml").read_text(encoding="utf-8"))["base_url"]
    twin = json.loads((example_site / "meetings" / f"{MEETING}.json").read_text())
    assert twin["source_url"] == f"{base}sources/000_84cb4cf6135e41f0/#L55-L58"
    decision = twin["decisions"][0]
    assert decision["source"] == f"{DOC}:89"
    assert decision["source_url"] == f"{base}sources/000_84cb4cf6135e41f0/#L89"


def test_source_urls_go_right_after_each_source_at_any_depth() -> None:
    class Links:
        def url(self, source: str, here: str) -> str:
            return f"{here}#{source}"

    data = {
        "id": "m1",
        "source": "a.md:1",
        "note": None,
        "items": [{"no": 1, "source": "a.md:2", "tags": ["x", 2]}, {"no": 2}, 3],
        "nested": {"deeper": [{"source": "", "after": True}]},
    }
    made = with_source_urls(data, Links(), "here")
    assert list(made) == ["id", "source", "source_url", "note", "items", "nested"]
    assert made["source_url"] == "here#a.md:1"
    first = made["items"][0]
    assert list(first.items()) == [
        ("no", 1),
        ("source", "a.md:2"),
        ("source_url", "here#a.md:2"),
        ("tags", ["x", 2]),
    ]
    assert made["items"][1:] == [{"no": 2}, 3]
    assert list(made["nested"]["deeper"][0]) == ["source", "source_url", "after"]
    assert "source_url" not in data  # the data given is not changed


def test_pdf_pages_and_papers_hosted_elsewhere_are_linked(tmp_path: Path) -> None:
    project = minimal_project(tmp_path / "p")
    (project / "sources").mkdir()
    (project / "sources" / "papers.pdf").write_bytes(b"%PDF-1.4 a stand-in")
    datasets = project / "datasets"
    (datasets / "sources.csv").write_text(
        "document,title,council_id,original_url,note\n"
        "agenda.pdf,Agenda pack,testshire,https://testshire.example/agenda.pdf,\n",
        encoding="utf-8",
    )
    decisions = datasets / "decisions.csv"
    rows = decisions.read_text(encoding="utf-8").split("\n")
    rows[1] = rows[1].removesuffix(",fixture") + ",papers.pdf#page=3"
    rows[2] = rows[2].removesuffix(",fixture") + ",agenda.pdf#page=2"
    decisions.write_text("\n".join(rows), encoding="utf-8")
    out = tmp_path / "site"
    result = run_scrutiny("build", project, "--out", out, "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    page = (out / "meetings" / "testshire-cyp-2017-01-10" / "index.html").read_text()
    assert 'href="../../sources/papers.pdf#page=3"><code>papers.pdf#page=3</code>' in page
    assert 'href="https://testshire.example/agenda.pdf#page=2"' in page
    assert (out / "sources" / "papers.pdf").read_bytes() == b"%PDF-1.4 a stand-in"
    listing = (out / "sources" / "index.html").read_text()
    assert "https://testshire.example/agenda.pdf" in listing
    assert "<code>fixture</code>" in page  # a note that is no citation stays as written


def test_a_citation_is_drawn_again_for_another_library_or_depth(tmp_path: Path) -> None:
    """`cite` remembers what it drew for each value and page depth, for the environment's
    library: given another library (the preview's, after the sources table changed), the
    same value is looked up in that one."""
    env = make_environment(tmp_path, load_config(ROOT / "site.yaml"))
    template = env.from_string("{{ value | cite }}")
    value = "papers.pdf#page=3"
    assert template.render(value=value, root="../../") == f"<code>{value}</code>"
    document = Document("papers.pdf", tmp_path / "papers.pdf")
    env.globals["source_library"] = Library({"papers.pdf": document})
    link = '<a class="source-link" href="{}sources/papers.pdf#page=3"><code>{}</code></a>'
    assert template.render(value=value, root="../../") == link.format("../../", value)
    assert template.render(value=value, root="") == link.format("", value)
    assert template.render(value="fixture", root="") == "<code>fixture</code>"
