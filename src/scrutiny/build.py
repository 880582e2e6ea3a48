"""The build: validate, model, pages, render (in parallel), write atomically.

With the cache (PROJECT/.cache/scrutiny/, see incremental/) a build whose inputs did not
change does nothing, and otherwise only the outputs whose recorded dependencies changed are
made again (incremental/graph.py); the output is byte-identical to a cold build.
"""

from __future__ import annotations

import shutil
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from jinja2 import Environment

from scrutiny.citations import Library
from scrutiny.documents import Document, load_folder, markdown_files
from scrutiny.incremental import pool
from scrutiny.incremental.documents import MarkdownCache, kept_headers
from scrutiny.incremental.freshness import BuildResult, LastBuild, build_date, last_build
from scrutiny.incremental.graph import Graph, family_versions, root_versions
from scrutiny.incremental.keys import Fingerprinter, OutputStamp, Stamps, code_digest, digest
from scrutiny.incremental.maker import Maker, Site
from scrutiny.incremental.remembered import hash_records
from scrutiny.incremental.store import Store
from scrutiny.incremental.tracking import Roots
from scrutiny.memory import bulk_allocation
from scrutiny.model import Model, reads_by_attribute
from scrutiny.output import search_index, sitemap
from scrutiny.output.atomic import (
    atomic_directory,
    linked_copy,
    listing,
    prune,
    scratch_folder,
)
from scrutiny.outputs import Later, Page, Reused
from scrutiny.pages import AHEAD, FAMILIES, Family, Output, collect, outputs_at
from scrutiny.pages.inputs import Inputs
from scrutiny.problems import InvalidData
from scrutiny.progress import Progress
from scrutiny.project import PACKAGE_DIR, Project
from scrutiny.render.environment import check_templates, make_environment
from scrutiny.schema.package import DataPackage
from scrutiny.validate import validate_project
from scrutiny.validate.retype import LastReads
from scrutiny.validate.run import Validated, revalidate


def build(
    project: Project,
    out: Path | None = None,
    use_cache: bool = True,
    last: LastBuild | None = None,
) -> BuildResult:
    """Build the site into `out`. Builds of one project take turns (Store.lock); `last` is
    the freshness check the caller already made, used when no other build ran meanwhile."""
    out = (out or project.default_output).resolve()
    store = Store(project, enabled=use_cache)
    with store.lock(out) as waited:
        if last is None or waited:
            last = last_build(project, out, store)
        if done := last.result(out):
            return done
        return _build(project, out, store, last)


def _build(project: Project, out: Path, store: Store, last: LastBuild) -> BuildResult:
    with scratch_folder(out) as scratch:
        spare = _spare(store, out)  # listed in another process while the inputs load
        inputs = replace(load_inputs(project, store), scratch=scratch)
        ahead = _start_ahead(inputs)
        try:
            return _make_site(project, out, store, last, replace(inputs, ahead=ahead), spare)
        finally:
            for started in ahead.values():
                started.cancel()
            if spare:
                spare.cancel()


@dataclass
class Spare:
    """The site folder this build brings up to date (the site before the last swap, kept in
    the cache), made ready in another process while the inputs load (`_ready_spare`)."""

    folder: Path
    ready: pool.Ahead | None = None

    def listing(self) -> tuple[list[str] | None, bool]:
        """What the folder holds (None: not listed, `prune` walks it), and whether it is a
        copy of the served site made for this build."""
        try:
            return self.ready.result() if self.ready else (None, False)
        except pool.WorkerError:
            return None, False

    def cancel(self) -> None:
        if self.ready:
            self.ready.cancel()


def _spare(store: Store, out: Path) -> Spare | None:
    spare = store.spare_for(out)
    if spare is None:
        return None
    if pool.jobs_wanted(pool.SERIAL_BELOW) <= 1 or not (spare.is_dir() or out.is_dir()):
        return Spare(spare)
    return Spare(spare, pool.Ahead(_ready_spare, spare, out))


def _ready_spare(spare: Path, out: Path) -> tuple[list[str] | None, bool]:
    """The spare's listing; when there is no spare but a served site, the spare is made
    first, a copy of that site in hard links (every file then the last site's own)."""
    copied = not spare.is_dir() and linked_copy(out, spare)
    return listing(spare), copied


def _start_ahead(inputs: Inputs) -> dict[str, pool.Ahead]:
    """The families' costly work (pages.AHEAD), started in other processes; made here when
    first asked for if this build runs in one process (SCRUTINY_JOBS=1, one CPU)."""
    here = pool.jobs_wanted(pool.SERIAL_BELOW) <= 1
    return {name: pool.Ahead(make, inputs, in_process=here) for name, make in AHEAD.items()}


def _make_site(
    project: Project, out: Path, store: Store, last: LastBuild, inputs: Inputs, spare: Spare | None
) -> BuildResult:
    env = make_environment(project.templates, inputs.config, inputs.library)
    previous = _previous_graph(store, out)
    graph = _graph(project, inputs, env, previous, last) if store.enabled else None
    collected = collect(inputs, _reused(graph, previous))
    if graph is not None:
        graph = _with_unchanged(graph, previous, collected)
    outputs = [output for _, output in collected]
    pages = [o for o in outputs if isinstance(o, Page)]
    check_templates(env, {p.template for p in pages}, project.relative(project.templates))
    ordered = list({o.path: o for o in outputs}.values())  # a later output wins
    site = Site(out, _last_site_files(store, out), previous["search"]) if previous else Site()
    progress = Progress()
    listed, copied = spare.listing() if spare else (None, False)
    with atomic_directory(out, spare.folder if spare else None) as tmp:
        prune(tmp, {o.path for o in ordered}, search_index.bundle_folders(inputs.model), listed)
        _copy_static(project, tmp)
        # Current: the spare lacks only what the last build wrote, and that was little.
        last_wrote = previous.get("written", len(ordered))
        current = bool(listed) and (copied or last_wrote < pool.SERIAL_BELOW)
        maker = Maker(env, ordered, tmp, graph, site, spare_current=current)
        progress.start("Writing pages and files", len(maker.outputs))
        outcome = maker.run(progress.advance)
        if outcome.missing:  # reused outputs whose reads changed, or whose file is gone
            again = _outputs_at(inputs, collected, outcome.missing)
            outcome.add(Maker(env, again, tmp, graph, site, current).run())
        progress.finish(f" ({outcome.rendered} pages rendered, {len(outcome.linked)} unchanged)")
        html = [o.path for o in ordered if o.path.endswith(".html")]
        sitemap.write(inputs, tmp, html)
        # Pagefind indexes only pages with data-pagefind-body, or every page if none has it
        # (a new site, with no committee or meeting yet).
        searchable = [o.path for o in ordered if _searchable(o)] or html
        bundles = search_index.write(inputs, tmp, searchable, site, outcome.linked)
        maker.write_later(outcome)  # the downloads, made meanwhile in another process
    page_count = sum(map(_is_page, outputs))
    result = BuildResult(out, page_count, len(outputs) - page_count, outcome.rendered)
    if graph is not None:
        stamp = OutputStamp(out)  # taken by two processes while the graph is saved
        record = graph.record(store.save_parts("graph", outcome.made))
        paths = _family_paths(collected)
        written = len(outcome.made.keys() - outcome.linked)  # what its spare lacks next time
        store.save(
            "graph",
            {"out": str(out), **record, "paths": paths, "search": bundles, "written": written},
        )
        stamped = stamp.result()
        store.save("site", {"out": str(out), "files": stamped.files})  # before its digest
        store.save("build", _build_record(last, out, result, stamped.digest))
    return result


def _last_site_files(store: Store, out: Path) -> dict[str, tuple[int, int]]:
    """Each file of the site the last build left in `out`, with its size and mtime when
    the build ended (kept apart from the build record, which the freshness check loads)."""
    site = store.load("site") or {}
    return (site.get("files") or {}) if site.get("out") == str(out) else {}


def _reused(graph: Graph | None, previous: dict) -> dict[str, list[tuple[str, bool, bool]]]:
    """The families whose outputs are the last build's (made from nothing that changed),
    with their paths; a family with a `Later` output is always asked (its bytes are compared
    at every build)."""
    if graph is None:
        return {}
    was, paths = previous.get("families", {}), previous.get("paths", {})
    return {
        name: paths[name]
        for name, version in graph.families.items()
        if was.get(name) == version and paths.get(name) is not None
    }


def _family_paths(collected: list[tuple[Family, Output]]) -> dict[str, list | None]:
    """Each family's outputs as the next build reuses them (_reused): their paths, whether
    each is a page, and whether the search index holds it; None for a family with a `Later`
    output."""
    paths: dict[str, list | None] = {family.name: [] for family in FAMILIES}
    for family, output in collected:
        listed = paths[family.name]
        if listed is None:
            continue
        if isinstance(output, Later):
            paths[family.name] = None
        else:
            listed.append((output.path, _is_page(output), _searchable(output)))
    return paths


def _is_page(output: Output) -> bool:
    return isinstance(output, Page) or (isinstance(output, Reused) and output.page)


def _searchable(output: Output) -> bool:
    """A page the search index holds (its <main> has data-pagefind-body)."""
    return isinstance(output, Page | Reused) and output.searchable


def _outputs_at(
    inputs: Inputs, collected: list[tuple[Family, Output]], files: Collection[str]
) -> list[Output]:
    """The outputs at `files` (reused by the maker, but to be made after all), each made
    by the family whose output is written there."""
    family_of = {output.path: family for family, output in collected}
    wanted: dict[Family, set[str]] = {}
    for file in files:
        wanted.setdefault(family_of[file], set()).add(file)
    return [
        output for family, each in wanted.items() for output in outputs_at(inputs, family, each)
    ]


def load_inputs(project: Project, store: Store | None = None) -> Inputs:
    store = store or Store(project, enabled=False)
    with kept_headers(store, markdown_paths(project)):
        return inputs_of(project, store, *load_model(project, store.enabled))


def markdown_paths(project: Project) -> list[Path]:
    """The minutes, the report summaries and the content pages."""
    folders = (project.minutes, project.reports, project.pages)
    return [path for folder in folders for path in markdown_files(folder)]


def inputs_of(project: Project, store: Store, validated: Validated, model: Model) -> Inputs:
    """The pages' inputs: the model of the validated tables (each record given its hash),
    and the documents."""
    if store.enabled:
        hash_records(project, model.tables, validated.keys)
    minutes, reports, pages = load_documents(project, store)
    return Inputs(
        validated.config,
        model,
        minutes,
        reports,
        pages,
        build_date(),
        cache=store.root / "blobs" if store.enabled else None,
        package=validated.package,
        library=library_of(project, model),
        tables_key=_tables_key(validated) if store.enabled else None,
    )


def _tables_key(validated: Validated) -> str | None:
    """A hash of what every table's records are made from (their files and schemas, and
    scrutiny's code: the keys their typed rows are remembered by)."""
    if set(validated.keys) != {table.name for table in validated.package.tables}:
        return None
    return digest(repr(sorted(validated.keys.items())).encode())


def load_model(
    project: Project,
    use_cache: bool,
    before: tuple[Validated, Model] | None = None,
    tables: Collection[str] = (),
    last_reads: LastReads | None = None,
) -> tuple[Validated, Model]:
    """The validated tables as the model; raises InvalidData with every problem found. Given
    the validation and model `before` an edit of the named `tables` alone, only those are
    read and made into records again (with `last_reads`, only their changed rows)."""
    with bulk_allocation():  # the rows and records live for the whole build
        if before is None:
            return _loaded(validate_project(project, use_cache=use_cache))
        validated = revalidate(project, before[0], tables, last_reads)
        if validated.problems:
            raise InvalidData(validated.problems)
        rows = {name: validated.rows[name] for name in tables if name in validated.rows}
        if last_reads is not None:
            return validated, last_reads.model(validated.package, rows, before[1])
        return validated, Model(validated.package, rows, before[1])


def _loaded(validated: Validated) -> tuple[Validated, Model]:
    if validated.problems:
        raise InvalidData(validated.problems)
    return validated, Model(validated.package, validated.rows)  # takes the rows


def load_documents(
    project: Project, store: Store
) -> tuple[dict[str, Document], dict[str, Document], tuple[Document, ...]]:
    """The minutes, the report summaries and the content pages, rendered."""
    markdown = MarkdownCache(store.load_parts("markdown", store.load("markdown")))
    markdown.prerender(markdown_paths(project))
    minutes = load_folder(project, project.minutes, markdown)
    reports = load_folder(project, project.reports, markdown)
    pages = tuple(load_folder(project, project.pages, markdown).values())
    if markdown.changed():
        store.save("markdown", store.save_parts("markdown", markdown.used))
    return minutes, reports, pages


def library_of(project: Project, model: Model) -> Library:
    """The source documents the tables' `source` values cite."""
    listed = [(s.document, s.title, s.original_url) for s in model.tables.get("sources", ())]
    return Library.load(project, listed)


def _previous_graph(store: Store, out: Path) -> dict:
    """What the last build recorded of the site in `out`, if it was the last one built (and
    is still there): saved after its site was swapped in, so it describes what `out` holds."""
    previous = store.load("graph") or {}
    if previous.get("out") == str(out) and "search" in previous and out.is_dir():
        return {**previous, "outputs": store.load_parts("graph", previous.get("outputs"))}
    return {}


def _graph(
    project: Project,
    inputs: Inputs,
    env: Environment,
    previous: dict,
    last: LastBuild,
) -> Graph:
    """This build's tracked roots and their versions, with what the last build recorded, and
    each family's version (graph.family_versions)."""
    roots = tracked_roots(inputs)
    tables = _table_versions(inputs.package, last.stamps)
    documents = {
        name: _document_versions(folder, last.stamps)
        for name, folder in (("minutes", project.minutes), ("reports", project.reports))
    }
    from_files = {"model": digest(repr(sorted(tables.items())).encode())}
    from_files |= {name: _folder_version(each) for name, each in documents.items()}
    versions = root_versions(roots, from_files)
    versions |= {f"model:{name}": version for name, version in tables.items()}
    for name, each in documents.items():
        versions |= {f"{name}:{slug}": version for slug, version in each.items()}
    parts = {"model": reads_by_attribute(inputs.model)}
    before = previous.get("versions", {})
    made = previous.get("outputs", {})
    families = family_versions(
        env,
        {family.name: family.made_from for family in FAMILIES},
        _input_versions(project, inputs, versions, last.stamps),
    )
    by_item = frozenset(documents)
    return Graph(Roots(roots), versions, before, made, parts, by_item, families)


def _with_unchanged(graph: Graph, previous: dict, collected: list[tuple[Family, Output]]) -> Graph:
    """The graph, with the outputs whose static keys are the last build's: those of the
    families made from nothing that changed (the family whose output is written wins)."""
    was = previous.get("families", {})
    family_of = {output.path: family.name for family, output in collected}
    unchanged = frozenset(
        path
        for path, name in family_of.items()
        if path in graph.previous and was.get(name) == graph.families[name]
    )
    return replace(graph, unchanged=unchanged)


def tracked_roots(inputs: Inputs) -> dict[str, Any]:
    """The large shared inputs whose reads are tracked (incremental/tracking.py)."""
    return {
        "model": inputs.model,
        "minutes": inputs.minutes,
        "reports": inputs.reports,
        "site": inputs.config,
    }


def _input_versions(
    project: Project, inputs: Inputs, roots: Mapping[str, str], stamps: Stamps
) -> dict[str, str]:
    """A hash of each field of Inputs a family may be made from (pages.Family.made_from), and
    of each table of the model (`model:<table>`)."""
    tables = {name: version for name, version in roots.items() if name.startswith("model:")}
    return tables | {
        "config": roots["site"],
        "model": roots["model"],
        "package": roots["model"],  # each table's version holds the package and its schema
        "minutes": roots["minutes"],
        "reports": roots["reports"],
        "pages": _folder_version(_document_versions(project.pages, stamps)),
        "library": Fingerprinter()(inputs.library),
        "today": inputs.today.isoformat(),
        "cache": str(inputs.cache),
    }


def _table_versions(package: DataPackage | None, stamps: Stamps) -> dict[str, str]:
    """A hash of what each table's records are made from: its file, its schema, the package
    and scrutiny's code (so model reads are replayed only when their table changed); each
    table's file is hashed once per change (`stamps`), never its million records."""
    if package is None:
        return {}
    fingerprint = Fingerprinter()
    common = f"{code_digest()}|{fingerprint(package.descriptor)}"
    return {
        table.name: digest(
            f"{common}|{table.name}|{fingerprint(table.schema)}|{stamps.digest(table.path)}".encode()
        )
        for table in package.tables
    }


def _document_versions(folder: Path, stamps: Stamps) -> dict[str, str]:
    """A hash of what each document of a folder is made from, by its name: its file's bytes
    (each file hashed once per change, `stamps`)."""
    return {path.stem: stamps.digest(path) for path in markdown_files(folder)}


def _folder_version(documents: Mapping[str, str]) -> str:
    """A hash of what a folder's documents are made from: their names and versions, and
    scrutiny's code."""
    return digest("\0".join([code_digest(), *(f"{k}\0{v}" for k, v in documents.items())]).encode())


def _build_record(last: LastBuild, out: Path, result: BuildResult, output: str) -> dict:
    """What the next build's freshness check compares with (incremental/freshness.py)."""
    return {
        "key": last.inputs_key,
        "out": str(out),
        "stamps": last.stamps.seen,
        "output": output,
        "pages": result.pages,
        "files": result.files,
    }


def _copy_static(project: Project, root: Path) -> None:
    """The package's assets, then the site's own (which win: logo, extra CSS), copied anew
    (in a spare site folder, the old copies may be the served site's files)."""
    shutil.rmtree(root / "static", ignore_errors=True)
    for source in (PACKAGE_DIR / "static", project.static):
        if source.is_dir():
            shutil.copytree(
                source, root / "static", dirs_exist_ok=True, ignore=shutil.ignore_patterns(".*")
            )
