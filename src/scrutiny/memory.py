"""Loading a large project allocates millions of small, long-lived, acyclic objects (cells,
rows, records). CPython's cyclic garbage collector would scan them again and again as they
are made, which costs a third of the loading time on large tables, so it is paused while
they are made and they are then frozen out of its view (gc.freeze), which also keeps forked
worker processes from copying the pages that hold them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def bulk_allocation() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
