"""Typing only the rows that changed: the preview's tables, read again after each save.

`LastReads` keeps, in memory, the last clean read of each table the preview read as text:
its cells row by row, its typed rows and, once the model is made, its records. When the table
is read again with the same header and the same rows on the same lines but a few rows' cells
changed, only those rows are typed (by the very checks of `check_table`) and made into
records; the primary key and `unique` fields are still checked over the whole table. If a
changed row has a problem, the whole table is checked as usual, so the problems reported
are exactly those of a full check: a one-cell edit of a 57,600-row table types one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, count
from operator import itemgetter, ne
from typing import Any

from scrutiny.model import Model
from scrutiny.model.records import Record, make_records
from scrutiny.problems import Problem
from scrutiny.schema.package import DataPackage, Table
from scrutiny.validate.keys import Records, key_problems
from scrutiny.validate.structure import CsvText
from scrutiny.validate.tables import check_table

RETYPED_AT_MOST = 256  # rows changed; past this a full check costs little more


@dataclass
class _LastRead:
    header: list[str]
    cells: list[tuple[str, ...]]
    lines: Sequence[int]
    rows: Records
    records: tuple[Record, ...] | None = None  # the model's records of these rows, but...
    stale: frozenset[int] = frozenset()  # ...those of the rows retyped since it made them


class LastReads:
    """The last clean read of each table, by name (see the module's docstring)."""

    def __init__(self) -> None:
        self._tables: dict[str, _LastRead] = {}

    def check(self, table: Table, text: CsvText, shown: str) -> tuple[Records, list[Problem]]:
        """What `check_table(table, text, shown)` gives, typing only the changed rows when
        the last read allows."""
        cells = list(zip(*text.columns, strict=True))
        last = self._tables.pop(table.name, None)
        retyped = self._retyped(table, text, cells, last, shown) if last else None
        if retyped is None:
            rows, problems = check_table(table, text, shown)
            read = _LastRead(text.header, cells, text.lines, rows)
        else:
            assert last is not None
            rows, problems, changed = retyped
            stale = last.stale | frozenset(changed)
            read = _LastRead(text.header, cells, text.lines, rows, last.records, stale)
        if text.complete and not problems:
            self._tables[table.name] = read
        return rows, problems

    def _retyped(
        self,
        table: Table,
        text: CsvText,
        cells: list[tuple[str, ...]],
        last: _LastRead,
        shown: str,
    ) -> tuple[Records, list[Problem], list[int]] | None:
        if (
            not text.complete
            or text.header != last.header
            or len(cells) != len(last.cells)
            or list(text.lines) != list(last.lines)
        ):
            return None
        changed = list(compress(count(), map(ne, cells, last.cells)))
        if len(changed) > RETYPED_AT_MOST:
            return None
        few = CsvText.from_rows(
            text.header, [list(cells[i]) for i in changed], [text.lines[i] for i in changed]
        )
        typed, found = check_table(table, few, shown)
        if found:  # worded by a full check, exactly as it would be without this one
            return None
        rows = list(last.rows)
        for index, row in zip(changed, typed, strict=True):
            rows[index] = row
        return rows, _key_problems(table, rows, text.lines, shown), changed

    def records(self, table: Table, rows: Records) -> tuple[Record, ...] | None:
        """The records of `rows`, the typed rows this table's last `check` gave, made again
        for the retyped rows alone; None when they must all be made."""
        last = self._tables.get(table.name)
        if last is None or last.rows is not rows or last.records is None:
            return None
        records = list(last.records)
        stale = sorted(last.stale)
        for index, record in zip(stale, make_records(table, [rows[i] for i in stale]), strict=True):
            records[index] = record
        return tuple(records)

    def model(self, package: DataPackage, rows: dict[str, Records], previous: Model) -> Model:
        """`Model(package, rows, previous)`, with the records of unchanged rows kept."""
        given = [(table, rows[table.name]) for table in package.tables if table.name in rows]
        ready = {table.name: self.records(table, typed) for table, typed in given}
        model = Model(package, rows, previous, {k: v for k, v in ready.items() if v is not None})
        for table, typed in given:
            last = self._tables.get(table.name)
            if last is not None and last.rows is typed:
                last.records, last.stale = model.tables[table.name], frozenset()
        return model


def _key_problems(table: Table, rows: Records, lines: Sequence[int], shown: str) -> list[Problem]:
    """key_problems over the whole table, from its typed rows."""
    names = {*table.primary_key, *(f.name for f in table.fields if f.constraints.get("unique"))}
    columns: dict[str, Sequence[Any]] = {name: list(map(itemgetter(name), rows)) for name in names}
    return key_problems(table, columns, lines, shown)
