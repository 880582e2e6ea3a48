"""The SQLite download, `data/scrutiny.db`: every table with its declared types, primary and
foreign keys, full-text search, and the views a journalist would otherwise write.

Made with sqlite-utils in memory, vacuumed, and serialised, so the same data gives the same
bytes. It opens in Datasette as it is (`datasette scrutiny.db`), which finds the full-text
indexes and the views by itself. See docs/using-the-database.md.
"""

from __future__ import annotations

import graphlib
import hashlib
import html
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from operator import attrgetter
from pathlib import Path
from typing import Any

import nh3
import sqlite_utils

from scrutiny.documents import Document
from scrutiny.incremental.cache import KeptValues, digest, recall_file, remember_file
from scrutiny.outputs import OnDisk
from scrutiny.schema.package import DataPackage, Table
from scrutiny.schema.types import to_json

DATABASE_NAME = "scrutiny.db"
DATED = frozenset(("date", "time", "datetime"))  # typed as Python dates and times
SQLITE_TYPES = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": int,
    "date": str,
    "time": str,
    "datetime": str,
    "year": int,
}
# Tables searchable by full text, and their text columns (porter stemming: "meet" finds
# "meetings"). The minutes are a table of their own, made from content/minutes/.
SEARCHABLE = {
    "minutes": ["text"],
    "decisions": ["text"],
    "recommendations": ["text", "origin_title"],
    "agenda_items": ["title"],
}
MINUTES_COLUMNS = {"meeting_id": str, "title": str, "text": str, "source": str}


@dataclass(frozen=True)
class Kept:
    """What making the database keeps between builds: the minutes' plain text, by a hash of
    their HTML, and the file of every table but the minutes (most of its bytes and time),
    in `folder` by `tables_key` (a hash of what the tables are made from; None: not kept)."""

    texts: KeptValues = field(default_factory=KeptValues)
    folder: Path | None = None
    tables_key: str | None = None


TABLES_FILE = "tables.db"  # the file kept: the tables and their full-text indexes


def database_file(
    package: DataPackage,
    tables: Mapping[str, Sequence[Any]],
    minutes: Mapping[str, Document],
    member_roles: Sequence[str],
    kept: Kept | None = None,
    folder: Path | None = None,
) -> OnDisk:
    """The whole database as a SQLite file, made in a temporary file in `folder` (the build's
    scratch folder; by default the system's) rather than in memory (a county's is 140 MB), and
    removed once the build no longer refers to it.

    It is made in two steps, each on the file as the last left it, so that keeping the first
    step's file changes no byte: the tables with their full-text indexes (taken from `kept`
    when the tables are unchanged), then the minutes, the views and a vacuum."""
    kept = kept or Kept()
    handle, name = tempfile.mkstemp(prefix="scrutiny-", suffix=".db", dir=folder)
    os.close(handle)
    path = Path(name)
    try:
        key = kept.tables_key
        if key is None or not recall_file(kept.folder, TABLES_FILE, key, path):
            path.write_bytes(b"")  # whatever a failed recall left
            _write_tables(path, package, tables)
            if key is not None:
                remember_file(kept.folder, TABLES_FILE, key, path)
        _write_minutes(path, tables, minutes, member_roles, kept.texts)
        sha256 = hashlib.sha256()
        with path.open("rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                sha256.update(block)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return OnDisk(path, path.stat().st_size, sha256.hexdigest())


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = OFF")  # a scratch file: nothing to recover
    connection.execute("PRAGMA synchronous = OFF")
    return connection


def _write_tables(path: Path, package: DataPackage, tables: Mapping[str, Sequence[Any]]) -> None:
    connection = _connect(path)
    db = sqlite_utils.Database(connection)
    for table in _referenced_first(package):
        _create(db, table, package)
        _insert(connection, table.name, table.field_names, _values(table, tables))
    for name, columns in SEARCHABLE.items():
        if name != "minutes" and name in db.table_names():
            db[name].enable_fts(columns, tokenize="porter", create_triggers=False)
    connection.commit()
    connection.close()


def _write_minutes(
    path: Path,
    tables: Mapping[str, Sequence[Any]],
    minutes: Mapping[str, Document],
    member_roles: Sequence[str],
    texts: KeptValues,
) -> None:
    connection = _connect(path)
    db = sqlite_utils.Database(connection)
    if "meetings" in tables:
        db["minutes"].create(
            MINUTES_COLUMNS, pk="meeting_id", foreign_keys=[("meeting_id", "meetings")]
        )
        db["minutes"].insert_all(_minutes_rows(minutes, tables["meetings"], texts))
        db["minutes"].enable_fts(SEARCHABLE["minutes"], tokenize="porter", create_triggers=False)
    for name, sql in views(member_roles).items():
        if all(t in db.table_names() for t in VIEW_TABLES[name]):
            db.create_view(name, sql)
    connection.commit()
    connection.execute("VACUUM")
    connection.close()


def _referenced_first(package: DataPackage) -> list[Table]:
    """The tables in an order that creates each one after the tables its foreign keys name
    (SQLite checks that they exist); the package's order where keys allow any."""
    needs = {
        t.name: {fk.resource for fk in t.foreign_keys if fk.resource != t.name}
        for t in package.tables
    }
    try:
        order = list(graphlib.TopologicalSorter(needs).static_order())
    except graphlib.CycleError:  # tables that refer to each other: SQLite accepts either
        return list(package.tables)
    return sorted(package.tables, key=lambda t: order.index(t.name))


def _create(db: sqlite_utils.Database, table: Table, package: DataPackage) -> None:
    """The table with its columns' types, its primary key and its foreign keys (sqlite-utils
    declares single-column keys; a composite one is added to the statement it writes)."""
    columns = {f.name: SQLITE_TYPES.get(f.type, str) for f in table.fields}
    single = [
        (fk.fields[0], fk.resource, fk.reference_fields[0])
        for fk in table.foreign_keys
        if len(fk.fields) == 1
    ]
    not_null = {f.name for f in table.fields if f.required or f.name in table.primary_key}
    pk = table.primary_key[0] if len(table.primary_key) == 1 else table.primary_key
    sql = db.create_table_sql(
        table.name, columns, pk=pk or None, foreign_keys=single, not_null=not_null
    )
    composite = [
        f"   FOREIGN KEY({_names(fk.fields)}) REFERENCES [{fk.resource}]"
        f"({_names(fk.reference_fields)})"
        for fk in table.foreign_keys
        if len(fk.fields) > 1
    ]
    if composite:
        body, end = sql.rstrip().rsplit(")", 1)
        sql = body.rstrip() + ",\n" + ",\n".join(composite) + "\n)" + end
    db.execute(sql)


def _values(table: Table, tables: Mapping[str, Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """Each record's values as SQLite takes them: dates and times as ISO text (as in the JSON
    downloads), the rest as they are. Taken in C, column by column where nothing is dated:
    a county has 385,000 records."""
    records = tables.get(table.name, ())
    names = table.field_names
    dated = [i for i, field in enumerate(table.fields) if field.type in DATED]
    if len(names) == 1:
        return ([to_json(getattr(r, names[0]))] for r in records)
    values = map(attrgetter(*names), records)
    if not dated:
        return values
    return (_iso(row, dated) for row in values)


def _iso(row: tuple[Any, ...], dated: list[int]) -> list[Any]:
    values = list(row)
    for i in dated:
        values[i] = to_json(values[i])
    return values


def _insert(
    connection: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable[list]
) -> None:
    """The rows, in one prepared statement: sqlite-utils' insert_all converts every value
    in Python and took most of the database's time at county size (385,000 rows)."""
    marks = ", ".join("?" * len(columns))
    connection.executemany(f"INSERT INTO [{table}] ({_names(columns)}) VALUES ({marks})", rows)


def _names(fields: Sequence[str]) -> str:
    return ", ".join(f"[{f}]" for f in fields)


def _minutes_rows(
    minutes: Mapping[str, Document], meetings: Sequence[Any], texts: KeptValues
) -> list[dict]:
    known = {m.meeting_id for m in meetings}
    return [
        {
            "meeting_id": meeting_id,
            "title": doc.title,
            "text": texts.get(digest(doc.html.encode()), partial(plain_text, doc.html)),
            "source": str(doc.meta.get("source") or doc.source_path),
        }
        for meeting_id, doc in sorted(minutes.items())
        if meeting_id in known
    ]


def plain_text(markup: str) -> str:
    """The text of sanitised HTML, for full-text search."""
    return html.unescape(nh3.clean(markup, tags=set())).strip()


VIEW_TABLES = {
    "attendance_rates": ("attendance", "meetings", "people", "committees"),
    "latest_rag": ("recommendations", "recommendation_updates"),
    "indicator_latest": ("indicators", "observations"),
}


def views(member_roles: Sequence[str]) -> dict[str, str]:
    """Each view's SQL, with a comment that Datasette shows beside its definition."""
    roles = ", ".join(f"'{r}'" for r in member_roles)
    return {
        "attendance_rates": f"""
-- Attendance per councillor per committee, as on the person pages: meetings where a
-- substitute replaced the member do not count against them; a held meeting with no
-- attendance recorded at all is 'not recorded', not an absence. percent is rounded half up.
WITH member_rows AS (
  SELECT a.person_id, m.committee_id, a.status,
         EXISTS (SELECT 1 FROM attendance s
                 WHERE s.meeting_id = a.meeting_id AND s.substitute_for = a.person_id)
           AND a.status != 'present' AS substituted
  FROM attendance a JOIN meetings m ON m.meeting_id = a.meeting_id
  WHERE a.role IN ({roles})
), counts AS (
  SELECT person_id, committee_id,
         SUM(status = 'present') AS attended,
         SUM(status = 'apologies' AND NOT substituted) AS apologies,
         SUM(status = 'absent' AND NOT substituted) AS absent,
         SUM(substituted) AS substituted
  FROM member_rows GROUP BY person_id, committee_id
)
SELECT c.person_id, p.name AS person_name, c.committee_id, k.name AS committee_name,
       c.attended, c.apologies, c.absent, c.substituted,
       c.attended + c.apologies + c.absent AS expected,
       CASE WHEN c.attended + c.apologies + c.absent > 0
            THEN (200 * c.attended + c.attended + c.apologies + c.absent)
                 / (2 * (c.attended + c.apologies + c.absent)) END AS percent,
       (SELECT COUNT(*) FROM meetings h
        WHERE h.committee_id = c.committee_id AND h.status = 'held'
          AND NOT EXISTS (SELECT 1 FROM attendance x WHERE x.meeting_id = h.meeting_id))
         AS not_recorded
FROM counts c JOIN people p ON p.person_id = c.person_id
JOIN committees k ON k.committee_id = c.committee_id
ORDER BY c.person_id, c.committee_id""",
        "latest_rag": """
-- The latest RAG rating of each recommendation ('not-rated' when it has no update yet).
SELECT r.recommendation_id, r.council_id, r.committee_id, r.ref, r.text,
       u.as_at AS latest_as_at, COALESCE(u.rag, 'not-rated') AS rag, u.commentary, u.source
FROM recommendations r
LEFT JOIN recommendation_updates u ON u.recommendation_id = r.recommendation_id
  AND u.as_at = (SELECT MAX(as_at) FROM recommendation_updates l
                 WHERE l.recommendation_id = r.recommendation_id)
ORDER BY r.recommendation_id""",
        "indicator_latest": """
-- The latest actual value of each indicator against its target, as on the indicator
-- pages: the target is the latest one dated on or before the latest actual; status is
-- 'met', 'not met' or 'no target' (also for neutral indicators, where no direction is better).
WITH latest AS (
  SELECT o.* FROM observations o
  WHERE o.series = 'actual' AND o.period_end = (
    SELECT MAX(period_end) FROM observations l
    WHERE l.indicator_id = o.indicator_id AND l.series = 'actual')
), due AS (
  SELECT t.* FROM observations t JOIN latest a ON a.indicator_id = t.indicator_id
  WHERE t.series = 'target' AND t.period_end = (
    SELECT MAX(period_end) FROM observations l
    WHERE l.indicator_id = t.indicator_id AND l.series = 'target'
      AND l.period_end <= a.period_end)
)
SELECT i.indicator_id, i.council_id, i.name, i.unit, i.polarity,
       a.period_end AS latest_period_end, a.period_label AS latest_period_label,
       a.value AS latest_value, t.period_end AS target_period_end, t.value AS target_value,
       CASE WHEN a.value IS NULL OR t.value IS NULL OR i.polarity = 'neutral' THEN 'no target'
            WHEN (i.polarity = 'higher-is-better' AND a.value >= t.value)
              OR (i.polarity = 'lower-is-better' AND a.value <= t.value) THEN 'met'
            ELSE 'not met' END AS status
FROM indicators i
LEFT JOIN latest a ON a.indicator_id = i.indicator_id
LEFT JOIN due t ON t.indicator_id = i.indicator_id
ORDER BY i.indicator_id""",
    }
