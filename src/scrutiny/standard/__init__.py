"""The scrutiny data standard: the Table Schemas and data package every site starts from.

The files beside this module are the standard as this version of scrutiny ships it.
`scrutiny init` copies them into a new site's `datasets/`; from then on the site owns its copy
(it may add a column or a table of its own), and `datasets/standard.yaml` records which version
of the standard the copy came from, with a fingerprint of each schema as the standard wrote it.
`scrutiny validate` compares a site with the installed standard (`standard.status`) and
`scrutiny upgrade` brings it forward (`standard.upgrade`).

VERSION changes only when the schemas or the package change: MAJOR when a site's data would
need editing (a column renamed, a new required column), MINOR when it would not (a new optional
column, a new table, a looser constraint).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

VERSION = "1.1"
STANDARD_DIR = Path(__file__).parent
SCHEMAS_DIR = STANDARD_DIR / "schemas"
DATAPACKAGE = STANDARD_DIR / "datapackage.yaml"
SCHEMA_SUFFIX = ".schema.yaml"


def version_key(version: str) -> tuple[int, ...]:
    """'1.10' sorts after '1.9'; anything unreadable sorts first (treated as oldest)."""
    try:
        return tuple(int(part) for part in str(version).split("."))
    except ValueError:
        return ()


def schema_paths() -> dict[str, Path]:
    """Each standard table's name and its schema file, in the package's order."""
    return {name: SCHEMAS_DIR / f"{name}{SCHEMA_SUFFIX}" for name in table_names()}


def table_names() -> list[str]:
    return [resource["name"] for resource in datapackage()["resources"]]


def datapackage() -> dict[str, Any]:
    return yaml.safe_load(DATAPACKAGE.read_text(encoding="utf-8"))


def schema(name: str) -> dict[str, Any]:
    return yaml.safe_load(schema_paths()[name].read_text(encoding="utf-8"))


def fingerprint(schema: dict[str, Any]) -> str:
    """A short hash of what a schema says (not how it is laid out), so re-indenting a schema or
    a checkout's line endings never count as a change."""
    canonical = json.dumps(schema, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def fingerprints() -> dict[str, str]:
    """The fingerprint of every standard schema."""
    return {name: fingerprint(schema(name)) for name in table_names()}
