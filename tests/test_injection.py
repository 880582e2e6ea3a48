"""Script injection: hostile text in every free-text field of every table, in site.yaml and in
Markdown comes out inert.

Each payload is written into every free-text cell of the minimal project (every string field
that is not an identifier, a key or a list of allowed values), into the site's settings and
into a minutes file and a content page. The built site is then parsed file by file (HTML with
html.parser, feeds and SVG as XML) and must hold no executable script: no script elements
except the site's own (JSON-LD data and same-site files), no on* attributes, no javascript:,
vbscript: or data: links, no frames or objects, and template syntax printed as text. Every page
carries a Content-Security-Policy that allows script only from the site itself.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from base64 import b64encode
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, minimal_project

from scrutiny.build import build
from scrutiny.project import Project
from scrutiny.render.environment import json_script, make_environment
from scrutiny.schema.package import load_package

# What template syntax would print if it were ever evaluated: it must never appear.
EVALUATED = "tmpl-evaluated"
PAYLOADS = {
    "script": '<script>alert("xss")</script>',
    "img-onerror": '<img src=x onerror=alert("xss")>',
    "attribute-breakout": '" onmouseover="alert(1)" x="',
    "single-quote-breakout": "' onfocus='alert(1)' autofocus x='",
    "javascript-link": '<a href="javascript:alert(1)">click</a>',
    "javascript-mixed-case": '<a href=" JaVaScRiPt:alert(1)">click</a>',
    "javascript-entities": '<a href="&#106;avascript:alert(1)">click</a>',
    "data-url": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "svg-script": "<svg onload=alert(1)><script>alert(1)</script></svg>",
    "svg-use": '<svg><use href="data:image/svg+xml,<svg id=x onload=alert(1)>#x"/></svg>',
    "comment-breakout": "--><script>alert(1)</script><!--",
    "textarea-breakout": "</textarea><script>alert(1)</script>",
    "script-breakout": "</script><script>alert(1)</script>",
    "title-breakout": "</title><script>alert(1)</script>",
    "style-breakout": "</style><img src=x onerror=alert(1)>",
    "iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "object": '<object data="data:text/html,<script>alert(1)</script>"></object>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base-tag": '<base href="https://evil.example/">',
    "form-action": '<form action="javascript:alert(1)"><button>go</button></form>',
    "details-ontoggle": "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "mxss-math": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "jinja-expression": '{{ "tmpl" ~ "-evaluated" }}',
    "jinja-statement": '{% if true %}{{ "tmpl-" ~ "evaluated" }}{% endif %}',
    "jinja-config": "{{ config.items() }}{{ self.__init__.__globals__ }}",
    "bare-javascript-url": "javascript:alert(1)",
    "markdown-link": "[a](javascript:alert(1)) [b](data:text/html,<script>alert(1)</script>)",
    "markdown-image": "![x](javascript:alert(1)) ![y](data:image/svg+xml;base64,PHN2Zz4=)",
    "markdown-autolink": "<javascript:alert(1)>",
    "markdown-reference": "[click][x]\n\n[x]: javascript:alert(1)",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "form"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
TEXT_SUFFIXES = {".html", ".svg", ".atom", ".xml", ".json", ".jsonld", ".ics", ".csv", ".txt"}


# Fields that are part of an id, so a rule checks them against it (validate/rules.py): a
# decision's sub-point is in its decision_id.
IN_AN_ID = {("decisions", "sub_point")}


def free_text_fields(project: Path) -> dict[str, list[str]]:
    """Per table, the string fields a person types freely: not keys, ids, enums or patterns."""
    package = load_package(Project.at(project))
    fields: dict[str, list[str]] = {}
    for table in package.tables:
        keyed = set(table.primary_key) | {f for fk in table.foreign_keys for f in fk.fields}
        keyed |= {name for owner, name in IN_AN_ID if owner == table.name}
        fields[table.name] = [
            f.name
            for f in table.fields
            if f.type == "string"
            and f.name not in keyed
            and not {"enum", "pattern"} & set(f.constraints)
        ]
    return fields


def hostile_project(target: Path, payload: str) -> Path:
    project = minimal_project(target)
    for table, names in free_text_fields(project).items():
        path = project / "datasets" / f"{table}.csv"
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
            header = list(rows[0]) if rows else None
        if not header:
            continue
        for row in rows:
            row.update(dict.fromkeys(names, payload))
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    site = yaml.safe_load((project / "site.yaml").read_text())
    for key in ("title", "publisher", "description", "attribution"):
        site[key] = payload
    site["licence"] = {"id": payload, "name": payload, "url": "https://example.org/licence"}
    site["contact_email"] = "<script>alert(1)</script>@x.example"
    for item in site["navigation"]:
        item["title"] = payload
    (project / "site.yaml").write_text(yaml.safe_dump(site, allow_unicode=True))
    block = (
        f"{payload}\n\n* {payload}\n\n> {payload}\n\n| a | b |\n| --- | --- |\n| {payload} | x |\n"
    )
    minutes = project / "content" / "minutes" / "testshire-cyp-2017-01-10.md"
    front = yaml.safe_dump({"meeting_id": "testshire-cyp-2017-01-10", "source": payload})
    minutes.write_text(f"---\n{front}---\n## {payload}\n\n{block}")
    page = yaml.safe_dump({"title": payload})
    (project / "content" / "pages" / "about.md").write_text(f"---\n{page}---\n{block}")
    return project


class Audit(HTMLParser):
    """Collects everything executable in one HTML (or SVG) file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.inline_scripts: list[str] = []
        self.csp: list[str] = []
        self.text: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and value is not None:
                url = re.sub(r"[\x00-\x20]", "", value).lower()
                if url.startswith(BAD_SCHEMES) and not (tag == "img" and url.startswith("data:")):
                    self.problems.append(f"<{tag} {name}={value!r}>")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "meta" and (values.get("http-equiv") or "") == "Content-Security-Policy":
            self.csp.append(values.get("content") or "")
        if tag == "script":
            self._script, self._script_text = values, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self._check_script(self._script, "".join(self._script_text))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)
        else:
            self.text.append(data)

    def _check_script(self, attrs: dict[str, str | None], body: str) -> None:
        kind = (attrs.get("type") or "").lower()
        src = attrs.get("src")
        if kind == "application/ld+json" and src is None:
            if "<" in body:
                self.problems.append("JSON-LD with a raw '<'")
            json.loads(body)  # still valid JSON
        elif src is not None:
            if re.match(r"^([a-z][a-z0-9+.-]*:|//)", src.strip().lower()) or body.strip():
                self.problems.append(f"<script src={src!r}> not from the site")
        else:
            self.inline_scripts.append(body)


def audit_html(text: str) -> Audit:
    audit = Audit()
    audit.feed(text)
    audit.close()
    return audit


def audit_feed(path: Path) -> list[str]:
    """Atom content of type html is HTML a feed reader will render: it must be inert too."""
    problems = []
    for element in ET.parse(path).iter():
        if element.get("type") in ("html", "xhtml") and element.text:
            problems += audit_html(element.text).problems
    return problems


def csp_problems(audit: Audit) -> list[str]:
    if len(audit.csp) != 1:
        return [f"{len(audit.csp)} Content-Security-Policy meta tags"]
    directives = dict((d.split()[0], d.split()[1:]) for d in audit.csp[0].split(";") if d.strip())
    script_src = directives.get("script-src", directives.get("default-src", []))
    problems = [
        f"script-src allows {token}"
        for token in script_src
        if token not in ("'self'", "'wasm-unsafe-eval'") and not token.startswith("'sha256-")
    ]
    hashes = {t.strip("'") for t in script_src if t.startswith("'sha256-")}
    for body in audit.inline_scripts:
        digest = b64encode(hashlib.sha256(body.encode()).digest()).decode()
        if f"sha256-{digest}" not in hashes:
            problems.append(f"inline script not allowed by hash: {body[:60]!r}")
    if directives.get("object-src") != ["'none'"] or directives.get("base-uri") != ["'none'"]:
        problems.append("object-src and base-uri must be 'none'")
    return problems


@pytest.fixture(scope="module", params=sorted(PAYLOADS), ids=sorted(PAYLOADS))
def hostile_site(request: pytest.FixtureRequest, tmp_path_factory) -> tuple[str, Path]:
    payload = PAYLOADS[request.param]
    base = tmp_path_factory.mktemp(request.param)
    project = hostile_project(base / "project", payload)
    build(Project.at(project), base / "site")
    return payload, base / "site"


def test_no_executable_payload_in_any_output(hostile_site: tuple[str, Path]) -> None:
    payload, site = hostile_site
    problems, pages, text = [], 0, []
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site).as_posix()
        if path.suffix in (".html", ".svg"):
            audit = audit_html(path.read_text(encoding="utf-8"))
            problems += [f"{relative}: {p}" for p in audit.problems]
            if path.suffix == ".html":
                pages += 1
                problems += [f"{relative}: {p}" for p in csp_problems(audit)]
            text.append("".join(audit.text))
        elif path.suffix in (".atom", ".xml"):
            problems += [f"{relative}: {p}" for p in audit_feed(path)]
        if path.suffix in TEXT_SUFFIXES and EVALUATED in path.read_text(encoding="utf-8"):
            problems.append(f"{relative}: template syntax was evaluated")
    assert pages > 20
    assert problems == []
    # The payload is shown to readers as the text it is, not dropped or mangled.
    if "tmpl" in payload or payload == "javascript:alert(1)":
        assert any(payload in t for t in text)


def test_every_free_text_field_was_attacked(tmp_path: Path) -> None:
    """Guards the corpus itself: it reaches the tables' free text, site.yaml and Markdown."""
    fields = free_text_fields(minimal_project(tmp_path / "minimal"))
    assert sum(len(v) for v in fields.values()) >= 25
    assert {"name", "source"} <= set(fields["people"])
    project = hostile_project(tmp_path / "project", "PAYLOAD")
    text = (project / "datasets" / "decisions.csv").read_text()
    assert text.count("PAYLOAD") == 2 * len(fields["decisions"])


def test_json_script_escapes_for_script_context() -> None:
    value = {"name": '</script><script>alert(1)</script> & <!-- "quotes"', "n": 1}
    out = json_script(value)
    assert "<" not in out and ">" not in out and "&" not in out
    assert "\\u003c/script\\u003e" in out
    assert json.loads(str(out)) == value
    env = make_environment(FIXTURES / "minimal" / "templates", None)  # type: ignore[arg-type]
    html = env.from_string('<script type="application/ld+json">{{ v | json_script }}</script>')
    audit = audit_html(html.render(v=value))
    assert audit.problems == [] and audit.inline_scripts == []


def test_markdown_cannot_pull_in_files_from_outside(tmp_path: Path) -> None:
    """Links and images in Markdown stay links: the build never reads what they point at."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    project = minimal_project(tmp_path / "project")
    links = [
        f"[a]({secret})",
        f"![b]({secret})",
        "[c](../../secret.txt)",
        f"[d](file://{secret})",
        f'<img src="file://{secret}">',
        "{% include '../../secret.txt' %}",
    ]
    (project / "content" / "pages" / "links.md").write_text("\n\n".join(links) + "\n")
    build(Project.at(project), tmp_path / "site")
    for path in (tmp_path / "site").rglob("*"):
        if path.is_file():
            assert b"TOP-SECRET-CONTENT" not in path.read_bytes(), path
    html = (tmp_path / "site" / "links" / "index.html").read_text()
    assert 'href="file:' not in html and 'src="file:' not in html and "<img" not in html
