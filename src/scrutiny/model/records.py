"""Records: one immutable class per table, made from the table's schema.

A table's columns are declared once, in its Table Schema. `record_class` makes the record type
for a table at load time (frozen, slotted, one attribute per schema field, in schema order).
Python adds behaviour only: a table named in BEHAVIOUR gets that class as its base, for
computed properties and for a name the code can refer to (`Meeting`, `Person`). A table the
code has never heard of still gets a record class, and reaches every download.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import make_dataclass
from itertools import starmap
from operator import itemgetter
from typing import Any, ClassVar

from scrutiny.schema.package import Table


class Record:
    """A row of a table, typed by its schema. Subclasses add behaviour, never columns.

    Its one slot beyond the fields is where the incremental layer keeps the record's hash once
    it has computed it (incremental/keys.py, HASH_SLOT): records are frozen, so it never goes
    stale, and a record in many outputs is hashed once per process."""

    __slots__ = ("_hash",)
    table: ClassVar[str] = ""
    field_names: ClassVar[tuple[str, ...]] = ()

    def __getattr__(self, name: str) -> Any:  # only reached for a name that is not a field
        raise AttributeError(
            f"{self.table} has no field {name!r} (its schema declares: "
            f"{', '.join(self.field_names)})"
        )


class Person(Record):
    __slots__ = ()

    @property
    def display_name(self) -> str:
        return f"{self.honorific} {self.name}" if self.honorific else self.name


class Meeting(Record):
    __slots__ = ()

    @property
    def sort_key(self) -> tuple[dt.date, dt.time, str]:
        return (self.date, self.start_time or dt.time(), self.meeting_id)


class AgendaItem(Record):
    __slots__ = ()

    @property
    def sort_key(self) -> tuple[bool, int, str]:
        """Items in agenda order: 2 before 10, and minute numbers (m18) after numbered items."""
        digits = "".join(ch for ch in self.item_no if ch.isdigit())
        return (self.item_no.startswith("m"), int(digits) if digits else 0, self.item_no)


# The tables whose records have behaviour of their own, and the class that carries it.
BEHAVIOUR: dict[str, type[Record]] = {
    "people": Person,
    "meetings": Meeting,
    "agenda_items": AgendaItem,
}

# Names for records the code refers to but adds nothing to: annotations read better with them.
Council = Committee = Attendance = Decision = Record
Indicator = Observation = Recommendation = RecommendationUpdate = Record


def record_class(table: Table) -> type[Record]:
    """The record type of `table`: its schema's fields on top of the table's behaviour. One
    class per table and fields, so records made at different times (the preview keeps the
    records of unchanged rows) are of one type."""
    key = (table.name, tuple(table.field_names))
    cls = _CLASSES.get(key)
    if cls is None:
        cls = _CLASSES[key] = _new_record_class(table)
    setattr(sys.modules[__name__], cls.__qualname__, cls)  # so pickle can find it by name
    return cls


_CLASSES: dict[tuple[str, tuple[str, ...]], type[Record]] = {}


def _new_record_class(table: Table) -> type[Record]:
    base = BEHAVIOUR.get(table.name, Record)
    name = "".join(part.capitalize() for part in table.name.replace("-", "_").split("_"))
    cls = make_dataclass(
        f"{name}Record",
        [(field, Any) for field in table.field_names],
        bases=(base,),
        frozen=True,
        slots=True,
    )
    cls.table, cls.field_names = table.name, table.field_names
    cls.__module__ = __name__
    if all(name.isidentifier() and not name.startswith("__") for name in table.field_names):
        cls.__init__ = _slot_setting_init(cls, table.field_names)  # type: ignore[misc]
    return cls


def _slot_setting_init(cls: type, names: tuple[str, ...]) -> Any:
    """An __init__ that sets each field through its slot's descriptor: a county's 385,000
    records are made in about half the time of the frozen dataclass's own, which calls
    object.__setattr__ for each field. The same signature and the same record."""
    setters = {f"__set{i}": getattr(cls, name).__set__ for i, name in enumerate(names)}
    body = "".join(f"    __set{i}(__record, {name})\n" for i, name in enumerate(names))
    source = f"def __init__(__record, {', '.join(names)}):\n{body or '    pass'}\n"
    exec(source, setters)  # the names are identifiers, checked by the caller
    init = setters["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def make_records(table: Table, rows: list[dict[str, Any]]) -> tuple[Record, ...]:
    cls, names = record_class(table), table.field_names
    if len(names) > 1:  # (one name: itemgetter gives the value, not a tuple)
        try:  # validated rows hold every field: in C, in half the time of a list each
            return tuple(starmap(cls, map(itemgetter(*names), rows)))
        except KeyError:
            pass
    return tuple(cls(*[row.get(n) for n in names]) for row in rows)
