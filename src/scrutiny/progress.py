"""A progress display for long builds, on stderr.

On a terminal it redraws one line in place; anywhere else (CI logs, pipes) it writes a plain
line when each long step ends, never carriage returns. Short builds print nothing.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

LONG = 1000  # items: below this a step is quick and not worth reporting


class Progress:
    def __init__(self, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.enabled = enabled
        self._label, self._total, self._done = "", 0, 0
        self._started = self._drawn = 0.0

    def start(self, label: str, total: int) -> None:
        self._label, self._total, self._done = label, total, 0
        self._started = self._drawn = time.monotonic()

    def advance(self, count: int) -> None:
        self._done += count
        now = time.monotonic()
        if self._showing and self.tty and now - self._drawn >= 0.1:
            self._drawn = now
            percent = 100 * self._done // max(self._total, 1)
            self.stream.write(f"\r{self._label}: {self._done}/{self._total} ({percent}%)")
            self.stream.flush()

    def finish(self, detail: str = "") -> None:
        if not self._showing:
            return
        seconds = time.monotonic() - self._started
        line = f"{self._label}: {self._total} in {seconds:.1f} s{detail}"
        self.stream.write(f"\r{line}\033[K\n" if self.tty else f"{line}\n")
        self.stream.flush()

    @property
    def _showing(self) -> bool:
        return self.enabled and self._total >= LONG
