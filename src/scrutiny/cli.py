"""The `scrutiny` command: parse the arguments and hand over to one of `commands/`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from scrutiny import __version__
from scrutiny.commands import (
    EXIT_INVALID,
    EXIT_USAGE,
    check,
    import_workbook,
    init,
    members,
    new,
    serve,
    upgrade,
    validate,
    workbook,
)
from scrutiny.commands import build as build_command
from scrutiny.problems import InvalidData, ProjectError, UsageError, format_problems

COMMANDS = {
    "validate": validate,
    "build": build_command,
    "serve": serve,
    "new": new,
    "members": members,
    "workbook": workbook,
    "import": import_workbook,
    "init": init,
    "check": check,
    "upgrade": upgrade,
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scrutiny",
        description="Validate a council's scrutiny-committee records and build the website.",
    )
    parser.add_argument("--version", action="version", version=f"scrutiny {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, command in COMMANDS.items():
        command.PARSER.add_to(subparsers, name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command].run(args)
    except UsageError as error:
        print(f"scrutiny: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ProjectError as error:
        print(format_problems(error.problems, "text"), file=sys.stderr)
        return EXIT_USAGE
    except InvalidData as error:
        print(format_problems(error.problems, "text"), file=sys.stderr)
        print("Nothing was built: fix the problems above and run the build again.", file=sys.stderr)
        return EXIT_INVALID
