"""The files `scrutiny init` writes besides the data: settings, draft pages, build and workflow.

They live in `files/` as the site will have them, with two differences: a name starting with
`dot-` is written with a leading dot (`dot-gitignore` becomes `.gitignore`; the packaging tools
leave dot-files out of a wheel), and `%%name%%` marks a value `init` fills in.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from scrutiny import REPOSITORY, __version__, standard
from scrutiny.standard.record import RECORD_NAME, Record, record_text

FILES = Path(__file__).parent / "files"
PLACEHOLDER = re.compile(r"%%([a-z_]+)%%")


def skeleton_files(values: dict[str, str]) -> dict[PurePosixPath, str]:
    """Every skeleton file (its path in the new site -> its text), with the values filled in."""
    files = {}
    for path in sorted(p for p in FILES.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        parts = [
            part.replace("dot-", ".", 1) if part.startswith("dot-") else part
            for part in path.relative_to(FILES).parts
        ]
        files[PurePosixPath(*parts)] = fill(path.read_text(encoding="utf-8"), values)
    return files


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each %%name%%; a name without a value is a bug in scrutiny, so it raises."""
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


@dataclass(frozen=True)
class Council:
    """What `init` asks for."""

    name: str
    council_id: str
    contact_email: str
    website: str = ""


def new_site(council: Council, requirement: str) -> dict[PurePosixPath, bytes]:
    """Every file of a new site, ready to write: the skeleton, the standard's schemas and
    package, a header-only CSV for each table (the council's own row in councils.csv), and the
    record of the standard's version."""
    values = {
        "title": _yaml(f"{council.name} scrutiny committees"),
        "title_markdown": _markdown(f"{council.name} scrutiny committees"),
        "description": _yaml(
            f"Meetings, decisions, attendance, performance indicators and tracked "
            f"recommendations of {council.name}'s scrutiny committees."
        ),
        "publisher": _yaml(council.name),
        "contact_email": _yaml(council.contact_email),
        "contact_email_markdown": _markdown(council.contact_email),
        "council_id": council.council_id,
        "council_markdown": _markdown(council.name),
        "requirement": requirement,
        "repository": REPOSITORY,
        "version": __version__,
    }
    files = {path: text.encode("utf-8") for path, text in skeleton_files(values).items()}
    datasets = PurePosixPath("datasets")
    package = standard.DATAPACKAGE.read_text(encoding="utf-8")
    title_line = f"title: {standard.datapackage()['title']}\n"
    assert title_line in package, "the standard's datapackage.yaml has no plain title line"
    package = package.replace(
        title_line, f"title: {_yaml(council.name + ' scrutiny committee records')}\n", 1
    )
    files[datasets / "datapackage.yaml"] = package.encode("utf-8")
    for name, path in standard.schema_paths().items():
        files[datasets / "schemas" / path.name] = path.read_bytes()
        rows = [council_row(council, standard.schema(name))] if name == "councils" else []
        files[datasets / f"{name}.csv"] = _csv(standard.schema(name), rows)
    record = Record(standard.VERSION, standard.fingerprints())
    files[datasets / RECORD_NAME] = record_text(record).encode("utf-8")
    return files


def council_row(council: Council, schema: dict[str, Any]) -> dict[str, str]:
    row = {
        "council_id": council.council_id,
        "name": council.name,
        "website": council.website,
        "source": council.website or "scrutiny init",
    }
    return {f["name"]: row.get(f["name"], "") for f in schema["fields"]}


def _csv(schema: dict[str, Any], rows: list[dict[str, str]]) -> bytes:
    names = [f["name"] for f in schema["fields"]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    writer.writerows([row[name] for name in names] for row in rows)
    return out.getvalue().encode("utf-8")


def _yaml(text: str) -> str:
    """A one-line YAML scalar, always quoted (a council's name may hold ':' or '#')."""
    return json.dumps(text, ensure_ascii=False)


def _markdown(text: str) -> str:
    """Text that Markdown shows as written (no emphasis, links or HTML)."""
    return re.sub(r"([\\`*_{}\[\]()<>#+!|~&])", r"\\\1", text)
