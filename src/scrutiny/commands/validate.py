"""`scrutiny validate`: check every table, schema and minutes file and say what to fix."""

from __future__ import annotations

import argparse
import sys

from scrutiny.commands import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    NO_CACHE,
    PROJECT,
    Parser,
    option,
    project_of,
)
from scrutiny.problems import Problem, ProjectError, format_problems
from scrutiny.project import Project
from scrutiny.schema.package import DataPackage

PARSER = Parser(
    "check the data and say what to fix",
    "Check every table, schema and minutes file.",
    (
        PROJECT,
        option(
            "--format",
            choices=("text", "json", "github"),
            default="text",
            help="text for people, json for programs, github for annotations",
        ),
        NO_CACHE,
    ),
)


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
    _print_standard_notes(project, result.package, args.format)
    if result.problems:
        print(format_problems(result.problems + result.warnings, args.format))
        return EXIT_INVALID
    if result.warnings or args.format == "json":
        print(format_problems(result.warnings, args.format))
    if args.format == "text":
        rows = sum(len(r) for r in result.rows.values())
        print(f"All {len(result.rows)} tables are valid ({rows} rows).")
    return EXIT_OK


def _print_standard_notes(project: Project, package: DataPackage, fmt: str) -> None:
    """How the site's schemas compare with the installed standard: notes, never errors (as
    GitHub notices in a workflow, on stderr otherwise so JSON output stays a list)."""
    from scrutiny.standard.status import standard_notes

    try:
        notes: list[Problem] = standard_notes(project, package)
    except ProjectError as error:
        notes = list(error.problems)
    if fmt == "github":
        for note in notes:
            print(note.as_github("notice"))
    else:
        for note in notes:
            print(f"note: {note.as_text()}", file=sys.stderr)
