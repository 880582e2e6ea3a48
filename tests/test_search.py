"""Search: the Pagefind index is built with the site, and searching it in a real browser
(Debian's Chromium through Playwright) for a councillor's name finds their meetings."""

from __future__ import annotations

import asyncio
import functools
import json
import re
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import ROOT, minimal_project, run_scrutiny
from pagefind.index import IndexConfig
from published import Built

from scrutiny.output import search_index
from scrutiny.output.pagefind_service import PagefindStopped, PromptService
from scrutiny.pages.search import BROWSE

CHROMIUM = "/usr/bin/chromium"
INDEXED = ("meetings", "committees", "people", "indicators", "recommendations")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(example_site: Path) -> Iterator[str]:
    """The example site over HTTP under a sub-path (/_site/), as on GitHub Pages."""
    handler = functools.partial(QuietHandler, directory=str(example_site.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{example_site.name}/"
    server.shutdown()
    server.server_close()


def councillor(built: Built) -> tuple[str, str, set[str]]:
    """The councillor at the most meetings: (person_id, name, meeting ids)."""
    people = {p["person_id"]: p for p in built.rows("people") if p["kind"] == "councillor"}
    attendance = [a for a in built.rows("attendance") if a["person_id"] in people]
    person_id, _ = Counter(a["person_id"] for a in attendance).most_common(1)[0]
    meetings = {a["meeting_id"] for a in attendance if a["person_id"] == person_id}
    return person_id, people[person_id]["name"], meetings


def test_the_index_is_built_with_the_site(example_site: Path) -> None:
    bundle = example_site / "pagefind"
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"):
        assert (bundle / name).is_file(), name
    pages = sum(len(list(example_site.glob(f"{family}/*/index.html"))) for family in INDEXED)
    assert sum(indexed(example_site / b) for b in bundles(example_site)) == pages


def bundles(site: Path) -> list[str]:
    """The main bundle, then the meeting bundles the search page says it merges."""
    html = (site / "search" / "index.html").read_text(encoding="utf-8")
    merged = re.search(r'data-merge-bundles="([^"]*)"', html)
    assert merged
    return ["pagefind/", *merged[1].split()]


def indexed(bundle: Path) -> int:
    """How many pages a bundle indexed."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(lang["page_count"] for lang in entry["languages"].values())


def test_meetings_are_indexed_by_year_and_people_and_indicators_apart(example_site: Path) -> None:
    """One bundle per year of meetings, each holding exactly that year's meeting pages; one of
    the people's pages and one of the indicators'; the main bundle holds the rest."""
    built = Built(ROOT, example_site)
    years = Counter(m["date"][:4] for m in built.rows("meetings"))
    merged = bundles(example_site)[1:]
    by_year = [f"pagefind-meetings/{year}/" for year in sorted(years)]
    assert merged == [*by_year, "pagefind-people/", "pagefind-indicators/"]
    for year, count in years.items():
        assert indexed(example_site / f"pagefind-meetings/{year}") == count
    for family in ("people", "indicators"):
        assert indexed(example_site / f"pagefind-{family}") == len(built.rows(family))
    committees = len(built.rows("committees"))
    assert committees <= indexed(example_site / "pagefind") < committees + 200


def test_only_content_pages_are_indexed_with_titles(example_site: Path) -> None:
    meeting = next((example_site / "meetings").glob("*/index.html")).read_text(encoding="utf-8")
    assert re.search(r"<main [^>]*data-pagefind-body", meeting)
    assert 'name="search-title" data-pagefind-meta="title[content]"' in meeting
    assert '<header class="site-header" data-pagefind-ignore>' in meeting
    for page in ("index.html", "meetings/index.html", "data/index.html", "search/index.html"):
        assert "data-pagefind-body" not in (example_site / page).read_text(encoding="utf-8")


def test_the_search_page_works_without_javascript(example_site: Path) -> None:
    html = (example_site / "search" / "index.html").read_text(encoding="utf-8")
    assert "Search needs JavaScript" in html
    for href, _, _ in BROWSE:
        assert f'<a href="../{href}">' in html
        assert (example_site / href / "index.html").is_file()
    assert "https://" not in re.sub(r'<link rel="canonical"[^>]*>', "", html).split("<footer")[0]


def test_only_the_search_page_allows_webassembly(example_site: Path) -> None:
    csp = re.compile(r'http-equiv="Content-Security-Policy" content="([^"]+)"')
    search = csp.search((example_site / "search" / "index.html").read_text(encoding="utf-8"))
    assert search and "script-src 'self' 'wasm-unsafe-eval';" in search[1]
    home = csp.search((example_site / "index.html").read_text(encoding="utf-8"))
    assert home and "wasm-unsafe-eval" not in home[1]


@pytest.mark.browser
def test_searching_a_councillors_name_finds_their_meetings(served: str, example_site: Path) -> None:
    from playwright.sync_api import sync_playwright

    built = Built(ROOT, example_site)
    person_id, name, meetings = councillor(built)
    assert len(meetings) >= 2
    base_path = "/" + served.split("/", 3)[3]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page()
            errors: list[str] = []  # script errors, CSP refusals, missing files (not favicon)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "response",
                lambda r: (
                    errors.append(f"{r.status} {r.url}")
                    if r.status >= 400 and not r.url.endswith("/favicon.ico")
                    else None
                ),
            )
            page.goto(served + "search/")
            page.fill(".pagefind-ui__search-input", name)
            page.wait_for_selector(".pagefind-ui__result-link", timeout=20_000)
            assert page.is_hidden("#search-needs-js")
            shown = page.locator(".pagefind-ui__result-link").all_inner_texts()
            assert shown and not any(t.startswith("Meeting on") for t in shown)
            results = page.evaluate(
                """async ([bundle, merged, query]) => {
                    const pagefind = await import(bundle);
                    for (const other of merged) {
                        await pagefind.mergeIndex(other);
                    }
                    const search = await pagefind.search(query);
                    const data = await Promise.all(search.results.map((r) => r.data()));
                    return data.map((d) => [d.url, d.meta.title]);
                }""",
                [
                    base_path + "pagefind/pagefind.js",
                    [base_path + b for b in bundles(example_site)[1:]],
                    name,
                ],
            )
            # The browser's own "Failed to load resource" line for /favicon.ico is not ours.
            assert not [e for e in errors if not e.startswith("Failed to load resource")], errors
            assert len([e for e in errors if e.startswith("Failed to load resource")]) <= 1
        finally:
            browser.close()
    urls = {url for url, _ in results}
    assert f"{base_path}people/{person_id}/" in urls
    found = {u.removeprefix(base_path + "meetings/").strip("/") for u in urls}
    assert meetings <= found, f"missing {meetings - found}"
    titles = dict(results)
    for meeting_id in meetings:
        title = titles[f"{base_path}meetings/{meeting_id}/"]
        assert re.fullmatch(r".+, \d{1,2} [A-Z][a-z]+ \d{4}", title), title


@pytest.mark.browser
def test_without_javascript_the_search_page_offers_the_indexes(served: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_context(java_script_enabled=False).new_page()
            page.goto(served + "search/")
            assert page.is_visible("#search-needs-js")
            for href, label, _ in BROWSE:
                link = page.get_by_role("link", name=label, exact=True).last
                assert link.get_attribute("href") == f"../{href}"
        finally:
            browser.close()


def test_sitemap_lists_every_page_when_the_site_knows_its_address(
    example_site: Path, minimal_site: Path
) -> None:
    base = "https://example.org/scrutiny/"
    listed = re.findall(r"<loc>([^<]+)</loc>", (example_site / "sitemap.xml").read_text())
    pages = {
        p.relative_to(example_site).as_posix().removesuffix("index.html")
        for p in example_site.rglob("*.html")
        if p.name != "404.html"
    }
    assert listed == sorted(base + p for p in pages)
    robots = (example_site / "robots.txt").read_text()
    assert robots.splitlines()[-1] == f"Sitemap: {base}sitemap.xml"
    # Without base_url a sitemap cannot hold absolute URLs, so there is none.
    assert not (minimal_site / "sitemap.xml").exists()
    assert "Sitemap" not in (minimal_site / "robots.txt").read_text()


def test_unchanged_bundles_are_linked_from_the_last_site_unless_edited_by_hand(
    tmp_path: Path,
) -> None:
    """After a minutes edit, the bundles it does not touch are the last site's files (linked:
    the same modification time), and a bundle file changed by hand in the built site is made
    again rather than linked; the index always equals a cold build's."""
    project = minimal_project(tmp_path / "project")
    out = tmp_path / "site"
    entry = out / "pagefind" / "pagefind-entry.json"

    def build() -> None:
        result = run_scrutiny("build", project, "--out", out)
        assert result.returncode == 0, result.stderr

    def edit_minutes(text: str) -> None:
        minutes = next((project / "content" / "minutes").glob("*.md"))
        minutes.write_text(minutes.read_text(encoding="utf-8") + text, encoding="utf-8")

    build()
    first = entry.stat().st_mtime_ns
    edit_minutes("\nA correction.\n")
    build()
    assert entry.stat().st_mtime_ns == first  # linked from the last site
    entry.write_text("{}", encoding="utf-8")  # a hand edit of the built site
    edit_minutes("\nAnother correction.\n")
    build()
    cold = tmp_path / "cold"
    assert run_scrutiny("build", project, "--out", cold, "--no-cache").returncode == 0
    for bundle in bundles(cold):
        for made in sorted((cold / bundle).rglob("*")):
            if made.is_file():
                relative = made.relative_to(cold)
                assert (out / relative).read_bytes() == made.read_bytes(), relative


def test_pagefind_answers_each_request_and_a_stopped_binary_fails_rather_than_hangs(
    tmp_path: Path,
) -> None:
    """PromptService, the search step's Pagefind: it indexes pages and writes the bundle; a
    request Pagefind refuses raises its error; and once the binary is gone, a request raises
    PagefindStopped instead of waiting for ever."""
    pages = tmp_path / "pages"
    for name, words in (("a", "scrutiny of fostering"), ("b", "school places")):
        page = pages / name / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"<html><body><main><h1>{name}</h1><p>{words}</p></main></body></html>")

    async def index_then_stop() -> tuple[int, list[str]]:
        async with PromptService() as service:
            index = await service.create_index(IndexConfig())
            added = await index.add_directory(str(pages))
            await index.write_files(str(tmp_path / "bundle"))
            with pytest.raises(RuntimeError, match="Pagefind"):
                await index.add_directory(str(tmp_path / "missing"), glob="[")
            service._backend.kill()
            errors = []
            for _ in range(2):  # the first may be sent before the reader sees the end
                try:
                    await asyncio.wait_for(service.create_index(IndexConfig()), timeout=60)
                except (PagefindStopped, ConnectionError) as error:
                    errors.append(type(error).__name__)
            return int(added["page_count"]), errors

    count, errors = asyncio.run(index_then_stop())
    assert count == 2
    assert (tmp_path / "bundle" / "pagefind-entry.json").is_file()
    assert len(errors) == 2  # neither request hung
    assert set(errors) <= {"PagefindStopped", "ConnectionResetError", "BrokenPipeError"}


def test_a_bundle_is_asked_for_and_written_whole_whatever_its_size(tmp_path: Path) -> None:
    """The search step asks Pagefind for a bundle's files and writes them itself (Pagefind's
    own writes may still be in flight when it replies, and stopping it then cut a file
    short). The files are the bytes Pagefind writes; a reply larger than the pipe reader's
    limit (2 MiB, the pagefind package's) is read whole."""
    pages = tmp_path / "pages"
    for n in range(500):  # distinct words, so the reply is megabytes
        page = pages / f"p{n}" / "index.html"
        page.parent.mkdir(parents=True)
        words = " ".join(f"w{n}x{k}" for k in range(500))
        page.write_text(f"<html><body><main><h1>p{n}</h1><p>{words}</p></main></body></html>")

    async def both() -> int:
        async with PromptService() as service:
            index = await service.create_index(IndexConfig())
            await index.add_directory(str(pages))
            await index.write_files(str(tmp_path / "written"))
            files = await index.get_files()
            search_index._write_bundle(tmp_path / "asked", files)
            return sum(len(file["content"]) for file in files)

    size = asyncio.run(both())
    assert size * 4 / 3 > 2 * 2**20
    written = {
        p.relative_to(tmp_path / "written"): p.read_bytes()
        for p in (tmp_path / "written").rglob("*")
        if p.is_file()
    }
    asked = {
        p.relative_to(tmp_path / "asked"): p.read_bytes()
        for p in (tmp_path / "asked").rglob("*")
        if p.is_file()
    }
    assert asked == written and len(asked) > 400


def test_a_bundles_key_leaves_out_only_what_pagefind_ignores() -> None:
    """`search_index.indexed`: the elements marked data-pagefind-ignore are left out, however
    deep the same tag nests inside them; the marker as text or in a quoted value is content;
    an ignored element holding a meta Pagefind reads is kept; a page it cannot follow (an
    element with no end) is kept whole."""
    page = (
        b'<html><head><meta data-pagefind-meta="title[content]" content="T"></head><body>'
        b"<header data-pagefind-ignore><div><div>nav</div></div></header>"
        b'<main data-pagefind-body><p title="a data-pagefind-ignore b">kept</p>'
        b"<p>the words data-pagefind-ignore are text</p><img src=x data-pagefind-ignore>"
        b"<div data-pagefind-ignore><dialog></dialog><div>table</div></div>"
        b'<div data-pagefind-ignore><span data-pagefind-meta="x">meta</span></div></main>'
        b"<footer data-pagefind-ignore>foot</footer></body></html>"
    )
    assert search_index.indexed(page) == (
        b'<html><head><meta data-pagefind-meta="title[content]" content="T"></head><body>'
        b'<main data-pagefind-body><p title="a data-pagefind-ignore b">kept</p>'
        b"<p>the words data-pagefind-ignore are text</p>"
        b'<div data-pagefind-ignore><span data-pagefind-meta="x">meta</span></div></main>'
        b"</body></html>"
    )
    unended = b"<main data-pagefind-body><div data-pagefind-ignore><p>cut short</main>"
    assert search_index.indexed(unended) == unended


def test_pagefind_reads_nothing_that_a_bundles_key_leaves_out(example_site: Path) -> None:
    """Every page the search indexes, indexed by Pagefind as built and as its bundle's key
    sees it (`search_index.indexed`), gives the same files: a bundle whose pages changed only
    in what the key leaves out is rightly not indexed again."""
    pages = [
        (page, f"/{page.parent.relative_to(example_site).as_posix()}/")
        for page in sorted(example_site.rglob("*.html"))
        if b"data-pagefind-body" in page.read_bytes()
    ]

    async def index(keyed: bool) -> dict[str, bytes]:
        async with PromptService() as service:
            made = await service.create_index(IndexConfig())
            for page, url in pages:
                html = page.read_bytes()
                html = search_index.indexed(html) if keyed else html
                await made.add_html_file(content=html.decode("utf-8"), url=url)
            files = await made.get_files()
            await made.delete_index()
        return {file["path"]: file["content"] for file in files}

    assert len(pages) > 50
    assert any(len(search_index.indexed(p.read_bytes())) < p.stat().st_size for p, _ in pages)
    assert asyncio.run(index(keyed=False)) == asyncio.run(index(keyed=True))


def test_an_edit_pagefind_does_not_read_indexes_nothing_again(tmp_path: Path) -> None:
    """A value older than the two an indicator's summary compares shows only in its page's
    table and chart, which Pagefind ignores: after editing it, the indicators' bundle is
    linked from the last site, not indexed again, and is a cold build's."""
    project = minimal_project(tmp_path / "project")
    out = tmp_path / "site"
    page = out / "indicators" / "testshire-caseload" / "index.html"
    entry = out / "pagefind-indicators" / "pagefind-entry.json"
    observations = project / "datasets" / "observations.csv"
    with observations.open("a", encoding="utf-8") as rows:
        rows.write("testshire-caseload,2015-03-31,actual,30,2014/15,,fixture\n")
    assert run_scrutiny("build", project, "--out", out).returncode == 0
    before, indexed_at = page.read_bytes(), entry.stat().st_mtime_ns
    text = observations.read_text(encoding="utf-8")
    observations.write_text(text.replace("2015-03-31,actual,30,", "2015-03-31,actual,31,"))
    assert run_scrutiny("build", project, "--out", out).returncode == 0
    assert page.read_bytes() != before
    assert entry.stat().st_mtime_ns == indexed_at
    cold = tmp_path / "cold"
    assert run_scrutiny("build", project, "--out", cold, "--no-cache").returncode == 0
    for made in sorted((cold / "pagefind-indicators").rglob("*")):
        if made.is_file():
            assert (out / made.relative_to(cold)).read_bytes() == made.read_bytes()
