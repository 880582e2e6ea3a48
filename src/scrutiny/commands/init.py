"""`scrutiny init DIR`: start a council's own site repository, ready to validate and build.

Like `mkdocs new` or `hugo new site`: the new folder holds the council's settings, the standard
schemas with empty tables, draft pages, a build script and the publishing workflow, and depends
on a pinned release of scrutiny (requirements.txt). It never writes into a folder that already
has files in it, and never overwrites a file.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from scrutiny import install_requirement
from scrutiny.commands import EXIT_OK, Parser, option
from scrutiny.problems import UsageError
from scrutiny.skeleton import Council, new_site

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL = re.compile(r"^https?://\S+$")
PLACEHOLDER_EMAIL = "democratic.services@example.org"
# A folder holding only these is still empty enough: a repository just cloned from GitHub.
IGNORED_IN_EMPTY = {".git"}


PARSER = Parser(
    "start a new site for a council",
    "Create a new scrutiny site in DIR: settings, empty tables with the standard schemas, draft "
    "About and accessibility pages, and a GitHub workflow that publishes it. Run in a terminal "
    "without --council-name, it asks for each detail.",
    (
        option("directory", metavar="DIR", help="the new site's folder (new or empty)"),
        option("--council-name", help="e.g. 'Testshire County Council'"),
        option(
            "--council-id", help="a short lowercase id, e.g. testshire (default: from the name)"
        ),
        option("--contact-email", help="where the public can write about the site"),
        option("--website", help="the council's website address (optional)"),
        option(
            "--from",
            dest="requirement",
            metavar="SPEC",
            help="what the site installs scrutiny from, as pip understands it "
            f"(default: {install_requirement()})",
        ),
    ),
)


def run(args: argparse.Namespace) -> int:
    target = Path(args.directory)
    _refuse_if_not_empty(target, args.directory)
    # Asked for in a terminal only when the name is not given: with options, it never waits.
    ask = _asker() if sys.stdin.isatty() and not args.council_name else None
    council = _council(args, ask)
    requirement = _one_line(args.requirement or install_requirement(), "--from")
    files = new_site(council, requirement)
    write_new(target, files)
    _report(target, args.directory, council, requirement)
    return EXIT_OK


def write_new(target: Path, files: dict[PurePosixPath, bytes]) -> None:
    """Create every file, refusing to replace one; on any failure remove what was created."""
    created: list[Path] = []
    made_root = not target.exists()
    try:
        target.mkdir(parents=True, exist_ok=True)
        for relative, data in files.items():
            path = target.joinpath(*relative.parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("xb") as handle:  # "x": never overwrite
                created.append(path)
                handle.write(data)
    except BaseException:
        for path in reversed(created):
            path.unlink(missing_ok=True)
        for folder in sorted({p.parent for p in created}, key=lambda p: -len(p.parts)):
            if folder != target and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        if made_root and target.is_dir() and not any(target.iterdir()):
            target.rmdir()
        raise


def _refuse_if_not_empty(target: Path, shown: str) -> None:
    if target.exists() and not target.is_dir():
        raise UsageError(f"{shown} is a file; give the name of a new or empty folder")
    if target.is_dir():
        present = sorted(p.name for p in target.iterdir() if p.name not in IGNORED_IN_EMPTY)
        if present:
            listed = ", ".join(present[:5]) + (", ..." if len(present) > 5 else "")
            raise UsageError(
                f"{shown} is not empty (it has {listed}); nothing was written. scrutiny init "
                "only creates a site in a new or empty folder, so it never overwrites a file: "
                "give a new folder name."
            )


def _council(args: argparse.Namespace, ask: Callable[[str, str], str] | None) -> Council:
    name = (args.council_name or "").strip()
    if not name and ask:
        name = ask("Council name (e.g. Testshire County Council)", "").strip()
    if not name:
        raise UsageError("give the council's name with --council-name 'Testshire County Council'")
    name = _one_line(name, "--council-name")
    council_id = args.council_id or (ask("Council id", slug(name)) if ask else slug(name))
    if not SLUG.match(council_id):
        raise UsageError(
            f"--council-id '{council_id}' is not an id: use lowercase letters, digits and "
            "hyphens, starting with a letter or digit (e.g. testshire)"
        )
    email = args.contact_email or (
        ask("Contact email for the site", PLACEHOLDER_EMAIL) if ask else PLACEHOLDER_EMAIL
    )
    if not EMAIL.match(email):
        raise UsageError(f"--contact-email '{email}' is not an email address")
    website = args.website or (ask("Council website (optional)", "") if ask else "")
    if website and not URL.match(website):
        raise UsageError(f"--website '{website}' must start with https:// or http://")
    return Council(name, council_id, email, website)


def slug(name: str) -> str:
    """'Testshire County Council' -> 'testshire-county-council'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "council"


def _one_line(text: str, option: str) -> str:
    if "\n" in text or "\r" in text:
        raise UsageError(f"{option} must be on one line")
    return text.strip()


def _asker() -> Callable[[str, str], str]:
    def ask(question: str, default: str) -> str:
        shown = f" [{default}]" if default else ""
        answer = input(f"{question}{shown}: ").strip()
        return answer or default

    return ask


def _report(target: Path, shown: str, council: Council, requirement: str) -> None:
    where = shown if os.path.isabs(shown) else os.path.normpath(shown)
    lines = [
        f"Created a scrutiny site for {council.name} in {where}/.",
        f"It installs {requirement} (requirements.txt).",
        "",
        "Next:",
        f"  cd {where}",
        "  1. Complete the draft pages in content/pages/ (about.md, accessibility.md).",
        "  2. Add your committees to datasets/committees.csv.",
        "  3. scrutiny new meeting --committee <committee_id> --date YYYY-MM-DD",
        "  4. scrutiny validate, then scrutiny serve to preview.",
        "  5. Push to GitHub and set Settings > Pages > Source to GitHub Actions.",
    ]
    if council.contact_email == PLACEHOLDER_EMAIL:
        lines.insert(2, f"Change contact_email in site.yaml: it is {PLACEHOLDER_EMAIL} for now.")
    print("\n".join(lines))
