"""`scrutiny serve` in the real browser: an edit to the minutes appears in the open page with
no manual reload; a broken CSV brings up the overlay naming the file and line while the last
good page stays; fixing it brings the page back. The published build never has the script."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import BUILD_EPOCH, minimal_project
from playwright.sync_api import expect, sync_playwright

from scrutiny.check.tools import CHROMIUM_ARGS, chromium

pytestmark = pytest.mark.browser

MEETING = "testshire-cyp-2017-01-10"
WAIT_MS = 30_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(project: Path, out: Path, port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH}
    command = [sys.executable, "-m", "scrutiny", "serve", str(project), "--port", str(port)]
    serve = subprocess.Popen(
        [*command, "--out", str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    assert serve.stdout is not None
    while time.monotonic() < deadline:
        line = serve.stdout.readline()
        if not line:
            pytest.fail(f"scrutiny serve stopped (exit code {serve.poll()})")
        if line.startswith("Serving"):
            assert f"http://127.0.0.1:{port}/" in line
            return serve
    pytest.fail("scrutiny serve did not start serving within 2 minutes")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_serve_reloads_and_shows_problems(tmp_path: Path) -> None:
    browser_path = chromium()
    if browser_path is None:
        pytest.fail("Chromium is not installed: `apt-get install chromium`")
    project = minimal_project(tmp_path / "project")
    out = tmp_path / "site"
    port = free_port()
    serve = start_serve(project, out, port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(browser_path), args=CHROMIUM_ARGS
            )
            page = browser.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"http://127.0.0.1:{port}/meetings/{MEETING}/")
            main = page.locator("main")
            expect(main).not_to_contain_text("A live edit")

            minutes = project / "content" / "minutes" / f"{MEETING}.md"
            minutes.write_text(minutes.read_text() + "\nA live edit, seen at once.\n")
            expect(main).to_contain_text("A live edit, seen at once.", timeout=WAIT_MS)

            meetings = project / "datasets" / "meetings.csv"
            edit(
                meetings,
                f"{MEETING},testshire-cyp,2017-01-10",
                f"{MEETING},testshire-cyp,2017-01-99",
            )
            overlay = page.locator("#scrutiny-problems")
            expect(overlay).to_be_visible(timeout=WAIT_MS)
            expect(overlay).to_contain_text(re.compile(r"datasets/meetings\.csv:2: date"))
            expect(main).to_contain_text("A live edit, seen at once.")  # the last good page

            edit(meetings, "2017-01-99", "2017-01-10")
            expect(overlay).to_have_count(0, timeout=WAIT_MS)
            expect(main).to_contain_text("A live edit, seen at once.")
            assert [e for e in errors if "Content Security Policy" in e] == []
            browser.close()
    finally:
        os.killpg(serve.pid, signal.SIGTERM)  # SIGINT may be ignored where CI runs it
        serve.wait(timeout=30)
    said = serve.stdout.read() if serve.stdout else ""
    assert "Made the open page in" in said  # the edit reached the page before the whole build
    published = (out / "meetings" / MEETING / "index.html").read_text(encoding="utf-8")
    assert "__scrutiny__" not in published
    assert "A live edit, seen at once." in published
