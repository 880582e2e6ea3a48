"""The search index: Pagefind run over the finished site (a post-build step of build._build).

Pagefind (the `pagefind[extended]` wheel, which bundles the binary, so no network is needed)
indexes pages whose <main> carries `data-pagefind-body` (meetings with their minutes and
decisions, committees, people, indicators and recommendations; see templates/base.html) and
takes each result's title from the page's `data-pagefind-meta="title"`.

The index is split into bundles that the search page merges in the browser (Pagefind's
mergeIndex): `pagefind/` holds everything but the meeting pages, with the search UI, and
`pagefind-meetings/<year>/` holds one year's meetings, `pagefind-people/` the people's pages and
`pagefind-indicators/` the indicators'. A bundle is indexed again only when
one of its pages changed; otherwise it is linked from the last site (when that bundle is as the
last build left it) or unpacked from the copy kept in the build cache (one sealed tar per
bundle, incremental/store.py). So editing one year's minutes re-indexes that year, and no
single Pagefind run has to hold a county's twenty years of minutes in memory.

A bundle's key is a hash of its pages' bytes, less what Pagefind ignores (`indexed`), except
when its pages are the ones it had in the last site and the maker linked every one of them from
there: then it is the key the last build recorded (with the graph, once its site was swapped
in), and no page is read.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tarfile
from collections.abc import Collection
from pathlib import Path

from pagefind.index import IndexConfig

from scrutiny import urls
from scrutiny.incremental.keys import digest, library_version
from scrutiny.incremental.maker import Site
from scrutiny.incremental.store import pack_folder, recall, remember, unpack_folder
from scrutiny.model import Model
from scrutiny.output.atomic import prune, safe_join
from scrutiny.output.pagefind_service import PromptService
from scrutiny.pages.inputs import Inputs
from scrutiny.pages.search import FAMILY_BUNDLES, merged_bundles
from scrutiny.problems import Problem, ProjectError

BUNDLE = "pagefind"


def write(
    inputs: Inputs,
    site: Path,
    pages: Collection[str],
    last: Site | None = None,
    linked: Collection[str] = (),
) -> dict[str, tuple[str, int, str]]:
    """Index the `pages` (the HTML files whose <main> has `data-pagefind-body`, the only ones
    Pagefind indexes when any has it: the others would only change the bundles' keys) of the
    site being written in `site`. `last` is the
    previous build's site, and `linked` the pages that are its files (linked unchanged by the
    maker). Returns what each bundle was made from (its key, page count and the digest of its
    list of pages), for the next build's `Site.bundles`."""
    built: dict[str, tuple[str, int, str]] = {}
    stale: dict[str, tuple[list[str], str, str]] = {}  # bundle: its pages, key, listing
    kept = inputs.cache_folder("search")
    known = last.bundles if last is not None else {}
    unchanged = set(linked)
    last_files = _files_by_bundle(last.stamps) if last is not None else {}
    for bundle, files in _bundles(inputs.model, pages).items():
        listing = digest("\0".join(files).encode())
        was = known.get(bundle)
        if was is not None and was[2] == listing and unchanged.issuperset(files):
            key = was[0]  # the same pages as last time, each the last site's own file
        else:
            key = _bundle_key(site, bundle, files)
        if was is not None and was[0] == key and _link_bundle(last, bundle, last_files, site):
            count: int | None = was[1]
        else:
            shutil.rmtree(site / bundle, ignore_errors=True)  # what a spare site had there
            count = _from_cache(recall(kept, _name(bundle), key), site / bundle)
        if count is None:
            stale[bundle] = (files, key, listing)
        else:
            built[bundle] = (key, count, listing)
    if stale:
        counts = _index_stale(site, {bundle: files for bundle, (files, _, _) in stale.items()})
        for bundle, (_, key, listing) in stale.items():
            built[bundle] = (key, counts[bundle], listing)
            packed = pack_folder(site / bundle)
            remember(kept, _name(bundle), key, f"{counts[bundle]}\n".encode() + packed)
    if sum(count for _, count, _ in built.values()) == 0:
        raise ProjectError(
            [
                Problem(
                    "templates/base.html",
                    message="the search index is empty: no page has data-pagefind-body",
                    hint="If you override base.html, keep the data-pagefind-body attribute on "
                    "<main>.",
                    rule="search",
                )
            ]
        )
    return dict(sorted(built.items()))


def _files_by_bundle(stamps: Collection[str]) -> dict[str, list[str]]:
    """The last site's files by the bundle folder they may belong to (their first one or two
    folders: pagefind/..., pagefind-meetings/<year>/...)."""
    found: dict[str, list[str]] = {}
    for name in stamps:
        if name.startswith(BUNDLE):
            parts = name.split("/", 2)
            found.setdefault(parts[0], []).append(name)
            if len(parts) == 3:
                found.setdefault(f"{parts[0]}/{parts[1]}", []).append(name)
    return found


def _link_bundle(
    last: Site | None, bundle: str, last_files: dict[str, list[str]], site: Path
) -> bool:
    """Link the last site's copy of the bundle into the new one, if every file of it is as
    the last build left it; False (leaving nothing) otherwise."""
    if last is None or last.previous is None:
        return False
    prefix = f"{bundle}/"
    files = last_files.get(bundle, [])
    folders: set[Path] = set()
    try:
        linked = all(last.link(name, site / name, folders) for name in files)
    except OSError:
        linked = False
    if not linked:
        shutil.rmtree(site / bundle, ignore_errors=True)
        return False
    prune(site / bundle, [name.removeprefix(prefix) for name in files])  # a spare's others
    return bool(files)


def bundle_folders(model: Model) -> list[str]:
    """The folders of the site that hold the search index (each made whole by `write`)."""
    return [BUNDLE, *(bundle.rstrip("/") for bundle in merged_bundles(model))]


def _name(bundle: str) -> str:
    return bundle.replace("/", "-") + ".tar"


def _bundles(model: Model, pages: Collection[str]) -> dict[str, list[str]]:
    """Each bundle's HTML files, by name: a meeting page goes to its year's, a page of a family
    with a bundle of its own (a person's, an indicator's) to that one, any other to the main."""
    year = {m.meeting_id: m.date.year for m in model.meetings.values()}
    bundles: dict[str, list[str]] = {bundle: [] for bundle in bundle_folders(model)}
    for page in sorted(pages):
        parts = page.split("/")
        bundle = BUNDLE
        if len(parts) == 3 and parts[0] == "meetings" and parts[1] in year:
            bundle = urls.path("search.meetings", str(year[parts[1]]))
        elif len(parts) == 3 and parts[0] in FAMILY_BUNDLES:
            bundle = urls.path("search.family", parts[0])
        bundles[bundle.rstrip("/")].append(page)
    return bundles


def _index_stale(site: Path, stale: dict[str, list[str]]) -> dict[str, int]:
    """Index each stale bundle from a folder of links to its pages."""
    pages = site / ".search-pages"  # inside the site being built, so never left behind
    try:
        for bundle, files in stale.items():
            for relative in files:
                target = pages / bundle / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(site / relative, target)
        return asyncio.run(_index(pages, site, list(stale)))
    finally:
        shutil.rmtree(pages, ignore_errors=True)


async def _index(pages: Path, site: Path, bundles: list[str]) -> dict[str, int]:
    """One Pagefind process for all the bundles, one after another (each uses every core).

    Each bundle's files are asked for and written here, not written by Pagefind: Pagefind
    replies to `write_files` while its last writes may still be in flight (tokio's files,
    not flushed), and stopping it then left a file cut short (three times in CI, under
    load). The files are the same bytes."""
    counts = {}
    async with PromptService() as service:
        for bundle in bundles:
            index = await service.create_index(IndexConfig())
            result = await index.add_directory(str(pages / bundle))
            _write_bundle(site / bundle, await index.get_files())
            await index.delete_index()
            counts[bundle] = int(result["page_count"])
    return counts


def _write_bundle(folder: Path, files: list[dict]) -> None:
    """A bundle's files (paths within it, and bytes) written into its new folder."""
    for file in files:
        target = safe_join(folder, file["path"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file["content"])


def _bundle_key(site: Path, bundle: str, files: list[str]) -> str:
    parts = [f"pagefind {library_version('pagefind')}|{bundle}|".encode()]
    for relative in files:
        parts.append(relative.encode() + b"\0" + indexed((site / relative).read_bytes()) + b"\0")
    return digest(b"".join(parts))


IGNORED = b"data-pagefind-ignore"
VOID = frozenset(b"area base br col embed hr img input link meta source track wbr".split())
DELIMITERS = frozenset((b" ", b"\n", b"\t", b">", b"/", b"="))  # what may follow a name in a tag


def indexed(page: bytes) -> bytes:
    """The page without the elements marked `data-pagefind-ignore`, whose text and ids change
    no byte of what Pagefind writes (tests/test_search.py checks it on every page of a site):
    so a bundle whose pages changed only there (an indicator's table of values, its chart) is
    not indexed again. An element that also holds another data-pagefind- attribute (a meta or
    a filter, which Pagefind reads even there) is kept, and so is the whole page if an
    element's end cannot be found."""
    kept: list[bytes] = []
    done = 0  # the page is kept up to here
    at = page.find(IGNORED)
    while at >= 0:
        start = page.rfind(b"<", 0, at)
        if _is_attribute(page, start, at):
            end = _element_end(page, start)
            if end is None:
                return page
            region = page[start:end]
            if region.count(b"data-pagefind-") == region.count(IGNORED):
                kept.append(page[done:start])
                done = end
        at = page.find(IGNORED, max(done, at + len(IGNORED)))
    kept.append(page[done:])
    return b"".join(kept)


def _is_attribute(page: bytes, start: int, at: int) -> bool:
    """Whether the marker at `at` is an attribute of the tag opened at `start`: inside that
    tag, not in a quoted value, a whole attribute name."""
    if start < 0 or page.rfind(b">", 0, at) > start or page.count(b'"', start, at) % 2:
        return False
    after = page[at + len(IGNORED) : at + len(IGNORED) + 1]
    return page[at - 1 : at].isspace() and after in DELIMITERS


def _element_end(page: bytes, start: int) -> int | None:
    """Where the element whose start tag opens at `start` ends (past its end tag), counting
    the elements of the same name inside it; None if it does not end."""
    tag_end = page.find(b">", start)
    if tag_end < 0:
        return None
    name_end = start + 1
    while name_end < tag_end and page[name_end : name_end + 1].isalnum():
        name_end += 1
    name = page[start + 1 : name_end].lower()
    if not name:
        return None
    if name in VOID:
        return tag_end + 1
    opening, closing = b"<" + name, b"</" + name + b">"
    depth, at = 1, tag_end + 1
    while depth:
        close = page.find(closing, at)
        if close < 0:
            return None
        inner = page.find(opening, at, close)
        if inner >= 0:
            at = inner + len(opening)
            depth += page[at : at + 1] in DELIMITERS  # not a longer name (<div, not <dialog)
        else:
            depth -= 1
            at = close + len(closing)
    return at


def _from_cache(kept: bytes | None, output: Path) -> int | None:
    """Unpack a kept bundle into the site: its page count, or None (nothing left behind)."""
    if kept is None:
        return None
    count, _, packed = kept.partition(b"\n")
    try:
        unpack_folder(packed, output)
        return int(count)
    except (OSError, ValueError, tarfile.TarError):
        shutil.rmtree(output, ignore_errors=True)
        return None
