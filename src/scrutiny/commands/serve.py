"""`scrutiny serve`: build the site, then serve it on localhost for a preview."""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
from pathlib import Path

from scrutiny.commands import EXIT_OK, add_project_argument, output_of, project_of
from scrutiny.commands.build import build_if_needed


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "serve",
        help="build, then preview the site on localhost",
        description="Build the site, then serve it for a preview.",
    )
    add_project_argument(parser)
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    parser.add_argument("--out", type=Path, help="output folder (default: PROJECT/_site)")


def run(args: argparse.Namespace) -> int:
    project = project_of(args)
    result = build_if_needed(project, output_of(project, args.out), use_cache=True)
    print(f"Built {result.pages} pages and {result.files} files into {result.out}")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(result.out))
    with http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler) as server:
        print(f"Serving {result.out} at http://127.0.0.1:{args.port}/ (Ctrl+C to stop)")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    return EXIT_OK
