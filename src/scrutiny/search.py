"""The search index: Pagefind run over the finished site (a POSTPROCESS step).

Pagefind (the `pagefind[extended]` wheel, which bundles the binary, so no network is needed)
indexes pages whose <main> carries `data-pagefind-body` (meetings with their minutes and
decisions, committees, people, indicators and recommendations; see templates/base.html),
takes each result's title from the page's `data-pagefind-meta="title"` and writes the
bundle, with its search UI, to `pagefind/`. The search page (pages/search.py) loads it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex

from scrutiny.pages.inputs import Inputs
from scrutiny.problems import Problem, ProjectError

BUNDLE = "pagefind"


async def _index(site: Path) -> int:
    config = IndexConfig(output_path=str(site / BUNDLE))
    async with PagefindIndex(config=config) as index:
        result = await index.add_directory(str(site))
        return int(result["page_count"])


def write(inputs: Inputs, site: Path) -> None:
    pages = asyncio.run(_index(site))
    if pages == 0:
        raise ProjectError(
            [
                Problem(
                    "templates/base.html",
                    None,
                    None,
                    "the search index is empty: no page has data-pagefind-body",
                    "If you override base.html, keep the data-pagefind-body attribute on <main>.",
                    "search",
                )
            ]
        )
