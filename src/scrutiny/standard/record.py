"""`datasets/standard.yaml`: which version of the standard a site's schemas came from.

The fingerprints are of each schema as the standard wrote it, so a schema whose fingerprint no
longer matches has been changed by the site, and `scrutiny upgrade` must not overwrite it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from scrutiny.problems import Problem, ProjectError
from scrutiny.project import Project

RECORD_NAME = "standard.yaml"
HEADER = """\
# The version of the scrutiny data standard this site's schemas follow, written by
# `scrutiny init` and `scrutiny upgrade`; please don't edit it by hand. Each fingerprint is of
# a schema as the standard wrote it, so scrutiny can tell a schema you have changed (which it
# will never overwrite) from one it can bring up to date for you.
"""


@dataclass(frozen=True)
class Record:
    version: str
    fingerprints: dict[str, str] = field(default_factory=dict)


def record_path(project: Project) -> Path:
    return project.datasets / RECORD_NAME


def read_record(project: Project) -> Record | None:
    """The site's record, or None for a site made before the standard was versioned."""
    path = record_path(project)
    if not path.is_file():
        return None
    shown = project.relative(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        reason = f"cannot be read ({error.__class__.__name__})"
        raise ProjectError([_problem(shown, reason)]) from None
    if not isinstance(data, dict) or not isinstance(data.get("version"), str | int | float):
        raise ProjectError([_problem(shown, "needs a `version:` line")])
    prints = data.get("fingerprints") or {}
    if not isinstance(prints, dict):
        raise ProjectError([_problem(shown, "`fingerprints:` must map table names to hashes")])
    return Record(str(data["version"]), {str(k): str(v) for k, v in prints.items()})


def record_text(record: Record) -> str:
    body = {"version": record.version, "fingerprints": dict(sorted(record.fingerprints.items()))}
    return HEADER + yaml.safe_dump(body, sort_keys=False, allow_unicode=True)


def _problem(shown: str, message: str) -> Problem:
    return Problem(
        shown,
        message=message,
        hint="Run `scrutiny upgrade` to write it again.",
        rule="standard",
    )
