"""The `scrutiny` command: validate, build, serve and the officers' `new` helpers."""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import sys
from collections.abc import Sequence
from pathlib import Path

from scrutiny import __version__, officer
from scrutiny.cache import BuildCache
from scrutiny.freshness import BuildResult, last_build
from scrutiny.problems import InvalidData, ProjectError, format_problems
from scrutiny.project import Project

# The pipeline (validation, pages, templates, charts, search) is imported only by the commands
# that run it, so `scrutiny build` with nothing to do answers without loading it.

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scrutiny",
        description="Validate a council's scrutiny-committee records and build the website.",
    )
    parser.add_argument("--version", action="version", version=f"scrutiny {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate",
        help="check the data and say what to fix",
        description="Check every table, schema and minutes file.",
    )
    validate.add_argument("project", nargs="?", default=".", help="project folder (default: .)")
    validate.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text for people, json for programs, github for annotations",
    )
    validate.add_argument(
        "--no-cache",
        action="store_true",
        help="ignore PROJECT/.cache/scrutiny/ (neither read nor write it)",
    )

    build_cmd = commands.add_parser(
        "build",
        help="validate, then build the site",
        description="Validate the data, then build the static site.",
    )
    build_cmd.add_argument("project", nargs="?", default=".", help="project folder (default: .)")
    build_cmd.add_argument("--out", type=Path, help="output folder (default: PROJECT/_site)")
    build_cmd.add_argument(
        "--no-cache",
        action="store_true",
        help="ignore PROJECT/.cache/scrutiny/ (neither read nor write it)",
    )

    serve = commands.add_parser(
        "serve",
        help="build, then preview the site on localhost",
        description="Build the site, then serve it for a preview.",
    )
    serve.add_argument("project", nargs="?", default=".", help="project folder (default: .)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--out", type=Path, help="output folder (default: PROJECT/_site)")
    officer.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    project = Project.at(args.project)
    if not project.root.is_dir():
        print(f"scrutiny: error: {args.project} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.command == "validate":
            return _validate(project, args.format, use_cache=not args.no_cache)
        if args.command == "new":
            return officer.run(project, args)
        result = _build(project, args.out, use_cache=not getattr(args, "no_cache", False))
        print(f"Built {result.pages} pages and {result.files} files into {result.out}")
        if args.command == "serve":
            _serve(result.out, args.port)
        return EXIT_OK
    except ProjectError as error:
        print(format_problems(error.problems, "text"), file=sys.stderr)
        return EXIT_USAGE
    except InvalidData as error:
        print(format_problems(error.problems, "text"), file=sys.stderr)
        print("Nothing was built: fix the problems above and run the build again.", file=sys.stderr)
        return EXIT_INVALID


def _build(project: Project, out: Path | None, use_cache: bool) -> BuildResult:
    out = (out or project.default_output).resolve()
    last = last_build(project, out, BuildCache(project, enabled=use_cache))
    if done := last.result(out):
        return done
    from scrutiny.build import build

    return build(project, out, use_cache=use_cache, last=last)


def _validate(project: Project, fmt: str, use_cache: bool) -> int:
    from scrutiny.validate import validate_project

    try:
        result = validate_project(project, use_cache=use_cache)
    except ProjectError as error:
        print(format_problems(error.problems, fmt))
        return EXIT_USAGE
    if result.problems:
        print(format_problems(result.problems, fmt))
        return EXIT_INVALID
    if fmt == "json":
        print("[]")
    elif fmt == "text":
        rows = sum(len(r) for r in result.rows.values())
        print(f"All {len(result.rows)} tables are valid ({rows} rows).")
    return EXIT_OK


def _serve(root: Path, port: int) -> None:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"Serving {root} at http://127.0.0.1:{port}/ (Ctrl+C to stop)")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
