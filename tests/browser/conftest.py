"""The browser sweep: the example site served on 127.0.0.1 and one page of each layout checked
once (scrutiny.check.layouts says what a layout is and why one page stands for the rest)."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest

from scrutiny.check.layouts import one_page_per_layout

from .browser_harness import PageReport, require_tools, run_sweep

_timing: dict[str, float] = {}


@pytest.fixture(scope="session")
def browser_tools() -> None:
    """Chromium and axe-core must be installed: fail, never skip, when they are not."""
    try:
        require_tools()
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def site_reports(example_site: Path, browser_tools: None) -> dict[str, PageReport]:
    """One page of each layout of the example site, checked in Chromium with JavaScript on and
    off."""
    started, cpu = time.perf_counter(), _cpu_seconds()
    reports = run_sweep(example_site, one_page_per_layout(example_site))
    _timing["seconds"] = time.perf_counter() - started
    _timing["cpu"] = _cpu_seconds() - cpu
    _timing["pages"] = len(reports)
    return reports


def _cpu_seconds() -> float:
    """CPU used by this process and its finished children (the browser, once closed)."""
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _timing:
        terminalreporter.write_line(
            f"browser sweep: {_timing['pages']:.0f} pages checked in {_timing['seconds']:.0f} s"
            f" ({_timing['cpu']:.0f} s of CPU, browser included)"
        )
