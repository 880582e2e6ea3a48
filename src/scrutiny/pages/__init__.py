"""Page families: each module turns the model into Pages (and other output Files).

Adding a family means adding one module here, listing it in FAMILIES with the inputs its
outputs are made from, and its templates.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scrutiny import urls
from scrutiny.outputs import File, Generated, Later, Page, Reused
from scrutiny.pages import (
    calendars,
    committees,
    content_pages,
    data,
    feeds,
    follow,
    home,
    indicators,
    meetings,
    ocd,
    people,
    recommendations,
    search,
    sources,
    twins,
)
from scrutiny.pages.inputs import Inputs

Output = Page | File | Generated | Later | Reused


@dataclass(frozen=True)
class Family:
    """A page family: what makes its outputs, and what it reads to make them (`made_from`:
    fields of `Inputs`, and `model:<table>` for each table of the model it reads when it does
    not read the whole model). While none of those changed, its outputs are the last
    build's: the same paths and the same contexts, so the build does not hash them again. A
    field put into a context or arguments without being read (the model or the minutes,
    looked up by the template and tracked) is not one of them. tests/test_family_reads.py
    checks each."""

    name: str
    outputs: Callable[[Inputs], Iterable[Output]]
    made_from: frozenset[str]


def _family(
    name: str,
    outputs: Callable[[Inputs], Iterable[Output]],
    *made_from: str,
    tables: Iterable[str] = (),
) -> Family:
    """`made_from`: fields of Inputs; `tables`: the tables it reads of the model, if not all."""
    return Family(name, outputs, frozenset(made_from) | {f"model:{t}" for t in tables})


MEETING = ("meetings", "committees", "councils")  # a meeting, with what it is named by
AT_A_MEETING = ("agenda_items", "attendance", "decisions", "declarations", "reports")
INDICATOR = ("indicators", "observations", "councils")
FAMILIES: tuple[Family, ...] = (
    _family("home", home.pages, "config", "model", "today"),
    _family("meetings", meetings.pages, tables=(*MEETING, *AT_A_MEETING, "people")),
    _family(
        "committees",
        committees.pages,
        "today",
        tables=(*MEETING, "attendance", "people", "workplan"),
    ),
    _family("people", people.pages, tables=(*MEETING, "attendance", "people")),
    _family("content pages", content_pages.pages, "pages"),
    _family("indicators", indicators.pages, "cache", tables=INDICATOR),
    _family("recommendations", recommendations.pages, "model"),
    _family("data", data.pages, "config", "model", "package", "cache"),
    _family("downloads", data.download_files),  # Later outputs: asked at every build
    _family("sources", sources.pages, "model", "minutes", "reports", "library"),
    _family(
        "twins",
        twins.pages,
        "library",
        tables=("committees", "indicators", "meetings", "people", "recommendations"),
    ),
    _family(
        "feeds", feeds.pages, "config", "today", tables=("committees", "decisions", "meetings")
    ),
    _family("follow", follow.pages, "today", tables=("indicators", "people", "recommendations")),
    _family("calendars", calendars.pages, "config", "cache", tables=("committees", "meetings")),
    _family("ocd", ocd.pages, "minutes", "today", tables=("committees", "meetings")),
    _family("search", search.pages, tables=("indicators", "meetings", "people")),
)

# A family's costly work that the build starts in another process before collecting
# (incremental/pool.Ahead), while it makes the pages; read back with Inputs.made_ahead, by a
# `Later` output, once everything else is made.
AHEAD: dict[str, Callable[[Inputs], Any]] = {"downloads": data.downloads}

# Families that can make one page of a route from its key without making the others (the
# preview re-makes the open pages first: preview/live.py); any other page is found by
# running its family.
ONE_PAGE: dict[str, Callable[[Inputs, str], Page | None]] = {
    "meeting": meetings.one_page,
    "person": people.one_page,
    "indicator": indicators.one_page,
}


def collect(
    inputs: Inputs, reused: Mapping[str, Sequence[tuple[str, bool, bool]]] = {}
) -> list[tuple[Family, Output]]:
    """Every family's outputs, in order, each with its family. A family named in `reused`
    is not asked for them: its outputs are the last build's (the paths given, whether each
    is a page, and whether the search index holds it)."""
    return [
        (family, output)
        for family in FAMILIES
        for output in (
            [Reused(*entry) for entry in reused[family.name]]
            if family.name in reused
            else family.outputs(inputs)
        )
    ]


def one_page_at(inputs: Inputs, file: str) -> Page | None:
    """The page whose HTML file is `file`, made alone (ONE_PAGE), if its family can."""
    for name, make in ONE_PAGE.items():
        key = urls.key_of(name, file)
        if key is not None:
            page = make(inputs, key)
            return page if page is not None and page.path == file else None
    return None


def outputs_at(inputs: Inputs, family: Family, files: Collection[str]) -> list[Output]:
    """The family's outputs at `files`: each page made alone where it can be, otherwise the
    family's outputs, kept to those."""
    alone = [one_page_at(inputs, file) for file in files]
    if all(alone):
        return [page for page in alone if page is not None]
    return [output for output in family.outputs(inputs) if output.path in files]
