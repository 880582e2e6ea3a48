"""`scrutiny validate`: check every table, schema and minutes file and say what to fix."""

from __future__ import annotations

import argparse

from scrutiny.commands import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    add_no_cache_argument,
    add_project_argument,
    project_of,
)
from scrutiny.problems import ProjectError, format_problems


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "validate",
        help="check the data and say what to fix",
        description="Check every table, schema and minutes file.",
    )
    add_project_argument(parser)
    parser.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text for people, json for programs, github for annotations",
    )
    add_no_cache_argument(parser)


def run(args: argparse.Namespace) -> int:
    from scrutiny.memory import bulk_allocation
    from scrutiny.validate import validate_project

    project = project_of(args)
    try:
        with bulk_allocation():  # the rows are kept until exit: no need to scan them
            result = validate_project(project, use_cache=not args.no_cache)
    except ProjectError as error:
        print(format_problems(error.problems, args.format))
        return EXIT_USAGE
    if result.problems:
        print(format_problems(result.problems, args.format))
        return EXIT_INVALID
    if args.format == "json":
        print("[]")
    elif args.format == "text":
        rows = sum(len(r) for r in result.rows.values())
        print(f"All {len(result.rows)} tables are valid ({rows} rows).")
    return EXIT_OK
