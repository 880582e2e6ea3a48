"""`scrutiny serve`: build the site, serve it on 127.0.0.1, rebuild after every edit and
reload the open page (see scrutiny/preview/)."""

from __future__ import annotations

import argparse
import contextlib
import threading
from pathlib import Path

from scrutiny.commands import EXIT_OK, add_project_argument, output_of, project_of
from scrutiny.preview.server import BuildState, serve
from scrutiny.preview.session import Session
from scrutiny.preview.watch import watch


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "serve",
        help="build, then preview the site on localhost, rebuilding after each edit",
        description=(
            "Build the site and serve it on 127.0.0.1 for a preview. Edits to the project are "
            "rebuilt at once and the open page reloads itself; while the data has problems, "
            "the last good site stays served and the problems are listed over the page."
        ),
    )
    add_project_argument(parser)
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    parser.add_argument("--out", type=Path, help="output folder (default: PROJECT/_site)")
    parser.add_argument(
        "--no-reload",
        action="store_true",
        help="do not reload the open page after a rebuild (the site is still rebuilt)",
    )


def run(args: argparse.Namespace) -> int:
    project = project_of(args)
    out = output_of(project, args.out)
    state = BuildState()
    session = Session(project, out, state)
    server = serve(out, state, args.port, reload=not args.no_reload)
    port = server.server_address[1]
    stop = threading.Event()

    def follow() -> None:
        session.start()
        print(f"Serving {out} at http://127.0.0.1:{port}/ (Ctrl+C to stop)", flush=True)
        watch(project, out, session.changed, stop)

    threading.Thread(target=follow, daemon=True).start()
    with server, contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    stop.set()
    return EXIT_OK
