"""The build: validate, model, pages, render (in parallel), write atomically.

With the cache (PROJECT/.cache/scrutiny/, see cache.py) a build whose inputs did not change
does nothing, rendered Markdown is reused by content hash, and only the pages whose template
or context changed are rendered again; the output is byte-identical to a cold build.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import shutil
from collections.abc import Callable
from pathlib import Path

from scrutiny.citations import Library
from scrutiny.documents import DocumentError, load_folder, markdown_files, read_document
from scrutiny.incremental import pool as parallel
from scrutiny.incremental.cache import (
    BuildCache,
    Fingerprinter,
    Stamps,
    code_digest,
    digest,
    output_stamp,
)
from scrutiny.incremental.freshness import BuildResult, LastBuild, build_date, last_build
from scrutiny.memory import bulk_allocation
from scrutiny.model import Model
from scrutiny.output import search_index, sitemap
from scrutiny.output.atomic import atomic_directory
from scrutiny.outputs import File, Generated, Page
from scrutiny.pages import collect
from scrutiny.pages.inputs import Inputs
from scrutiny.problems import InvalidData
from scrutiny.progress import Progress
from scrutiny.project import PACKAGE_DIR, Project
from scrutiny.render.environment import check_templates, make_environment
from scrutiny.render.markdown import render_markdown
from scrutiny.schema.package import DataPackage
from scrutiny.validate import validate_project


class MarkdownCache:
    """render_markdown by a hash of the Markdown body; remembers which entries were used."""

    def __init__(self, known: dict[str, str] | None) -> None:
        self.known = known or {}
        self.used: dict[str, str] = {}

    def __call__(self, body: str) -> str:
        key = digest(body.encode("utf-8"))
        html = self.used.get(key) or self.known.get(key)
        if html is None:
            html = render_markdown(body)
        self.used[key] = html
        return html

    def prerender(self, paths: list[Path], jobs: int) -> None:
        """Render the bodies not in the cache in worker processes, before loading."""
        global _PRERENDER
        if jobs <= 1 or len(paths) < parallel.SERIAL_BELOW:
            return
        _PRERENDER = (paths, set(self.known))
        try:
            chunks = [(i, i + parallel.CHUNK) for i in range(0, len(paths), parallel.CHUNK)]
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                for found in pool.imap_unordered(_render_chunk, chunks):
                    self.known.update(found)
        finally:
            _PRERENDER = None


_PRERENDER: tuple[list[Path], set[str]] | None = None


def _render_chunk(bounds: tuple[int, int]) -> dict[str, str]:
    assert _PRERENDER is not None
    paths, known = _PRERENDER
    found = {}
    for path in paths[bounds[0] : bounds[1]]:
        try:
            body = read_document(path, str(path)).body
        except (DocumentError, OSError):
            continue  # load_folder reports it
        key = digest(body.encode("utf-8"))
        if key not in known:
            found[key] = render_markdown(body)
    return found


def load_inputs(project: Project, cache: BuildCache | None = None) -> Inputs:
    cache = cache or BuildCache(project, enabled=False)
    with bulk_allocation():  # the rows and records live for the whole build
        validated = validate_project(project, use_cache=cache.enabled)
        if validated.problems:
            raise InvalidData(validated.problems)
        # takes the rows out of `validated`: never held twice
        model = Model(validated.package, validated.rows)
    markdown = MarkdownCache(cache.load("markdown"))
    folders = (project.minutes, project.reports, project.pages)
    paths = [path for folder in folders for path in markdown_files(folder)]
    markdown.prerender(paths, parallel.jobs_wanted(len(paths)))
    minutes = load_folder(project, project.minutes, markdown)
    reports = load_folder(project, project.reports, markdown)
    pages = tuple(load_folder(project, project.pages, markdown).values())
    cache.save("markdown", markdown.used)
    listed = [(s.document, s.title, s.original_url) for s in model.tables.get("sources", ())]
    return Inputs(
        validated.config,
        model,
        minutes,
        reports,
        pages,
        build_date(),
        cache=cache.root if cache.enabled else None,
        package=validated.package,
        library=Library.load(project, listed),
    )


# Steps that run on the written site before it is swapped in.
POSTPROCESS: tuple[Callable[[Inputs, Path], None], ...] = (sitemap.write, search_index.write)


def build(
    project: Project,
    out: Path | None = None,
    use_cache: bool = True,
    last: LastBuild | None = None,
) -> BuildResult:
    """Build the site into `out`; `last` is the freshness check already made for it, if any
    (so the project's files are not hashed twice)."""
    out = (out or project.default_output).resolve()
    cache = BuildCache(project, enabled=use_cache)
    last = last or last_build(project, out, cache)
    if done := last.result(out):
        return done
    inputs_key, stamps = last.inputs_key, last.stamps
    inputs = load_inputs(project, cache)
    outputs = collect(inputs)
    env = make_environment(project.templates, inputs.config, inputs.library)
    pages = [o for o in outputs if isinstance(o, Page)]
    check_templates(env, {p.template for p in pages}, project.relative(project.templates))
    files = [o for o in outputs if isinstance(o, File | Generated)]
    ordered = list({o.path: o for o in [*pages, *files]}.values())  # a later output wins
    previous = cache.load("pages") or {}
    reuse = previous.get("out") == str(out) and out.is_dir()
    job = parallel.Job(
        env,
        ordered,
        Path(),
        global_key=_global_key(env, project, inputs_key),
        use_cache=use_cache,
        previous=out if reuse else None,
        previous_keys=previous.get("keys", {}) if reuse else {},
        previous_stamp=last.record.get("output", {}) if reuse else {},
        shared=_shared(inputs, inputs_key, _tables_key(inputs.package, stamps)),
    )
    progress = Progress()
    with atomic_directory(out) as tmp:
        _copy_static(project, tmp)
        job.root = tmp
        progress.start("Writing pages and files", len(ordered))
        outcome = parallel.run(job, parallel.jobs_wanted(len(ordered)), progress.advance)
        progress.finish(f" ({outcome.rendered} pages rendered, {outcome.reused} unchanged)")
        for step in POSTPROCESS:
            step(inputs, tmp)
    if use_cache:
        cache.save("pages", {"out": str(out), "keys": outcome.keys})
        cache.save(
            "build",
            {
                "key": inputs_key,
                "out": str(out),
                "stamps": stamps.seen,
                "output": output_stamp(out),
                "pages": len(pages),
                "files": len(outputs) - len(pages),
            },
        )
    return BuildResult(out, len(pages), len(outputs) - len(pages), outcome.rendered)


def _global_key(env, project: Project, inputs_key: str) -> str:
    """What every page shares: scrutiny's code, the site's templates, the Jinja globals."""
    h = hashlib.blake2b(digest_size=16)
    h.update(code_digest().encode())
    if project.templates.is_dir():
        for path in sorted(project.templates.rglob("*")):
            if path.is_file():
                h.update(f"{path.relative_to(project.templates)}:".encode() + path.read_bytes())
    fingerprint = Fingerprinter()
    h.update(fingerprint(dict(env.globals)).encode())
    h.update(fingerprint(dict(env.filters)).encode())
    return h.hexdigest()


def _tables_key(package: DataPackage | None, stamps: Stamps) -> str:
    """One hash of what the model is made from: the tables, their schemas and scrutiny's code
    (not the Markdown, so pages and files made from the model alone survive edits to it)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(code_digest().encode())
    if package is not None:
        fingerprint = Fingerprinter()
        h.update(fingerprint(package.descriptor).encode())
        for table in package.tables:
            schema = fingerprint(table.schema)
            h.update(f"{table.name}:{schema}:{stamps.digest(table.path)}|".encode())
    return h.hexdigest()


def _shared(inputs: Inputs, inputs_key: str, tables_key: str) -> list[tuple[object, str]]:
    """Objects too large to hash per page, with digests that stand for what they are made
    of: a page whose context holds one is rendered again whenever that changed."""
    stand_ins = [
        (inputs, f"all-inputs:{inputs_key}"),
        (inputs.model, f"tables:{tables_key}"),
        (inputs.package, f"tables:{tables_key}"),
    ]
    return [(obj, key) for obj, key in stand_ins if obj is not None]


def _copy_static(project: Project, root: Path) -> None:
    """The package's assets, then the site's own (which win: logo, extra CSS)."""
    for source in (PACKAGE_DIR / "static", project.static):
        if source.is_dir():
            shutil.copytree(
                source, root / "static", dirs_exist_ok=True, ignore=shutil.ignore_patterns(".*")
            )
