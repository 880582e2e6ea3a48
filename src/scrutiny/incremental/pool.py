"""Render and write the site's outputs in a pool of forked worker processes.

The whole list of outputs is built before the pool starts; the workers are forked, so they
inherit it (and the Jinja environment, with its templates already compiled) instead of
receiving pickled contexts. Each worker writes its files itself and sends back only each
page's cache key. A page whose key matches the previous build's is hard-linked (or copied)
from the previous output instead of being rendered: the bytes are the same by construction.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment

from scrutiny.incremental.cache import Fingerprinter, Uncacheable, digest
from scrutiny.output.atomic import safe_join
from scrutiny.outputs import File, Generated, Page
from scrutiny.problems import ProjectError
from scrutiny.render.environment import render_page

CHUNK = 64  # outputs per task: small enough to balance, large enough to be cheap
SERIAL_BELOW = 256  # smaller sites render in-process (forking costs more than it saves)


@dataclass
class Job:
    """Everything the workers need, inherited through fork."""

    env: Environment
    outputs: Sequence[Page | File | Generated]
    root: Path  # the temporary directory being built
    global_key: str = ""  # code, templates and settings every page shares
    use_cache: bool = False
    previous: Path | None = None  # the last output, to reuse unchanged pages from
    previous_keys: dict[str, str] = field(default_factory=dict)
    previous_stamp: dict[str, tuple[int, int]] = field(default_factory=dict)
    shared: list[tuple[Any, str]] = field(default_factory=list)  # (object, digest) to register


@dataclass
class Outcome:
    keys: dict[str, str]  # page (or generated file) path -> cache key, for those that have one
    rendered: int
    reused: int


_JOB: Job | None = None
_FINGERPRINT: Fingerprinter | None = None


def jobs_wanted(count: int) -> int:
    """How many processes: SCRUTINY_JOBS if set, else one per CPU for large sites."""
    configured = os.environ.get("SCRUTINY_JOBS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    if count < SERIAL_BELOW:
        return 1
    return os.cpu_count() or 1


def run(job: Job, jobs: int, progress: Callable[[int], None] | None = None) -> Outcome:
    """Write every output of the job into job.root; raise ProjectError if a page fails."""
    global _JOB, _FINGERPRINT
    _JOB, _FINGERPRINT = job, None
    chunks = [(i, min(i + CHUNK, len(job.outputs))) for i in range(0, len(job.outputs), CHUNK)]
    outcome = Outcome({}, 0, 0)
    try:
        if jobs <= 1 or len(chunks) <= 1:
            results = map(_chunk, chunks)
            _collect(results, outcome, progress)
        else:
            context = multiprocessing.get_context("fork")
            with context.Pool(min(jobs, len(chunks))) as pool:
                _collect(pool.imap(_chunk, chunks), outcome, progress)
    finally:
        _JOB, _FINGERPRINT = None, None
    return outcome


def _collect(results, outcome: Outcome, progress: Callable[[int], None] | None) -> None:
    for result in results:
        if "problems" in result:
            raise ProjectError(result["problems"])
        if "error" in result:
            raise RuntimeError(f"rendering failed in a worker process:\n{result['error']}")
        outcome.keys.update(result["keys"])
        outcome.rendered += result["rendered"]
        outcome.reused += result["reused"]
        if progress:
            progress(result["count"])


def _chunk(bounds: tuple[int, int]) -> dict[str, Any]:
    try:
        return _write_chunk(*bounds)
    except ProjectError as error:
        return {"problems": list(error.problems)}
    except Exception:
        return {"error": traceback.format_exc()}


def _fingerprinter(job: Job) -> Fingerprinter:
    global _FINGERPRINT
    if _FINGERPRINT is None:
        _FINGERPRINT = Fingerprinter()
        for obj, value in job.shared:
            _FINGERPRINT.register(obj, value)
    return _FINGERPRINT


def _write_chunk(start: int, stop: int) -> dict[str, Any]:
    job = _JOB
    assert job is not None
    keys: dict[str, str] = {}
    rendered = reused = 0
    made: set[Path] = set()
    for output in job.outputs[start:stop]:
        target = safe_join(job.root, output.path)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if isinstance(output, File):
            target.write_bytes(output.data)
            continue
        key = _key(job, output) if job.use_cache else None
        if key is not None:
            keys[output.path] = key
            if _reuse(job, output.path, key, target):
                reused += 1
                continue
        if isinstance(output, Generated):
            target.write_bytes(output.data())
        else:
            target.write_bytes(render_page(job.env, output))
        rendered += 1
    return {"keys": keys, "rendered": rendered, "reused": reused, "count": stop - start}


def _key(job: Job, output: Page | Generated) -> str | None:
    try:
        if isinstance(output, Generated):
            inputs = _fingerprinter(job)((output.make, output.args))
        else:
            context = _fingerprinter(job)(output.context)
            inputs = f"{output.template}|{output.title}|{context}"
    except Uncacheable:
        return None
    return digest(f"{job.global_key}|{output.path}|{inputs}".encode())


def _reuse(job: Job, relative: str, key: str, target: Path) -> bool:
    """Link the previous build's copy of an unchanged page, if it is still as that build
    left it (same size and mtime: nobody edited the output by hand)."""
    if job.previous is None or job.previous_keys.get(relative) != key:
        return False
    source = job.previous / relative
    try:
        stat = source.stat()
    except OSError:
        return False
    if job.previous_stamp.get(relative) != (stat.st_size, stat.st_mtime_ns):
        return False
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
    return True
