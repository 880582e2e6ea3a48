"""Run the checks over a built site and group what they find by page."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from scrutiny.check import links, structure


def check_site(site: Path, browser: bool = False) -> dict[str, list[str]]:
    """Problems per page (relative path -> messages), in page order; empty when all is well."""
    found: dict[str, list[str]] = defaultdict(list)
    for line in [*structure.site_problems(site), *links.site_problems(site)]:
        page, message = line.split(": ", 1)
        found[page].append(message)
    if browser:
        from scrutiny.check.browser_checks import browser_problems

        for page, messages in browser_problems(site).items():
            found[page] += messages
    return dict(sorted(found.items()))
