"""Finding what the browser checks need: Chromium, axe-core and Playwright.

Nothing here skips: when a tool is missing, `require_tools` raises with a message that says how
to install it (the command prints it and exits 2; the test suite fails with it).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import scrutiny

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
AXE_IN_NODE_MODULES = Path("node_modules", "axe-core", "axe.min.js")
# A checkout of scrutiny (an editable install) has its own pinned axe-core beside src/.
CHECKOUT = Path(scrutiny.__file__).resolve().parents[2]


def chromium() -> Path | None:
    """SCRUTINY_CHROMIUM if set, else Debian's /usr/bin/chromium, else one on the PATH."""
    if named := os.environ.get("SCRUTINY_CHROMIUM"):
        return Path(named) if Path(named).is_file() else None
    if DEBIAN_CHROMIUM.exists():
        return DEBIAN_CHROMIUM
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found else None


def axe_script() -> Path | None:
    """SCRUTINY_AXE_JS if set, else axe-core installed by npm here, else the checkout's."""
    if named := os.environ.get("SCRUTINY_AXE_JS"):
        return Path(named) if Path(named).is_file() else None
    for base in (Path.cwd(), CHECKOUT):
        if (base / AXE_IN_NODE_MODULES).is_file():
            return base / AXE_IN_NODE_MODULES
    return None


def missing_tools() -> list[str]:
    """One sentence per missing tool, each saying how to install it."""
    missing = []
    if chromium() is None:
        missing.append(
            "Chromium is not installed: on Debian or Ubuntu run `sudo apt-get install chromium` "
            "(or set SCRUTINY_CHROMIUM to the browser's path)"
        )
    if axe_script() is None:
        missing.append(
            "axe-core is not installed: run `npm install axe-core` in this folder "
            "(or set SCRUTINY_AXE_JS to its axe.min.js)"
        )
    if importlib.util.find_spec("playwright") is None:
        missing.append(
            "Playwright is not installed: run `pip install playwright` (it drives Chromium)"
        )
    return missing


def require_tools() -> None:
    """Raise RuntimeError naming every missing tool and how to install it."""
    missing = missing_tools()
    if missing:
        raise RuntimeError(
            "the browser checks cannot run: "
            + "; ".join(missing)
            + ". In scrutiny's own repository, `bash dev.sh test` installs all three."
        )
