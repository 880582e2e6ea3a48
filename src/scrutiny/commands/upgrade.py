"""`scrutiny upgrade`: bring a site's schemas up to the standard of the installed scrutiny.

It says what it changed, keeps every row, and never overwrites a schema the site has changed
(it adds the standard's new columns to it and says what else differs). See
scrutiny/standard/upgrade.py for the rules.
"""

from __future__ import annotations

import argparse

from scrutiny import standard
from scrutiny.commands import EXIT_OK, PROJECT, Parser, option, project_of
from scrutiny.output.atomic import write_atomic

PARSER = Parser(
    "bring the site's schemas up to the installed standard",
    "Update datasets/schemas/ (and the CSV columns) to the data standard of this scrutiny "
    f"(version {standard.VERSION}), keeping every row and every local change.",
    (
        PROJECT,
        option("--dry-run", action="store_true", help="say what would change, and change nothing"),
    ),
)


def run(args: argparse.Namespace) -> int:
    from scrutiny.standard.upgrade import plan_upgrade

    project = project_of(args)
    plan = plan_upgrade(project)
    if not plan.writes and not plan.kept:
        print(f"The schemas already follow version {standard.VERSION} of the standard.")
        return EXIT_OK
    if not args.dry_run:
        for path, data in plan.writes.items():
            write_atomic(path, data, durable=True)  # each file whole or not at all
    lead = "Would change" if args.dry_run else "Changed"
    if plan.said:
        print(f"{lead}:")
        print("\n".join(f"  - {line}" for line in plan.said))
    if plan.kept:
        print("Kept as they were (your changes; nothing in them was lost):")
        print("\n".join(f"  - {line}" for line in plan.kept))
    if not args.dry_run:
        print("Run `scrutiny validate` to check the result, then commit the changed files.")
    return EXIT_OK
