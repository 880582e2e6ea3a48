"""The `scrutiny` command: parse the arguments and hand over to one of `commands/`."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from scrutiny import __version__
from scrutiny.commands import EXIT_INVALID, EXIT_USAGE
from scrutiny.problems import InvalidData, ProjectError, UsageError, format_problems

# Each command and the module of commands/ that carries it out. Only the module of the command
# being run is imported (all of them for `scrutiny --help`), so a command never waits for the
# libraries of another (the spreadsheet reader, the preview server).
COMMANDS = {
    "validate": "validate",
    "build": "build",
    "serve": "serve",
    "new": "new",
    "members": "members",
    "workbook": "workbook",
    "import": "import_workbook",
    "init": "init",
    "check": "check",
    "upgrade": "upgrade",
}


def command(name: str) -> ModuleType:
    return importlib.import_module(f"scrutiny.commands.{COMMANDS[name]}")


def _parser(names: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scrutiny",
        description="Validate a council's scrutiny-committee records and build the website.",
    )
    parser.add_argument("--version", action="version", version=f"scrutiny {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in names:
        command(name).PARSER.add_to(subparsers, name)
    return parser


def _wanted(argv: Sequence[str]) -> list[str]:
    """The command named first, if it is one; otherwise all (for help and usage errors)."""
    named = next((a for a in argv if not a.startswith("-")), None)
    return [named] if named in COMMANDS else list(COMMANDS)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser(_wanted(argv)).parse_args(argv)
    try:
        return command(args.command).run(args)
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
