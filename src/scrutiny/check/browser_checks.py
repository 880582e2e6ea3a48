"""`scrutiny check --browser`: axe-core's WCAG 2.2 AA checks and the 320px reflow check."""

from __future__ import annotations

from pathlib import Path

from scrutiny.check.tools import require_tools
from scrutiny.problems import UsageError

REPORTED = ("axe", "reflow")


def browser_problems(site: Path) -> dict[str, list[str]]:
    """Page -> axe-core and reflow problems; a UsageError saying how to install a missing tool."""
    try:
        require_tools()
    except RuntimeError as error:
        raise UsageError(str(error)) from None
    from scrutiny.check.browser import run_sweep

    reports = run_sweep(site)
    return {
        path: [f"{check}: {p}" for check in REPORTED for p in report.problems[check]]
        for path, report in reports.items()
        if any(report.problems[check] for check in REPORTED)
    }
