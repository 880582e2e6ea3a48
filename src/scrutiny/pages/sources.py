"""The source documents the data cites, published so every `source` is one click away.

    sources/                      the documents, with titles and original URLs
    sources/<name>                each cited document as it is (text or PDF)
    sources/<stem>/               a text document with numbered lines: line 55 is `#L55`
    sources/<stem>/cited.css      highlights each cited range, `#L55-L58`, without JavaScript

A cited range has an empty marker element just before its first line, with the range as its
id; the document's stylesheet says, for each range, `#L55-L58:target ~ .c3` (the lines
after the marker that carry the range's class). A single line is its own `:target`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from scrutiny import urls
from scrutiny.citations import Document, Library, citations
from scrutiny.outputs import File, Page
from scrutiny.pages.inputs import Inputs

HIGHLIGHT = "{ background: #fff7bf; border-left-color: #0b0c0c; }"


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    classes: str  # the classes of the cited ranges the line is in, e.g. " c1 c4"
    markers: tuple[tuple[str, str], ...]  # (id, label) of the ranges that start here


def cited(inputs: Inputs) -> dict[str, set[tuple[int, int]]]:
    """Every document cited anywhere (tables and the Markdown's front matter), with the line
    ranges cited in it."""
    values: list[str | None] = [
        getattr(r, "source", None) for records in inputs.model.tables.values() for r in records
    ]
    for doc in (*inputs.minutes.values(), *inputs.reports.values()):
        values.append(str(doc.meta.get("source") or ""))
    found: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for value in dict.fromkeys(values):  # each distinct value once: rows share their sources
        for citation in citations(value):
            found[citation.document]
            if citation.lines:
                found[citation.document].add(citation.lines)
    return found


def published(library: Library, names: Iterable[str]) -> list[Document]:
    docs = (library.documents.get(name) for name in sorted(names))
    return [d for d in docs if d is not None and library.href_of(d) is not None]


def lines_of(doc: Document, ranges: set[tuple[int, int]]) -> list[Line]:
    assert doc.path is not None
    text = doc.path.read_bytes().decode("utf-8", errors="replace").split("\n")
    if text and text[-1] == "":
        text.pop()
    spans = _spans(ranges)
    classes: dict[int, list[str]] = defaultdict(list)
    markers: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for index, (first, last) in enumerate(spans, 1):
        markers[first].append((f"L{first}-L{last}", f"Cited: lines {first} to {last}"))
        for number in range(first, last + 1):
            classes[number].append(f"c{index}")
    return [
        Line(n, t.rstrip("\r"), "".join(f" {c}" for c in classes[n]), tuple(markers[n]))
        for n, t in enumerate(text, 1)
    ]


def _spans(ranges: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ranges of more than one line, in order (one line is its own target)."""
    return sorted(r for r in ranges if r[1] > r[0])


def highlight_css(ranges: set[tuple[int, int]]) -> bytes:
    selectors = [f"#L{a}-L{b}:target ~ .c{i}" for i, (a, b) in enumerate(_spans(ranges), 1)]
    if not selectors:
        return b"/* No ranges of lines are cited in this document. */\n"
    return (",\n".join(selectors) + f" {HIGHLIGHT}\n").encode("utf-8")


def pages(inputs: Inputs) -> Iterator[Page | File]:
    library = inputs.library
    found = cited(inputs)
    documents = published(library, found)
    rows = {r.document: r for r in inputs.model.tables.get("sources", ())}
    councils = inputs.model.councils
    for doc in documents:
        row = rows.get(doc.name)
        council = councils.get(getattr(row, "council_id", None) or "")
        if doc.path is not None:
            yield File(urls.source_file(doc.name), doc.path.read_bytes())
        if doc.kind == "text" and doc.path is not None:
            yield File(urls.path("source.css", doc.key), highlight_css(found[doc.name]))
            yield Page(
                urls.page_file("source", doc.key),
                "source_document.html",
                f"Source document {doc.name}",
                {
                    "doc": doc,
                    "row": row,
                    "council": council,
                    "lines": lines_of(doc, found[doc.name]),
                },
            )
    if documents:
        yield Page(
            urls.page_file("source"),
            "sources_index.html",
            "Source documents",
            {
                "documents": [
                    (d, rows.get(d.name), library.href_of(d), len(found[d.name])) for d in documents
                ],
                "councils": councils,
            },
        )
