"""`scrutiny check [SITE_DIR]`: check a built site as the project's own tests do.

Broken internal links and anchors, missing files, anything loaded from the network, HTML that
does not parse, pages without a title or a main landmark; with `--browser`, axe-core's WCAG 2.2
AA checks and the 320px reflow check in Chromium. Exit 0 when all is well, 1 with every problem
listed by page, 2 when the site (or, with --browser, Chromium) is not there.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from scrutiny.commands import EXIT_INVALID, EXIT_OK, Parser, option
from scrutiny.problems import UsageError

PARSER = Parser(
    "check a built site: links, files, HTML, titles (and accessibility with --browser)",
    "Check a built site for broken links and anchors, missing files, anything loaded from the "
    "network, HTML that does not parse, and pages without a title or a main landmark.",
    (
        option("site", nargs="?", default="_site", help="the built site's folder (default: _site)"),
        option(
            "--browser",
            action="store_true",
            help="also run axe-core (WCAG 2.2 AA) and the 320px reflow check in Chromium",
        ),
    ),
)


def run(args: argparse.Namespace) -> int:
    from scrutiny.check.run import check_site

    site = Path(args.site)
    if not (site / "index.html").is_file():
        raise UsageError(
            f"{args.site} is not a built site (it has no index.html): run `scrutiny build` first, "
            "or give the folder it built into"
        )
    found = check_site(site, browser=args.browser)
    pages = len(list(site.rglob("*.html")))
    if not found:
        extra = " in Chromium" if args.browser else ""
        print(f"Checked {pages} pages{extra}: no problems found.")
        return EXIT_OK
    count = sum(len(messages) for messages in found.values())
    for page, messages in found.items():
        print(page)
        for message in messages:
            print(f"    {message}")
    print(f"{count} problem{'s' if count != 1 else ''} on {len(found)} of {pages} pages.")
    return EXIT_INVALID
