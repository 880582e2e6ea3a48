"""Bring a site's schemas up to the installed standard without losing a row or a local change.

For each table of the standard that the site has:

- a schema as the standard wrote it (its fingerprint matches the site's record) is replaced by
  the new standard's file;
- a schema the site has changed is kept; the standard's columns it lacks are added to it, and
  the rest of the difference is reported, never overwritten;
- the table's CSV gets every added column (empty in every row) in the schema's order; no row
  and no value is dropped. A column the new schema would drop while the CSV still has values in
  it keeps the table as it was, and says so.

The plan is made here and written by the command (commands/upgrade.py), so `--dry-run` shows
the same report.
"""

from __future__ import annotations

import codecs
import copy
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scrutiny import standard
from scrutiny.project import Project
from scrutiny.schema.package import Table, load_package
from scrutiny.standard.record import Record, read_record, record_path, record_text


@dataclass
class Plan:
    """The files to write (path -> new bytes) and what to tell the council, line by line."""

    writes: dict[Path, bytes] = field(default_factory=dict)
    said: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # local changes left alone


def plan_upgrade(project: Project) -> Plan:
    package = load_package(project)
    record = read_record(project)
    recorded = record.fingerprints if record else {}
    plan = Plan()
    prints = {}
    site_tables = {t.name: t for t in package.tables}
    for name in standard.table_names():
        table = site_tables.get(name)
        if table is None:
            plan.said.append(
                f"The standard has a table '{name}' that this site does not; it was not added "
                f"(see docs/upgrading.md to add it)."
            )
            continue
        prints[name] = _upgrade_table(project, table, recorded.get(name), plan)
    version = standard.VERSION
    new_record = Record(version, {**recorded, **prints})
    if record != new_record:
        plan.writes[record_path(project)] = record_text(new_record).encode("utf-8")
        before = f"version {record.version}" if record else "no recorded version"
        plan.said.append(
            f"Recorded version {version} of the standard in "
            f"{project.relative(record_path(project))} (was {before})."
        )
    return plan


def _upgrade_table(project: Project, table: Table, recorded: str | None, plan: Plan) -> str:
    """Plan one table's schema and CSV; returns the fingerprint to record for it."""
    shown = project.relative(table.schema_path)
    site_text = table.schema_path.read_text(encoding="utf-8")
    site = yaml.safe_load(site_text)
    new = standard.schema(table.name)
    new_print = standard.fingerprint(new)
    current = standard.fingerprint(site)
    if current == new_print:
        return new_print
    pristine = recorded is not None and current == recorded
    target = new if pristine else _with_missing_fields(site, new)
    if not pristine:
        plan.kept.append(
            f"{shown}: kept your changes (it differs from the standard: {_differences(site, new)})."
        )
    added = [n for n in _names(target) if n not in _names(site)]
    dropped = [n for n in _names(site) if n not in _names(target)]
    try:
        csv_bytes = _rewrite_csv(table, _names(site), _names(target))
    except _Skip as skip:
        plan.kept.append(f"{project.relative(table.path)}: left as it was: {skip}")
        return recorded or new_print
    if pristine:
        plan.writes[table.schema_path] = standard.schema_paths()[table.name].read_bytes()
        plan.said.append(f"{shown}: updated to the standard's version {standard.VERSION}.")
    elif added:
        plan.writes[table.schema_path] = _dump(target).encode("utf-8")
    for name in added:
        required = " (required: fill it in on every row)" if _required(target, name) else ""
        plan.said.append(f"{shown}: added the column '{name}'{required}.")
    for name in dropped:
        plan.said.append(f"{shown}: removed the empty column '{name}'.")
    if added or dropped or _names(site) != _names(target):
        plan.writes[table.path] = csv_bytes
        plan.said.append(
            f"{project.relative(table.path)}: columns now {', '.join(_names(target))}; "
            "every row kept."
        )
    # A kept local change is recorded against the new standard, so it still shows as changed.
    return new_print


def _names(schema: dict[str, Any]) -> list[str]:
    return [f["name"] for f in schema.get("fields", [])]


def _required(schema: dict[str, Any], name: str) -> bool:
    spec = next(f for f in schema["fields"] if f["name"] == name)
    return bool(spec.get("constraints", {}).get("required"))


def _with_missing_fields(site: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The site's schema plus the standard's fields it lacks, each placed after the field it
    follows in the standard (or first)."""
    merged = copy.deepcopy(site)
    fields = merged.setdefault("fields", [])
    for index, spec in enumerate(new["fields"]):
        names = [f["name"] for f in fields]
        if spec["name"] in names:
            continue
        before = [f["name"] for f in new["fields"][:index] if f["name"] in names]
        at = names.index(before[-1]) + 1 if before else 0
        fields.insert(at, copy.deepcopy(spec))
    return merged


def _differences(site: dict[str, Any], new: dict[str, Any]) -> str:
    ours, theirs = _names(site), _names(new)
    parts = []
    if own := [n for n in ours if n not in theirs]:
        parts.append(f"your own column(s) {', '.join(own)}")
    changed = [
        n
        for n in ours
        if n in theirs
        and next(f for f in site["fields"] if f["name"] == n)
        != next(f for f in new["fields"] if f["name"] == n)
    ]
    if changed:
        parts.append(f"changed column(s) {', '.join(changed)}")
    rest = {k for k in site.keys() | new.keys() if k != "fields" and site.get(k) != new.get(k)}
    if rest:
        parts.append(f"different {', '.join(sorted(rest))}")
    return "; ".join(parts) or "column order"


class _Skip(Exception):
    """A table that cannot be upgraded safely; the message says why and what to do."""


def _rewrite_csv(table: Table, old: list[str], new: list[str]) -> bytes:
    """The CSV with its columns in the new order (added ones empty). Every row is kept, in
    order; a dropped column that still holds values, or a header that does not match the
    schema, stops the table's upgrade (_Skip)."""
    original = table.path.read_bytes()
    bom = original.startswith(codecs.BOM_UTF8)
    text = original.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or rows[0] != old:
        raise _Skip(
            "its header does not match its schema. Run `scrutiny validate`, fix what it says, "
            "then run `scrutiny upgrade` again."
        )
    body = rows[1:]
    dropped = [n for n in old if n not in new]
    if any(row[old.index(n)].strip() for row in body for n in dropped if old.index(n) < len(row)):
        raise _Skip(
            f"the new standard drops the column(s) {', '.join(dropped)}, which still hold "
            "values. Move those values elsewhere, then run `scrutiny upgrade` again."
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(new)
    for row in body:
        values = dict(zip(old, row, strict=False))
        writer.writerow([values.get(name, "") for name in new])
    return (codecs.BOM_UTF8 if bom else b"") + out.getvalue().encode("utf-8")


def _dump(schema: dict[str, Any]) -> str:
    return yaml.safe_dump(schema, sort_keys=False, allow_unicode=True, width=100)
