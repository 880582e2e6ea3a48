"""Visit every page of a built site in Chromium and record what fails, per check.

One browser, two contexts (JavaScript on and off), a few pages working in parallel. Each page is
loaded once with JavaScript on, where every in-browser check runs in turn (content snapshot,
keyboard, focus indicators, axe-core at desktop width, reflow at 320px), and once with
JavaScript off. The project's browser tests read the resulting reports, and
`scrutiny check --browser` reports the axe-core and reflow findings, so one sweep serves both.

Needs Playwright (the `browser` extra), Chromium and axe-core; `tools.require_tools` says how to
install whichever is missing. Import this module only after it has passed.
"""

from __future__ import annotations

import asyncio
import functools
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Browser, ConsoleMessage, Page, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from scrutiny.check.tools import CHROMIUM_ARGS, axe_script, chromium, require_tools

AXE_URL_PATH = "/__test__/axe.min.js"  # served beside the site so the pages' CSP allows it
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Experimental in axe, so not selected by the tags, but they are what catches a table whose
# header cells were removed (WCAG 1.3.1).
EXTRA_AXE_RULES = ["td-has-header", "table-fake-caption"]
# Rules whose result depends on the layout, run again at 320px.
NARROW_AXE_RULES = ["scrollable-region-focusable", "target-size"]
DESKTOP = {"width": 1024, "height": 768}
NARROW = {"width": 320, "height": 640}
WORKERS = int(os.environ.get("SCRUTINY_BROWSER_WORKERS", "2"))

CHECKS = ("axe", "skip link", "focus", "reflow", "tables", "no-js", "console")


@dataclass
class PageReport:
    """What one page failed, check by check (empty lists mean it passed)."""

    path: str
    problems: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in CHECKS})
    snapshot: dict[str, Any] = field(default_factory=dict)


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the base class declares it as a plain dict
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
    }

    def translate_path(self, path: str) -> str:
        if urlsplit(path).path == AXE_URL_PATH:
            return str(axe_script())
        return super().translate_path(path)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve a directory on 127.0.0.1 from a thread; yields the base URL (ending in /)."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(directory))
    )
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


async def launch(playwright: Playwright) -> Browser:
    require_tools()
    return await playwright.chromium.launch(executable_path=str(chromium()), args=CHROMIUM_ARGS)


# --- the checks, as functions evaluated in the page ------------------------------------------

_HELPERS = """
const describe = (el) => {
  if (!el) return 'nothing';
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  const cls = (el.getAttribute('class') || '').trim().split(/\\s+/).filter(Boolean);
  if (cls.length) s += '.' + cls.join('.');
  const text = (el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' ');
  if (text) s += ' "' + text.slice(0, 40) + '"';
  return s;
};
const shown = (el) => !!el && el.checkVisibility({opacityProperty: true, visibilityProperty: true})
  && el.getClientRects().length > 0;
"""

SNAPSHOT_JS = (
    "() => {"
    + _HELPERS
    + """
  const main = document.querySelector('main');
  const inMain = (sel) => main ? [...main.querySelectorAll(sel)].filter(shown) : [];
  return {
    mains: document.querySelectorAll('main').length,
    mainShown: shown(main),
    mainText: main ? main.innerText.trim().length : 0,
    headings: inMain('h1, h2, h3, h4, h5, h6').map(h => h.tagName + ' ' + h.innerText.trim()),
    links: [...new Set(inMain('a[href]').map(a => a.getAttribute('href')))],
    tables: inMain('table').length,
    nav: [...document.querySelectorAll('nav a[href]')].map(a => [describe(a), shown(a)]),
  };
}"""
)

SKIP_LINK_JS = (
    "() => {"
    + _HELPERS
    + """
  const el = document.activeElement;
  const problems = [];
  if (!el || el === document.body) return ['the first Tab focused nothing'];
  const text = (el.innerText || '').trim();
  if (el.tagName !== 'A' || !/^skip to main content$/i.test(text)) {
    return [`the first Tab reached ${describe(el)}, not a "Skip to main content" link`];
  }
  const r = el.getBoundingClientRect();
  if (!shown(el) || r.width < 1 || r.height < 1 || r.top < 0 || r.left < 0
      || r.bottom > innerHeight || r.right > innerWidth) {
    problems.push('the focused skip link is not visible in the viewport');
  }
  const href = el.getAttribute('href') || '';
  const target = href.startsWith('#') ? document.getElementById(href.slice(1)) : null;
  if (target !== document.querySelector('main')) {
    problems.push(`the skip link points to ${JSON.stringify(href)}, not to <main>`);
  }
  return problems;
}"""
)

MAIN_FOCUSED_JS = "() => document.activeElement === document.querySelector('main')"

FOCUS_JS = (
    "() => {"
    + _HELPERS
    + """
  const transparent = (c) => c === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(c);
  const look = (el) => {
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
      && !transparent(s.outlineColor)
      ? `${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}` : '';
    return {outline, shadow: s.boxShadow === 'none' ? '' : s.boxShadow, bg: s.backgroundColor,
            border: ['Top', 'Right', 'Bottom', 'Left'].map(side => {
              const [style, w, c] = ['Style', 'Width', 'Color'].map(p => s[`border${side}${p}`]);
              return style !== 'none' && parseFloat(w) > 0 && !transparent(c) ? `${w} ${c}` : '';
            }).join()};
  };
  const selector = 'a[href], area[href], button, input:not([type=hidden]), select, textarea, '
    + 'summary, iframe, [tabindex], [contenteditable]';
  const problems = [];
  let checked = 0;
  for (const el of document.querySelectorAll(selector)) {
    if (el.tabIndex < 0 || el.disabled || el.closest('[inert]')) continue;
    // The skip link is positioned off-screen until focused; everything else must be shown.
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    document.activeElement && document.activeElement.blur();
    const before = look(el);
    el.focus({preventScroll: true});
    if (document.activeElement !== el) {
      problems.push(`${describe(el)} is in the tab order but does not take focus`);
      continue;
    }
    checked += 1;
    if (!el.matches(':focus-visible')) {
      problems.push(`${describe(el)}: browser did not treat keyboard focus as :focus-visible`);
      continue;
    }
    const after = look(el);
    const indicated = (after.outline && after.outline !== before.outline)
      || (after.shadow && after.shadow !== before.shadow)
      || after.bg !== before.bg || after.border !== before.border;
    const r = el.getBoundingClientRect();
    if (!indicated) problems.push(`${describe(el)} shows no visible focus indicator`);
    else if (r.width < 1 || r.height < 1) problems.push(`${describe(el)} has no size when focused`);
  }
  document.activeElement && document.activeElement.blur();
  window.scrollTo(0, 0);
  return {problems, checked};
}"""
)

TABLES_JS = (
    "() => {"
    + _HELPERS
    + """
  const problems = [];
  for (const t of document.querySelectorAll('table')) {
    const role = t.getAttribute('role');
    if (role === 'presentation' || role === 'none') continue;
    const caption = t.querySelector(':scope > caption');
    const named = (caption && caption.innerText.trim()) || t.getAttribute('aria-label')
      || t.getAttribute('aria-labelledby');
    // Tables the templates draw have a caption; Markdown (in .prose) cannot express one.
    if (!named && !t.closest('.prose')) problems.push(`${describe(t)} has no caption`);
    if (!t.querySelector('th')) problems.push(`${describe(t)} has no header cells (<th>)`);
    for (const th of t.querySelectorAll('th')) {
      const inHead = th.closest('thead') !== null;
      if (!inHead && !th.hasAttribute('scope') && !t.querySelector('[headers]')) {
        problems.push(`${describe(th)} in ${describe(t).slice(0, 40)}: a body header cell `
          + 'needs scope="row" or scope="col"');
        break;
      }
    }
  }
  return problems;
}"""
)

REFLOW_JS = (
    "() => {"
    + _HELPERS
    + """
  const problems = [];
  const se = document.scrollingElement;
  const width = se.clientWidth;
  if (se.scrollWidth > width) {
    problems.push(`the page scrolls sideways: ${se.scrollWidth}px of content in ${width}px`);
  }
  for (const el of [document.documentElement, document.body]) {
    const o = getComputedStyle(el).overflowX;
    if (o === 'hidden' || o === 'clip') problems.push(`${el.tagName} has overflow-x: ${o}`);
  }
  // Anything (a box, or text overflowing its box) reaching past the right edge of the screen
  // that is not inside its own scrolling container; the deepest such elements are reported.
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const contained = new Map();
  // Is el clipped by a scrolling ancestor? An absolutely positioned element escapes every
  // scroller below its containing block (the classic visually-hidden-text-in-a-table bug).
  const isContained = (el) => {
    if (contained.has(el)) return contained.get(el);
    const position = getComputedStyle(el).position;
    const p = position === 'fixed' ? null
      : position === 'absolute' ? el.offsetParent : el.parentElement;
    const result = !!p && p !== document.body && p !== document.documentElement
      && (scrolls(p) || isContained(p));
    contained.set(el, result);
    return result;
  };
  const wide = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    // Text overflowing a box shows in its scrollWidth, unless the box clips or scrolls it.
    const spill = r.left + el.scrollWidth > width + 1
      && getComputedStyle(el).overflowX === 'visible';
    if ((r.right > width + 1 || spill) && !isContained(el)) wide.add(el);
  }
  const offenders = [...wide].filter(el => ![...el.children].some(c => wide.has(c)))
    .map(el => `${describe(el)} reaches past the right edge of the screen`);
  problems.push(...offenders.slice(0, 5));
  for (const el of document.querySelectorAll('table, svg, figure, img, pre')) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width > width + 1) {
      let p = el.parentElement;
      while (p && p !== document.body && !scrolls(p)) p = p.parentElement;
      if (!p || p === document.body) problems.push(`${describe(el)} is wider than the screen`);
      else if (p.getBoundingClientRect().width > width + 1) {
        problems.push(`the scrolling container of ${describe(el)} is wider than the screen`);
      }
    }
  }
  return problems;
}"""
)

AXE_RUN_JS = """async ([tags, extra, only]) => {
  const options = {resultTypes: ['violations']};
  if (only) options.runOnly = {type: 'rule', values: only};
  else {
    options.runOnly = {type: 'tag', values: tags};
    options.rules = Object.fromEntries(extra.map(id => [id, {enabled: true}]));
  }
  const result = await axe.run(document, options);
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    helpUrl: v.helpUrl, nodes: v.nodes.map(n => ({target: n.target.join(' '),
    summary: (n.failureSummary || '').split('\\n').slice(1, 2).join('').trim()}))}));
}"""


def _axe_problems(violations: list[dict[str, Any]], where: str = "") -> list[str]:
    lines = []
    for v in violations:
        for node in v["nodes"][:5]:
            lines.append(
                f"{v['id']} ({v['impact']}){where}: {v['help']} | element: {node['target']}"
                f" | {node['summary']} | {v['helpUrl']}"
            )
        if len(v["nodes"]) > 5:
            lines.append(f"{v['id']}: ... and {len(v['nodes']) - 5} more elements")
    return lines


async def _run_axe(page: Page, only: list[str] | None = None) -> list[dict[str, Any]]:
    if not await page.evaluate("() => typeof axe !== 'undefined'"):
        await page.add_script_tag(url=AXE_URL_PATH)
    return await page.evaluate(AXE_RUN_JS, [WCAG_TAGS, EXTRA_AXE_RULES, only])


async def check_with_js(page: Page, url: str, report: PageReport) -> None:
    """Every check that needs scripts, in one visit; the order keeps each check independent."""
    p = report.problems
    await page.set_viewport_size(DESKTOP)
    response = await page.goto(url)
    if response is None or response.status != 200:
        p["console"].append(f"loading the page gave HTTP {response and response.status}")
        return
    report.snapshot = await page.evaluate(SNAPSHOT_JS)
    p["tables"] += await page.evaluate(TABLES_JS)

    await page.keyboard.press("Tab")
    skip_problems = await page.evaluate(SKIP_LINK_JS)
    p["skip link"] += skip_problems
    if not skip_problems:
        await page.keyboard.press("Enter")
        try:
            await page.wait_for_function(MAIN_FOCUSED_JS, timeout=2000)
        except PlaywrightTimeout:
            focused = await page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)")
            p["skip link"].append(f"activating the skip link left focus on {focused}")
    focus = await page.evaluate(FOCUS_JS)
    p["focus"] += focus["problems"]
    if focus["checked"] == 0:
        p["focus"].append("no focusable element was found to check")

    p["axe"] += _axe_problems(await _run_axe(page))

    await page.set_viewport_size(NARROW)
    p["reflow"] += await page.evaluate(REFLOW_JS)
    p["reflow"] += _axe_problems(await _run_axe(page, NARROW_AXE_RULES), " at 320px")


async def check_without_js(page: Page, url: str, report: PageReport) -> None:
    """With scripts off, the main content and navigation shown with scripts on must be there."""
    await page.goto(url)
    off = await page.evaluate(SNAPSHOT_JS)
    on = report.snapshot
    p = report.problems["no-js"]
    if off["mains"] != 1 or not off["mainShown"] or off["mainText"] == 0:
        p.append("no visible, non-empty <main> without JavaScript")
    hidden_nav = [name for name, shown in off["nav"] if not shown]
    if not off["nav"]:
        p.append("no navigation links without JavaScript")
    if hidden_nav:
        p.append(f"navigation links hidden without JavaScript: {hidden_nav[:5]}")
    if not on:
        return
    for key in ("headings", "links"):
        lost = [item for item in on[key] if item not in off[key]]
        if lost:
            p.append(f"{key} shown only with JavaScript: {lost[:5]}")
    if off["tables"] < on["tables"]:
        p.append(f"{on['tables'] - off['tables']} table(s) shown only with JavaScript")


def watch(page: Page, note: Callable[[str], None]) -> None:
    """Report script errors, console errors and failed requests on a page through note()."""

    def on_console(message: ConsoleMessage) -> None:
        # Chromium asks every site for /favicon.ico; a site need not have one.
        if message.type == "error" and not message.location.get("url", "").endswith("favicon.ico"):
            note(f"console error: {message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda e: note(f"uncaught error: {e}"))
    page.on("response", lambda r: note(f"HTTP {r.status} for {r.url}") if r.status >= 400 else None)


async def sweep(base_url: str, paths: list[str], workers: int = WORKERS) -> dict[str, PageReport]:
    """Check every path (relative to base_url) with JavaScript on and off."""
    reports: dict[str, PageReport] = {}
    queue = list(reversed(paths))
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        with_js = await browser.new_context(viewport=DESKTOP)
        without_js = await browser.new_context(viewport=DESKTOP, java_script_enabled=False)

        async def work() -> None:
            current: list[PageReport] = []

            def note(message: str) -> None:
                current[-1].problems["console"].append(message)

            page, plain = await with_js.new_page(), await without_js.new_page()
            watch(page, note)
            watch(plain, note)
            while queue:
                path = queue.pop()
                report = reports[path] = PageReport(path)
                current.append(report)
                url = base_url + path.removesuffix("index.html")
                try:
                    await check_with_js(page, url, report)
                    await check_without_js(plain, url, report)
                except PlaywrightError as exc:  # report it against the page, then go on
                    note(f"the browser could not check this page: {exc.message.splitlines()[0]}")

        try:
            await asyncio.gather(*(work() for _ in range(max(1, workers))))
        finally:
            await browser.close()
    return reports


def run_sweep(site: Path, paths: list[str] | None = None) -> dict[str, PageReport]:
    """Serve a built site and sweep it (every HTML page unless paths are given)."""
    require_tools()
    if paths is None:
        paths = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    with serve(site) as base_url:
        return asyncio.run(sweep(base_url, paths))
