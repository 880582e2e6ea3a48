"""Benchmark scrutiny on a synthetic project, side by side with Hugo and MkDocs on the same
minutes.

    python benchmarks/run.py --size county [--repeat 3] [--work DIR] [--json FILE]

For the chosen size it generates (once, deterministically) a project under --work, then
measures, in alternation and --repeat times, each in a child process:

* cold `scrutiny validate` and cold `scrutiny build` (empty cache, new output folder): wall
  time, pages per second, peak RSS of the largest process (from wait4);
* rebuilds (a new process, warm cache): with no change, after editing one minutes file, after
  changing one observation, after adding a meeting (a row and its minutes);
* `scrutiny serve` with the page open in Chromium (Playwright): from saving one minutes file,
  or one observation, to the open page having reloaded with the change (--serve-edits times
  each per round, 3 by default, each once the whole build behind the last has ended);
* validation rows per second, against frictionless-py's own Package.validate() on the package;
* Hugo (Debian's `hugo`, if installed) building the same minutes Markdown with a minimal
  layout, and the ratio scrutiny / Hugo;
* MkDocs (`pip install -e '.[bench]'`, if installed) building the same minutes with a minimal
  theme, and the ratio MkDocs / scrutiny.

It prints a table of medians and the raw figures as JSON. It is a script, not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import io
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}

VALIDATE_ROWS = """
import json, sys, time
from scrutiny.project import Project
from scrutiny.memory import bulk_allocation
from scrutiny.validate import validate_project
start = time.perf_counter()
with bulk_allocation():  # as `scrutiny validate` calls it
    result = validate_project(Project.at(sys.argv[1]), use_cache=False)
seconds = time.perf_counter() - start
rows = sum(len(r) for r in result.rows.values())
print(json.dumps({"rows": rows, "seconds": seconds, "problems": len(result.problems)}))
"""

FRICTIONLESS_ROWS = """
import json, sys, time
from frictionless import Package
from scrutiny.schema.package import load_package
from scrutiny.project import Project
package = load_package(Project.at(sys.argv[1]))
start = time.perf_counter()
descriptor = {k: v for k, v in package.descriptor.items() if k != "resources"}
descriptor["resources"] = [
    {"name": t.name, "path": t.path.name, "schema": t.schema, "format": "csv", "encoding": "utf-8"}
    for t in package.tables
]
fpackage = Package(descriptor, basepath=str(package.tables[0].path.parent))
report = fpackage.validate()
seconds = time.perf_counter() - start
rows = sum(task.stats.get("rows") or 0 for task in report.tasks)
print(json.dumps({"rows": rows, "seconds": seconds, "valid": report.valid}))
"""


def measure(command: list[str], cwd: Path | None = None) -> dict:
    """Run a command; its wall time, peak RSS (MB, largest process, from wait4) and output."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr}")
    return {"wall": wall, "rss_mb": usage.ru_maxrss / 1024, "stdout": stdout, "stderr": stderr}


def scrutiny(*args: str | Path) -> dict:
    return measure([PYTHON, "-m", "scrutiny", *map(str, args)])


def pages_built(stdout: str) -> int:
    found = re.search(r"Built (\d+) pages", stdout)
    return int(found.group(1)) if found else 0


# -- Hugo -------------------------------------------------------------------------------------

HUGO_CONFIG = """baseURL = "https://example.org/"
title = "Minutes"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
unsafe = false
"""
HUGO_SINGLE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ .Title }}</title></head><body><main><h1>{{ .Title }}</h1>
{{ .Content }}</main></body></html>
"""
HUGO_LIST = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ .Title }}</title></head><body><main><h1>{{ .Title }}</h1><ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul></main></body></html>
"""


def hugo_site(project: Path, site: Path) -> Path:
    """A minimal Hugo site whose pages are the project's minutes, Markdown unchanged."""
    if site.exists():
        return site
    tmp = site.with_name(site.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "content" / "minutes").mkdir(parents=True)
    (tmp / "layouts" / "_default").mkdir(parents=True)
    (tmp / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (tmp / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    (tmp / "layouts" / "_default" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    for path in sorted((project / "content" / "minutes").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        text = text.replace("---\n", f"---\ntitle: {path.stem}\n", 1)
        (tmp / "content" / "minutes" / path.name).write_text(text, encoding="utf-8")
    tmp.rename(site)
    return site


# -- MkDocs -----------------------------------------------------------------------------------

MKDOCS_CONFIG = """site_name: Minutes
docs_dir: docs
use_directory_urls: true
theme:
  name: null
  custom_dir: theme
"""
MKDOCS_MAIN = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ page.title }}</title></head><body><main><h1>{{ page.title }}</h1>
{{ page.content }}</main></body></html>
"""


def mkdocs_site(project: Path, site: Path) -> Path:
    """A minimal MkDocs site (no navigation in the pages, like the Hugo layout) whose pages
    are the project's minutes, Markdown unchanged."""
    if site.exists():
        return site
    tmp = site.with_name(site.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "docs" / "minutes").mkdir(parents=True)
    (tmp / "theme").mkdir()
    (tmp / "mkdocs.yml").write_text(MKDOCS_CONFIG, encoding="utf-8")
    (tmp / "theme" / "main.html").write_text(MKDOCS_MAIN, encoding="utf-8")
    (tmp / "docs" / "index.md").write_text("# Minutes\n", encoding="utf-8")
    for path in sorted((project / "content" / "minutes").glob("*.md")):
        shutil.copyfile(path, tmp / "docs" / "minutes" / path.name)
    tmp.rename(site)
    return site


def mkdocs_version() -> str | None:
    found = subprocess.run(
        [PYTHON, "-m", "mkdocs", "--version"], capture_output=True, text=True, check=False
    )
    if found.returncode:
        return None
    return found.stdout.split(" from ")[0].removeprefix("python -m ")


def hugo_version() -> str | None:
    if not shutil.which("hugo"):
        return None
    return subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.strip()


# -- the benchmark ----------------------------------------------------------------------------


class Runner:
    def __init__(self, work: Path, size: str, serve_edits: int = 3) -> None:
        self.work = work
        self.serve_edits = serve_edits
        self.project = work / f"project-{size}"
        self.size = size
        self.counter = 0
        self.results: dict[str, list[dict]] = {}

    def fresh(self, name: str) -> Path:
        """A new output folder (writing into a just-deleted one is slower on these machines)."""
        self.counter += 1
        return self.work / "out" / f"{name}-{os.getpid()}-{self.counter}"

    def record(self, name: str, result: dict, **extra: float) -> None:
        entry = {"wall": result["wall"], "rss_mb": result["rss_mb"], **extra}
        self.results.setdefault(name, []).append(entry)
        print(f"  {name}: {result['wall']:.2f} s, {result['rss_mb']:.0f} MB", flush=True)

    def generate(self) -> None:
        if not self.project.exists():
            tmp = self.work / f"project-{self.size}.tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            subprocess.run(
                [PYTHON, HERE / "generate.py", "--size", self.size, "--out", tmp], check=True
            )
            tmp.rename(self.project)

    def scrutiny_round(self) -> None:
        shutil.rmtree(self.project / ".cache", ignore_errors=True)
        self.record("validate (cold)", scrutiny("validate", self.project))
        out = self.fresh("scrutiny")
        result = scrutiny("build", self.project, "--out", out)
        pages = pages_built(result["stdout"])
        self.record("build (cold)", result, pages=pages, pages_per_s=pages / result["wall"])
        self.record("rebuild, no change", scrutiny("build", self.project, "--out", out))
        minutes = sorted((self.project / "content" / "minutes").glob("*.md"))[pages // 4]
        observations = self.project / "datasets" / "observations.csv"
        original_minutes = minutes.read_bytes()
        original_obs = observations.read_bytes()
        try:
            minutes.write_bytes(original_minutes + b"\nA late correction to these minutes.\n")
            self.record("rebuild, one minutes file", scrutiny("build", self.project, "--out", out))
            lines = original_obs.split(b"\n")
            fields = lines[1].split(b",")
            fields[3] = b"%.1f" % (float(fields[3]) + 0.5)
            lines[1] = b",".join(fields)
            observations.write_bytes(b"\n".join(lines))
            self.record("rebuild, one observation", scrutiny("build", self.project, "--out", out))
            observations.write_bytes(original_obs)
            with new_meeting(self.project):
                rebuild = scrutiny("build", self.project, "--out", out)
                self.record("rebuild, one new meeting", rebuild)
        finally:
            minutes.write_bytes(original_minutes)
            observations.write_bytes(original_obs)
        rebuild = scrutiny("build", self.project, "--out", out)
        self.record("rebuild, the edits undone", rebuild)
        shutil.rmtree(out.parent, ignore_errors=True)

    def serve_round(self) -> None:
        """`scrutiny serve` with a page open in Chromium: from saving a file to the open page
        showing the change (the reload script reloads it after the rebuild), `serve_edits`
        times for each kind of edit, each once the whole build of the one before has ended
        (an officer's pace: the whole build runs behind the open page, at a lower priority)."""
        out = self.fresh("serve")
        port = free_port()
        command = [PYTHON, "-m", "scrutiny", "serve", str(self.project), "--port", str(port)]
        serve = subprocess.Popen(
            [*command, "--out", str(out)], env=ENV, stdout=subprocess.PIPE, text=True
        )
        try:
            assert serve.stdout is not None
            for line in serve.stdout:
                if line.startswith("Serving"):
                    break
            settling = Settling(serve.stdout)
            for name, seconds in served_edits(self.project, port, self.serve_edits, settling):
                self.results.setdefault(name, []).append({"wall": seconds, "rss_mb": 0.0})
                print(f"  {name}: {seconds:.2f} s", flush=True)
        finally:
            serve.terminate()  # SIGINT may be ignored in a background job; serve stops on both
            serve.wait(timeout=60)
            shutil.rmtree(out.parent, ignore_errors=True)

    def rows_round(self) -> None:
        ours = json.loads(measure([PYTHON, "-c", VALIDATE_ROWS, str(self.project)])["stdout"])
        theirs = json.loads(measure([PYTHON, "-c", FRICTIONLESS_ROWS, str(self.project)])["stdout"])
        self.results.setdefault("validation rows/s", []).append(
            {
                "scrutiny": ours["rows"] / ours["seconds"],
                "rows": ours["rows"],
                "frictionless": theirs["rows"] / theirs["seconds"],
                "seconds": ours["seconds"],
                "frictionless_seconds": theirs["seconds"],
            }
        )
        print(
            f"  rows/s: scrutiny {ours['rows'] / ours['seconds']:,.0f}, frictionless "
            f"{theirs['rows'] / theirs['seconds']:,.0f}",
            flush=True,
        )

    def hugo_round(self) -> None:
        site = hugo_site(self.project, self.work / f"hugo-{self.size}")
        out = self.fresh("hugo")
        result = measure(["hugo", "--quiet", "--source", str(site), "--destination", str(out)])
        pages = sum(1 for _ in out.rglob("*.html"))
        self.record("hugo build (cold)", result, pages=pages, pages_per_s=pages / result["wall"])
        shutil.rmtree(out.parent, ignore_errors=True)

    def mkdocs_round(self) -> None:
        site = mkdocs_site(self.project, self.work / f"mkdocs-{self.size}")
        out = self.fresh("mkdocs")
        config = site / "mkdocs.yml"
        result = measure([PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(out)])
        pages = sum(1 for _ in out.rglob("*.html"))
        self.record("mkdocs build (cold)", result, pages=pages, pages_per_s=pages / result["wall"])
        shutil.rmtree(out.parent, ignore_errors=True)


@contextlib.contextmanager
def new_meeting(project: Path) -> Iterator[None]:
    """A new meeting: a row in meetings.csv (a copy of a minuted one, on a later free date, with
    the id that date gives it) and its minutes."""
    meetings = project / "datasets" / "meetings.csv"
    original = meetings.read_bytes()
    rows = list(csv.reader(io.StringIO(original.decode("utf-8"))))
    row = next(r for r in reversed(rows) if r[7] == "true")  # minutes_published
    old_id, committee, day = row[0], row[1], dt.date.fromisoformat(row[2])
    taken = {r[0] for r in rows}
    while f"{committee}-{day}" in taken:
        day += dt.timedelta(days=1)
    new_id = f"{committee}-{day}"
    minutes = project / "content" / "minutes" / f"{new_id}.md"
    text = (project / "content" / "minutes" / f"{old_id}.md").read_text(encoding="utf-8")
    minutes.write_text(text.replace(old_id, new_id), encoding="utf-8")
    with meetings.open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow([new_id, committee, str(day), *row[3:]])
    try:
        yield
    finally:
        meetings.write_bytes(original)
        minutes.unlink(missing_ok=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVED_MINUTES = "serve: one minutes file saved -> page shows it"
SERVED_OBSERVATION = "serve: one observation edited -> page shows it"


class Settling:
    """Counts the times serve says the whole site is up to date, reading its output in a
    thread (which also keeps the pipe drained)."""

    def __init__(self, output: io.TextIOBase) -> None:
        self.count = 0
        self.said = threading.Condition()
        threading.Thread(target=self._read, args=(output,), daemon=True).start()

    def _read(self, output: io.TextIOBase) -> None:
        for line in output:
            if line.startswith("The whole site is up to date"):
                with self.said:
                    self.count += 1
                    self.said.notify_all()

    def after(self, change: Callable[[], None], page: Any) -> None:
        """Make a change, wait for the open page to reload with it, then for the whole
        build behind it to end."""
        with page.expect_event("load", timeout=600_000):
            change()
        time.sleep(0.2)  # serve asks for the whole build just after the page is made
        with self.said:
            count = self.count
            self.said.wait_for(lambda: self.count > count, 600)


def served_edits(
    project: Path, port: int, times: int, settling: Settling
) -> Iterator[tuple[str, float]]:
    """Open a meeting page and an indicator page; save an edit; time until the page reloaded
    with the change. Each edit is undone, and the whole builds of both have ended, before the
    next is timed."""
    from playwright.sync_api import sync_playwright

    minutes = sorted((project / "content" / "minutes").glob("*.md"))[0]
    observations = project / "datasets" / "observations.csv"
    lines = observations.read_bytes().split(b"\n")
    fields = lines[1].split(b",")
    indicator = fields[0].decode()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/meetings/{minutes.stem}/")
        original = minutes.read_bytes()
        for n in range(times):
            text = f"A served correction, number {n}."
            edit = partial(minutes.write_bytes, original + f"\n{text}\n".encode())
            shown = partial(page.wait_for_function, f"document.body.innerText.includes({text!r})")
            try:
                yield SERVED_MINUTES, _time_edit(page, edit, shown)
            finally:
                settling.after(partial(minutes.write_bytes, original), page)
        page.goto(f"http://127.0.0.1:{port}/indicators/{indicator}/")
        original = observations.read_bytes()
        value = float(fields[3])
        for n in range(times):
            fields[3] = b"%.2f" % (value + 0.05 + n)  # two decimals: no other value has
            lines[1] = b",".join(fields)
            edit = partial(observations.write_bytes, b"\n".join(lines))
            cell = f'[data-value="{fields[3].decode()}"]'
            shown = partial(page.wait_for_selector, cell, state="attached", timeout=600_000)
            try:
                yield SERVED_OBSERVATION, _time_edit(page, edit, shown)
            finally:
                settling.after(partial(observations.write_bytes, original), page)
        browser.close()


def _time_edit(page: Any, edit: Callable[[], object], shown: Callable[[], object]) -> float:
    """Seconds from making the edit to the open page, reloaded, showing it."""
    with page.expect_event("load", timeout=600_000):
        started = time.perf_counter()
        edit()
    shown()
    return time.perf_counter() - started


def median(entries: list[dict], key: str) -> float:
    return statistics.median(e[key] for e in entries)


def table(runner: Runner, machine: dict) -> str:
    r = runner.results
    lines = [
        f"scrutiny benchmark, size {runner.size}: {machine['nproc']} CPUs ({machine['cpu']}), "
        f"{machine['hugo'] or 'Hugo not installed'}, "
        f"{machine['mkdocs'] or 'MkDocs not installed'}, medians of {machine['repeat']} runs",
        "",
        "| measurement | wall (s) | pages/s | peak RSS (MB) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, entries in r.items():
        if name == "validation rows/s":
            continue
        if name.startswith("serve:"):
            each = ", ".join(f"{e['wall']:.2f}" for e in entries)
            lines.append(f"| {name} (median of {each}) | {median(entries, 'wall'):.2f} | | |")
            continue
        rate = f"{median(entries, 'pages_per_s'):,.0f}" if "pages_per_s" in entries[0] else ""
        lines.append(
            f"| {name} | {median(entries, 'wall'):.2f} | {rate} | "
            f"{median(entries, 'rss_mb'):,.0f} |"
        )
    if "validation rows/s" in r:
        v = r["validation rows/s"]
        ours, theirs = median(v, "scrutiny"), median(v, "frictionless")
        lines += [
            "",
            f"validation: {v[0]['rows']:,} rows; scrutiny {ours:,.0f} rows/s, "
            f"frictionless-py Package.validate() {theirs:,.0f} rows/s "
            f"({ours / theirs:.1f}x)",
        ]
    if "hugo build (cold)" in r and "build (cold)" in r:
        ratio = median(r["build (cold)"], "wall") / median(r["hugo build (cold)"], "wall")
        lines.append(
            f"cold build, scrutiny / Hugo: {ratio:.2f}x (scrutiny builds "
            f"{median(r['build (cold)'], 'pages'):,.0f} pages and its other outputs; "
            f"Hugo {median(r['hugo build (cold)'], 'pages'):,.0f} minutes pages)"
        )
    if "mkdocs build (cold)" in r and "build (cold)" in r:
        ratio = median(r["mkdocs build (cold)"], "wall") / median(r["build (cold)"], "wall")
        lines.append(
            f"cold build, MkDocs / scrutiny: {ratio:.2f}x (MkDocs "
            f"{median(r['mkdocs build (cold)'], 'pages'):,.0f} minutes pages)"
        )
    return "\n".join(lines)


def machine_info(repeat: int) -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "hugo": hugo_version(),
        "mkdocs": mkdocs_version(),
        "python": platform.python_version(),
        "repeat": repeat,
        "loadavg_at_start": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("small", "county", "national"), default="small")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/scrutiny-bench"))
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--no-serve", action="store_true", help="skip the serve latencies")
    parser.add_argument(
        "--serve-edits", type=int, default=3, help="edits of each kind timed per serve round"
    )
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo even if installed")
    parser.add_argument("--no-mkdocs", action="store_true", help="skip MkDocs even if installed")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    machine = machine_info(args.repeat)
    runner = Runner(args.work.resolve(), args.size, args.serve_edits)
    runner.generate()
    steps = [runner.scrutiny_round]
    if not args.no_serve:
        steps.append(runner.serve_round)
    if machine["hugo"] is not None and not args.no_hugo:
        steps.append(runner.hugo_round)
    if machine["mkdocs"] is not None and not args.no_mkdocs:
        steps.append(runner.mkdocs_round)
    for n in range(args.repeat):
        print(f"round {n + 1} of {args.repeat}", flush=True)
        for step in steps if n % 2 == 0 else steps[::-1]:  # alternate the order
            step()
        runner.rows_round()
    text = table(runner, machine)
    print("\n" + text)
    data = {"size": args.size, "machine": machine, "results": runner.results, "table": text}
    print("\n" + json.dumps(data, indent=1))
    if args.json:
        args.json.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
