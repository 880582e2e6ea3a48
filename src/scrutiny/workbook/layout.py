"""Which sheet holds which table, and its columns: every field of the table's schema except the
ones scrutiny fills in itself (the meeting id, the row's source, a decision's id)."""

from __future__ import annotations

from dataclasses import dataclass

from scrutiny.schema.package import DataPackage, Field, Table

ABOUT = "About"
MEETING_CELL = "B2"  # on the About sheet
MADE_BY_SCRUTINY = ("meeting_id", "source", "decision_id")


@dataclass(frozen=True)
class Sheet:
    title: str
    table: str

    def columns(self, package: DataPackage) -> tuple[Field, ...]:
        return tuple(f for f in self.of(package).fields if f.name not in MADE_BY_SCRUTINY)

    def of(self, package: DataPackage) -> Table:
        return package.table(self.table)


SHEETS = (
    Sheet("Agenda", "agenda_items"),
    Sheet("Attendance", "attendance"),
    Sheet("Declarations", "declarations"),
    Sheet("Decisions", "decisions"),
)
