"""How a site's schemas compare with the installed standard, as notes for `scrutiny validate`.

Nothing here is an error: a site owns its schemas and may change them. The notes say plainly
when the site follows an older version of the standard, or when a schema has been changed
since it came from the standard, and what to run about it.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from scrutiny import standard
from scrutiny.problems import Problem
from scrutiny.project import Project
from scrutiny.schema.package import DataPackage
from scrutiny.standard.record import Record, read_record, record_path

RULE = "standard"


def standard_notes(project: Project, package: DataPackage) -> list[Problem]:
    """What a council should know about its schemas and the installed standard."""
    record = read_record(project)
    shown = project.relative(record_path(project))
    if record is None:
        return [
            Problem(
                shown,
                message="this site does not record which version of the scrutiny data standard its "
                "schemas follow",
                hint=f"Run `scrutiny upgrade` to compare them with the installed standard "
                f"(version {standard.VERSION}) and record it.",
                rule=RULE,
            )
        ]
    notes = _version_notes(record, shown)
    for table in package.tables:
        recorded = record.fingerprints.get(table.name)
        if recorded is None:
            continue  # the site's own table: nothing to compare with
        if schema_fingerprint(table.schema_path) != recorded:
            notes.append(
                Problem(
                    project.relative(table.schema_path),
                    message=f"this schema has been changed here since it came from version "
                    f"{record.version} of the scrutiny data standard",
                    hint="Nothing to fix if the change was meant: `scrutiny upgrade` keeps it "
                    "and says what the standard changed.",
                    rule=RULE,
                )
            )
    return notes


def _version_notes(record: Record, shown: str) -> list[Problem]:
    site, installed = standard.version_key(record.version), standard.version_key(standard.VERSION)
    if site < installed:
        return [
            Problem(
                shown,
                field="version",
                message=f"this site's schemas follow version {record.version} of the scrutiny data "
                f"standard; the installed scrutiny has version {standard.VERSION}",
                hint="Run `scrutiny upgrade` to bring them up to date: it keeps every row and says "
                "what it changes.",
                rule=RULE,
            )
        ]
    if site > installed:
        return [
            Problem(
                shown,
                field="version",
                message=f"this site's schemas follow version {record.version} of the scrutiny data "
                f"standard, newer than the installed scrutiny knows ({standard.VERSION})",
                hint="Install the version of scrutiny named in requirements.txt.",
                rule=RULE,
            )
        ]
    return []


def schema_fingerprint(path: Path) -> str:
    return standard.fingerprint(yaml.safe_load(path.read_text(encoding="utf-8")))
