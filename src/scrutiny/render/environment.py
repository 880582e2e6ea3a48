"""One Jinja2 environment for the whole site: autoescaped, strict, site templates first."""

from __future__ import annotations

import datetime as dt
import json
import traceback
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    pass_context,
)
from jinja2.runtime import Context
from markupsafe import Markup

from scrutiny.citations import Library, parts
from scrutiny.config import SiteConfig
from scrutiny.outputs import Page
from scrutiny.problems import Problem, ProjectError
from scrutiny.render.units import number, with_unit
from scrutiny.urls import root_prefix, url_for


def long_date(value: dt.date | None) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}" if value else ""


def short_date(value: dt.date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


def clock(value: dt.time | None) -> str:
    """GOV.UK style times: 2pm, 10:30am, midday."""
    if value is None:
        return ""
    if value.hour == 12 and value.minute == 0:
        return "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def json_script(value: Any) -> Markup:
    """JSON safe to place inside <script type="application/ld+json">: <, > and & escaped."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def split_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


@pass_context
def cite(context: Context, value: str | None) -> Markup:
    """A `source` value as links: each citation to the published document at the cited lines
    (or to its original URL), a URL to itself; anything else as written. Remembered for the
    environment's library: a county's pages cite the same few values 390,000 times."""
    env = context.environment
    library: Library = env.globals["source_library"]
    kept = _CITED.get(env)
    if kept is None or kept[0] is not library or len(kept[1]) > CITED_KEPT:
        kept = _CITED[env] = (library, {})
    memo = kept[1]
    root = context["root"]
    html = memo.get((root, value))
    if html is None:
        html = memo[root, value] = _cited(library, root, value)
    return html


# Each environment's remembered citations (cite), with the library they were made from.
_CITED: WeakKeyDictionary[Environment, tuple[Library, dict]] = WeakKeyDictionary()
CITED_KEPT = 100_000


def _cited(library: Library, root: str, value: str | None) -> Markup:
    links = []
    for part in parts(value):
        href = part.url or (part.citation and library.href(part.citation))
        if not href:
            links.append(Markup("<code>{}</code>").format(part.text))
            continue
        if "://" not in href:
            href = root + href
        links.append(
            Markup('<a class="source-link" href="{}"><code>{}</code></a>').format(href, part.text)
        )
    return Markup("; ").join(links)


def make_environment(
    site_templates: Path, config: SiteConfig, library: Library | None = None
) -> Environment:
    env = Environment(
        loader=ChoiceLoader(
            [FileSystemLoader(str(site_templates)), PackageLoader("scrutiny", "templates")]
        ),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        long_date=long_date,
        short_date=short_date,
        clock=clock,
        number=number,
        split_list=split_list,
        with_unit=with_unit,
        json_script=json_script,
        cite=cite,
    )
    env.globals["site"] = config
    env.globals["url_for"] = url_for
    env.globals["source_library"] = library or Library()
    return env


def check_templates(env: Environment, names: set[str], shown_dir: str) -> None:
    """Fail early, naming the template, when one a page needs is missing or broken."""
    problems = []
    for name in sorted(names):
        try:
            env.get_template(name)
        except TemplateNotFound as exc:
            problems.append(
                Problem(
                    f"{shown_dir}/{name}",
                    message=f"template not found: {exc.name}",
                    hint="Check the name in the {% extends %} or {% include %} line, "
                    "or delete your override to use the built-in one.",
                    rule="template",
                )
            )
        except Exception as exc:  # a syntax error in a council's template override
            line = getattr(exc, "lineno", None)
            problems.append(
                Problem(
                    f"{shown_dir}/{name}",
                    line=line,
                    message=f"template error: {exc}",
                    rule="template",
                )
            )
    if problems:
        raise ProjectError(problems)


def render_page(env: Environment, page: Page) -> bytes:
    template = env.get_template(page.template)
    try:
        html = template.render(page=page, root=root_prefix(page.path), **page.context)
    except TemplateError as exc:  # e.g. a council's override uses a name the page lacks
        raise ProjectError([_render_problem(env, page, exc)]) from None
    return html.encode("utf-8")


def _render_problem(env: Environment, page: Page, exc: TemplateError) -> Problem:
    """Name the template file and line where drawing a page failed (the innermost template
    frame of the traceback, which Jinja maps to template lines)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".html")]
    filename, line = (frames[-1].filename, frames[-1].lineno) if frames else (page.template, None)
    site = Path(env.loader.loaders[0].searchpath[0])  # type: ignore[union-attr]
    path = Path(filename)
    shown = (
        path.relative_to(site.parent).as_posix()
        if path.is_relative_to(site)
        else f"{path.name} (built in)"
    )
    return Problem(
        shown,
        line=line,
        message=f"template error while drawing {page.path}: {exc.message}",
        hint="Check the names in your template against the built-in one it replaces.",
        rule="template",
    )
