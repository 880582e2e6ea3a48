"""`scrutiny serve`: build the site, serve it on 127.0.0.1, rebuild after every edit and
reload the open page (see scrutiny/preview/)."""

from __future__ import annotations

import argparse
import contextlib
import threading

from scrutiny.commands import EXIT_OK, OUT, PROJECT, Parser, option, output_of, project_of
from scrutiny.preview.server import BuildState, serve
from scrutiny.preview.watch import watch

PARSER = Parser(
    "build, then preview the site on localhost, rebuilding after each edit",
    "Build the site and serve it on 127.0.0.1 for a preview. Edits to the project are rebuilt at "
    "once and the open page reloads itself; while the data has problems, the last good site "
    "stays served and the problems are listed over the page.",
    (
        PROJECT,
        option("--port", type=int, default=8000, help="port (default: 8000)"),
        OUT,
        option(
            "--no-reload",
            action="store_true",
            help="do not reload the open page after a rebuild (the site is still rebuilt)",
        ),
    ),
)


def run(args: argparse.Namespace) -> int:
    from scrutiny.preview.session import Session, interrupt_on_terminate  # only when serving

    project = project_of(args)
    out = output_of(project, args.out)
    state = BuildState()
    session = Session(project, out, state)
    server = serve(out, state, args.port, reload=not args.no_reload)
    port = server.server_address[1]
    stop = threading.Event()

    def follow() -> None:
        session.start()
        serving = f"Serving {out} at http://127.0.0.1:{port}/ (Ctrl+C to stop)"
        watch(project, out, session.changed, lambda: print(serving, flush=True), stop)

    threading.Thread(target=follow, daemon=True).start()
    interrupt_on_terminate()
    with server, contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    stop.set()
    session.close()
    return EXIT_OK
