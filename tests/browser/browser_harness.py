"""The browser sweep the tests use is scrutiny's own (`scrutiny check --browser` runs it too):
see src/scrutiny/check/browser.py."""

from scrutiny.check.browser import (
    CHECKS,
    DESKTOP,
    PageReport,
    launch,
    require_tools,
    run_sweep,
    serve,
    watch,
)

__all__ = [
    "CHECKS",
    "DESKTOP",
    "PageReport",
    "launch",
    "require_tools",
    "run_sweep",
    "serve",
    "watch",
]
