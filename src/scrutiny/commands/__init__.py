"""The `scrutiny` subcommands, one module each.

Each module has `add_parser(subparsers)`, which declares its arguments, and `run(args)`, which
carries it out and returns the exit code. `cli.py` lists them in COMMANDS; adding a command is
one module here and one line there.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from scrutiny.problems import EXIT_INVALID, EXIT_OK, EXIT_USAGE, ProjectError, UsageError
from scrutiny.project import Project


def add_project_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", nargs="?", default=".", help="project folder (default: .)")


def add_no_cache_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
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


__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "ProjectError",
    "add_no_cache_argument",
    "add_project_argument",
    "output_of",
    "project_of",
]
