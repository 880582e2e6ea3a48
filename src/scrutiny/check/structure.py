"""Each page parses as HTML and has what every page needs: a title and one main landmark.

Python's HTML parser accepts anything, so "parses" is checked the way a browser would stumble:
an end tag with no matching start tag, an element left open, an attribute given twice, no
doctype. (The project's own tests also run the Nu HTML Checker, which needs Java.)
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

# Elements with no end tag, and elements whose end tag HTML lets a page leave out.
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
OPTIONAL_END = {
    "html", "head", "body", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th",
    "thead", "tbody", "tfoot", "colgroup", "caption", "rt", "rp",
}  # fmt: skip
FOREIGN = {"svg", "math"}  # self-closing tags are allowed inside these


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.open: list[tuple[str, int]] = []
        self.doctype = False
        self.title: str | None = None
        self.in_title = False
        self.mains = 0

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower().startswith("doctype html")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        names = [name for name, _ in attrs]
        for name in sorted({n for n in names if names.count(n) > 1}):
            self.problems.append(f"line {line}: <{tag}> has the attribute {name!r} twice")
        if tag == "main" or ("role", "main") in attrs:
            self.mains += 1
        if tag == "title" and not any(t == "svg" for t, _ in self.open):
            self.in_title, self.title = True, self.title or ""
        if tag not in VOID:
            self.open.append((tag, line))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.open.pop()
            if not any(t in FOREIGN for t, _ in self.open) and tag not in FOREIGN:
                line = self.getpos()[0]
                self.problems.append(f"line {line}: <{tag}/> cannot close itself in HTML")

    def handle_endtag(self, tag: str) -> None:
        line = self.getpos()[0]
        if tag == "title":
            self.in_title = False
        if tag in VOID:
            return
        if not any(t == tag for t, _ in self.open):
            self.problems.append(f"line {line}: </{tag}> closes an element that is not open")
            return
        while self.open:
            name, opened = self.open.pop()
            if name == tag:
                break
            if name not in OPTIONAL_END:
                self.problems.append(
                    f"line {line}: </{tag}> closes <{tag}> while <{name}> (line {opened}) is "
                    "still open"
                )

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title = (self.title or "") + data

    def finish(self) -> list[str]:
        self.close()
        problems = list(self.problems)
        left = [f"<{t}> (line {line})" for t, line in self.open if t not in OPTIONAL_END]
        if left:
            problems.append(f"never closed: {', '.join(left[:5])}")
        if not self.doctype:
            problems.append("no <!DOCTYPE html> at the start")
        if not (self.title or "").strip():
            problems.append("no <title>: every page needs one, to say what it is")
        if self.mains != 1:
            problems.append(
                f"{'no' if self.mains == 0 else self.mains} <main> landmark"
                f"{'s' if self.mains > 1 else ''}: every page needs exactly one"
            )
        return problems


def page_problems(path: Path) -> list[str]:
    """What is wrong with the HTML of one page (an empty list when nothing is)."""
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as error:
        return [f"not UTF-8 text (byte {error.start})"]
    reader = _PageReader()
    reader.feed(text)
    return reader.finish()


def site_problems(site: Path) -> list[str]:
    """`page: problem` for every page of a built site."""
    return [
        f"{page.relative_to(site)}: {problem}"
        for page in sorted(site.rglob("*.html"))
        for problem in page_problems(page)
    ]
