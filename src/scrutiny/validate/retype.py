"""Typing only the rows that changed: the preview's tables, read again after each save.

`LastReads` keeps, in memory, each table's file as it was when its typed rows were last proved
valid: its lines (a file with no quote in it has one row per line), and the typed rows and the
model's records of them once they are known. The preview primes it with every table as the
loaded model has it (`prime`), so even a table's first edit is typed row by row.

When a table is read again and its header and number of lines are the same, only the lines
that changed are read, by the very structure and value checks of a full read
(`structure.shape`, `check_table`), and made into records; the primary key and `unique`
fields are still checked over the whole table, and the joins and rules run as ever. If a
changed line has a problem, the whole file is read and checked as usual, so the problems
reported are exactly those of a full read: a one-cell edit of a 57,600-row table types one
row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, count
from operator import attrgetter, itemgetter, ne
from typing import Any

from scrutiny.incremental.keys import table_key
from scrutiny.model import Model
from scrutiny.model.records import Record, make_records
from scrutiny.problems import Problem
from scrutiny.schema.package import DataPackage, Table
from scrutiny.validate.keys import Records, key_problems
from scrutiny.validate.structure import BYTE_ORDER_MARK, CsvText, may_have_control, shape
from scrutiny.validate.tables import check_table

RETYPED_AT_MOST = 256  # lines changed; past this a full read costs little more


@dataclass(frozen=True)
class _LastRead:
    header: bytes
    lines: list[bytes]  # row i is on line i + 2
    rows: Records | None  # the typed rows, when a read gave them (else made from `records`)
    records: tuple[Record, ...] | None = None  # the model's records of these rows, but...
    stale: frozenset[int] = frozenset()  # ...those of the rows typed since it made them


class LastReads:
    """The last clean read of each table, by name (see the module's docstring)."""

    def __init__(self) -> None:
        self._tables: dict[str, _LastRead] = {}

    def prime(self, package: DataPackage, keys: Mapping[str, str], model: Model) -> None:
        """Remember every table as `model` has it, if its file is still the one validated
        under `keys` (the remembered key of each table, `Validated.keys`)."""
        for table in package.tables:
            data = _data(table)
            if data is not None and keys.get(table.name) == table_key(table, data):
                self._remember(table, data, None, model.tables[table.name])

    def knows(self, name: str) -> bool:
        """Whether the table's next read may type only its changed lines."""
        return name in self._tables

    def data(self, table: Table) -> bytes | None:
        """The table's file as it is now (None if missing), read once for `retyped` and for
        the full read, so both see the same bytes."""
        return _data(table)

    def remember(self, table: Table, data: bytes, rows: Records) -> None:
        """A full read of `data` proved `rows` valid."""
        self._remember(table, data, rows, None)

    def retyped(
        self, table: Table, data: bytes | None, shown: str
    ) -> tuple[Records, list[Problem], bool] | None:
        """What a full read of `data` gives (typed rows, problems, every row read), typing only
        the changed lines; None when the last read does not allow it."""
        last = self._tables.pop(table.name, None)
        if last is None or data is None:
            return None
        lines = _lines(data)
        if lines is None or lines[0] != last.header or len(lines) - 1 != len(last.lines):
            return None
        changed = list(compress(count(), map(ne, lines[1:], last.lines)))
        typed = self._typed(table, lines, changed, shown)
        if typed is None:
            return None
        rows = list(last.rows) if last.rows is not None else _rows_of(table, last.records)
        keys = _key_fields(table)
        same_keys = all(
            rows[index][name] == row[name]
            for index, row in zip(changed, typed, strict=True)
            for name in keys
        )
        for index, row in zip(changed, typed, strict=True):
            rows[index] = row
        # The last read had no repeated key: with the same keys, this one has none either.
        problems = [] if same_keys else _key_problems(table, rows, shown)
        if not problems:
            stale = last.stale | frozenset(changed)
            self._tables[table.name] = _LastRead(lines[0], lines[1:], rows, last.records, stale)
        return rows, problems, True

    def _typed(
        self, table: Table, lines: list[bytes], changed: list[int], shown: str
    ) -> Records | None:
        """The changed lines' typed rows, read and checked as a full read would; None if one
        has a problem (a full read then words it)."""
        if len(changed) > RETYPED_AT_MOST:
            return None
        if not changed:
            return []
        few = b"\n".join([lines[0], *(lines[1 + i] for i in changed)])
        try:
            text, problems = shape(few.decode("utf-8"), may_have_control(few), shown, table)
        except UnicodeDecodeError:
            return None
        if text is None or problems or not text.complete or len(text.lines) != len(changed):
            return None
        at_their_lines = CsvText(text.header, text.columns, [i + 2 for i in changed])
        typed, found = check_table(table, at_their_lines, shown)
        return None if found else typed

    def model(self, package: DataPackage, rows: dict[str, Records], previous: Model) -> Model:
        """`Model(package, rows, previous)`, with the records of unchanged rows kept."""
        given = [(table, rows[table.name]) for table in package.tables if table.name in rows]
        ready = {table.name: self._records(table, typed) for table, typed in given}
        model = Model(package, rows, previous, {k: v for k, v in ready.items() if v is not None})
        for table, typed in given:
            last = self._tables.get(table.name)
            if last is not None and last.rows is typed:
                records = model.tables[table.name]
                self._tables[table.name] = _LastRead(last.header, last.lines, typed, records)
        return model

    def _records(self, table: Table, rows: Records) -> tuple[Record, ...] | None:
        """The records of `rows`, the typed rows this table's last read gave, made again for
        the rows typed since alone; None when they must all be made."""
        last = self._tables.get(table.name)
        if last is None or last.rows is not rows or last.records is None:
            return None
        records = list(last.records)
        stale = sorted(last.stale)
        for index, record in zip(stale, make_records(table, [rows[i] for i in stale]), strict=True):
            records[index] = record
        return tuple(records)

    def _remember(
        self,
        table: Table,
        data: bytes,
        rows: Records | None,
        records: tuple[Record, ...] | None,
    ) -> None:
        lines = _lines(data)
        known = len(rows) if rows is not None else len(records or ())
        if lines is not None and len(lines) - 1 == known:
            self._tables[table.name] = _LastRead(lines[0], lines[1:], rows, records)
        else:
            self._tables.pop(table.name, None)


def _data(table: Table) -> bytes | None:
    try:
        return table.path.read_bytes()
    except OSError:
        return None


def _lines(data: bytes) -> list[bytes] | None:
    """A file's lines, the header first; None when a row may span lines (a quote)."""
    data = data.removeprefix(BYTE_ORDER_MARK)
    if b'"' in data:
        return None
    return data.removesuffix(b"\n").split(b"\n")


def _rows_of(table: Table, records: tuple[Record, ...] | None) -> Records:
    """The typed rows the records were made from (row i on line i + 2)."""
    assert records is not None
    names = (*table.field_names, "_line")
    values = attrgetter(*table.field_names)
    if len(table.field_names) == 1:
        return [dict(zip(names, (values(r), i), strict=True)) for i, r in enumerate(records, 2)]
    return [dict(zip(names, (*values(r), i), strict=True)) for i, r in enumerate(records, 2)]


def _key_fields(table: Table) -> set[str]:
    """The fields key_problems compares across rows: the primary key's and `unique` ones."""
    return {*table.primary_key, *(f.name for f in table.fields if f.constraints.get("unique"))}


def _key_problems(table: Table, rows: Records, shown: str) -> list[Problem]:
    """key_problems over the whole table, from its typed rows."""
    names = _key_fields(table)
    columns: dict[str, Sequence[Any]] = {name: list(map(itemgetter(name), rows)) for name in names}
    return key_problems(table, columns, list(map(itemgetter("_line"), rows)), shown)
