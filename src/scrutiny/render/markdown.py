"""Markdown to safe HTML: CommonMark plus tables and strikethrough (GitHub's cmark-gfm, in C:
a county's 10,000 minutes take it a second and a half, where markdown-it-py took half a
minute), then an allowlist sanitiser (nh3).

Raw HTML in Markdown is allowed through only as far as the allowlist: no scripts, no event
handlers, no `javascript:` or `data:` URLs, no styles. Headings are shifted down one level so
a document's `#` never competes with the page's own `<h1>`.
"""

from __future__ import annotations

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "details",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


EXTENSIONS = ["table", "strikethrough"]
# Raw HTML is passed on to the sanitiser, which keeps what ALLOWED_TAGS allows.
OPTIONS = Options.CMARK_OPT_UNSAFE


def _shift_headings(html: str) -> str:
    for level in range(5, 0, -1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(
            f"</h{level}>", f"</h{level + 1}>"
        )
    return html


def render_markdown(text: str) -> str:
    html = cmarkgfm.markdown_to_html_with_extensions(text, OPTIONS, EXTENSIONS)
    html = _shift_headings(html)
    html = html.replace("<table>", '<table class="table">')
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES | {"table": {"class"}},
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return _wrap_tables(cleaned)


def _wrap_tables(html: str) -> str:
    """Wide tables scroll inside their own focusable region rather than the page."""
    return html.replace(
        '<table class="table">',
        '<div class="table-scroll" role="region" aria-label="Table" tabindex="0">'
        '<table class="table">',
    ).replace("</table>", "</table></div>")
