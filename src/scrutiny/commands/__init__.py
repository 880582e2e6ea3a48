"""The `scrutiny` subcommands, one module each.

Each module declares its command line as `PARSER` (a `Parser`: the help, the description and
its options) and carries it out in `run(args)`, which returns the exit code. `cli.py` names the
modules in COMMANDS and imports only the one being run; adding a command is one module here and
one line there. Import what only `run` needs inside it, so the other commands start fast.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrutiny.problems import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    ProjectError,
    UsageError,
    format_problems,
)
from scrutiny.project import Project

if TYPE_CHECKING:  # the pipeline is loaded only by the commands that use it
    from scrutiny.edits import Refused


@dataclass(frozen=True)
class Option:
    """One argument of a command, as `argparse.ArgumentParser.add_argument` takes it."""

    flags: tuple[str, ...]
    settings: dict[str, Any]


def option(*flags: str, **settings: Any) -> Option:
    return Option(flags, settings)


@dataclass(frozen=True)
class Parser:
    """A command's (or a subcommand's) help, description and options; with `kinds`, it takes
    a subcommand (`scrutiny new WHAT`), each with its own Parser."""

    help: str
    description: str
    options: tuple[Option, ...] = ()
    kinds: dict[str, Parser] = field(default_factory=dict)

    def add_to(self, commands: argparse._SubParsersAction, name: str) -> None:
        parser = commands.add_parser(name, help=self.help, description=self.description)
        for o in self.options:
            parser.add_argument(*o.flags, **o.settings)
        if self.kinds:
            kinds = parser.add_subparsers(dest="what", required=True, metavar="WHAT")
            for kind, declared in self.kinds.items():
                declared.add_to(kinds, kind)


PROJECT = option("project", nargs="?", default=".", help="project folder (default: .)")
OUT = option("--out", type=Path, help="output folder (default: PROJECT/_site)")
NO_CACHE = option(
    "--no-cache",
    action="store_true",
    help="ignore PROJECT/.cache/scrutiny/ (neither read nor write it)",
)


def project_of(args: argparse.Namespace) -> Project:
    """The project folder a command works on; a usage error when it is not a folder."""
    project = Project.at(args.project)
    if not project.root.is_dir():
        raise UsageError(f"{args.project} is not a folder")
    return project


def output_of(project: Project, out: Path | None) -> Path:
    return (out or project.default_output).resolve()


def refused(lead: str, refusal: Refused) -> int:
    """Say on stderr why a change was refused (with the project's problems, if it has them),
    and return its exit code."""
    print(f"{lead}{refusal.message}", file=sys.stderr)
    if refusal.hint:
        print(f"    how to fix: {refusal.hint}", file=sys.stderr)
    if refusal.problems:
        print(format_problems(refusal.problems, "text"), file=sys.stderr)
    return refusal.code


__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "NO_CACHE",
    "OUT",
    "PROJECT",
    "Parser",
    "ProjectError",
    "option",
    "output_of",
    "project_of",
    "refused",
]
