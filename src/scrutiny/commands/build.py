"""`scrutiny build`: validate, then build the site (nothing is written if the data is invalid)."""

from __future__ import annotations

import argparse
from pathlib import Path

from scrutiny.commands import EXIT_OK, NO_CACHE, OUT, PROJECT, Parser, output_of, project_of
from scrutiny.incremental.cache import BuildCache
from scrutiny.incremental.freshness import BuildResult, last_build
from scrutiny.project import Project

# The pipeline (validation, pages, templates, charts, search) is imported only when there is
# something to build, so `scrutiny build` with nothing to do answers without loading it.


PARSER = Parser(
    "validate, then build the site",
    "Validate the data, then build the static site.",
    (PROJECT, OUT, NO_CACHE),
)


def run(args: argparse.Namespace) -> int:
    project = project_of(args)
    result = build_if_needed(project, output_of(project, args.out), use_cache=not args.no_cache)
    print(f"Built {result.pages} pages and {result.files} files into {result.out}")
    return EXIT_OK


def build_if_needed(project: Project, out: Path, use_cache: bool) -> BuildResult:
    last = last_build(project, out, BuildCache(project, enabled=use_cache))
    if done := last.result(out):
        return done
    from scrutiny.build import build

    return build(project, out, use_cache=use_cache, last=last)
