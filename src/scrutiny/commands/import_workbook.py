"""`scrutiny import WORKBOOK`: a filled meeting workbook becomes rows of the CSV tables.

Everything is checked first, and nothing is written unless the whole project would be valid;
each problem is named by sheet, row and column, with a hint."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scrutiny.commands import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    PROJECT,
    Parser,
    option,
    project_of,
    refused,
)
from scrutiny.edits import Refused, transaction, valid_project
from scrutiny.entry.checks import Known, did_you_mean
from scrutiny.problems import Problem, UsageError
from scrutiny.workbook.merge import Plan, plan_import
from scrutiny.workbook.read import CellProblem, SheetRow, Unreadable, read_workbook

PARSER = Parser(
    "turn a filled meeting workbook (.xlsx) into rows",
    "Read a workbook made by `scrutiny workbook` and filled in Excel or LibreOffice; add its "
    "rows to the data (or change the rows it changed). Nothing is written unless everything is "
    "valid.",
    (option("workbook", type=Path, metavar="WORKBOOK", help="the .xlsx file"), PROJECT),
)


def run(args: argparse.Namespace) -> int:
    project = project_of(args)
    name = args.workbook.name
    if not args.workbook.is_file():
        raise UsageError(f"{args.workbook} does not exist")
    try:
        known = Known(project, valid_project(project))
        meetings = {m["meeting_id"] for m in known.rows("meetings")}
        filled = read_workbook(args.workbook, known.checked.package, meetings)
        plan = plan_import(known, filled, name)
        if not plan.changes and not plan.problems:
            print(f"Nothing to change: the data already holds everything in {name}.")
            return EXIT_OK
        _write(project, known, plan, name)
    except Unreadable as unreadable:
        _report(name, unreadable.problems)
        return EXIT_INVALID
    except Refused as refusal:
        code = refused("scrutiny import: nothing was imported: ", refusal)
        return code if code != EXIT_USAGE else EXIT_INVALID
    added = sum(1 for c in plan.changes if c.line is None)
    print(
        f"Imported {name}: {added} rows added, {len(plan.changes) - added} changed, "
        f"{plan.unchanged} already as in the workbook. The project is valid."
    )
    return EXIT_OK


def _write(project, known: Known, plan: Plan, name: str) -> None:
    """Write the planned rows and validate; if validation or the plan found problems, put
    everything back and report them all, each in the sheet row it came from."""
    origin = {}  # (table file, line) -> the sheet row it came from
    try:
        with transaction(project) as edit:
            for table in dict.fromkeys(c.table for c in plan.changes):
                mine = [c for c in plan.changes if c.table == table]
                shown = known.shown(table)
                added = [c for c in mine if c.line is None]
                lines = edit.append_rows(known.table(table), [c.values for c in added])
                for change, line in zip(added, lines, strict=True):
                    origin[(shown, line)] = change.origin
                for change in mine:
                    if change.line is not None:
                        edit.update_row(known.table(table), change.line, change.values)
                        origin[(shown, change.line)] = change.origin
    except Refused as refused:
        if not refused.problems:
            raise
        found = refused.problems
    else:
        if not plan.problems:
            return
        edit.undo()
        found = ()
    cells = [
        _in_sheet(p, origin[(p.path, p.line)], known) for p in found if (p.path, p.line) in origin
    ]
    others = [_elsewhere(p) for p in found if (p.path, p.line) not in origin]
    raise Unreadable(plan.problems + cells + others)


def _in_sheet(problem: Problem, row: SheetRow, known: Known) -> CellProblem:
    """A problem on a line the import wrote, told as the sheet row and column it came from."""
    named = [f.strip() for f in (problem.field or "").split(",")]
    column = next((f for f in reversed(named) if f in row.letters), None)
    message, hint = problem.message, problem.hint
    if problem.field and column is None:
        message = f"{problem.field} (filled in by scrutiny): {message}"
    if column and "does not exist" in message:
        hint = _did_you_mean(known, row, column) or hint
    return CellProblem(
        row.sheet.title, row.row, column, row.letters.get(column or ""), message, hint
    )


def _did_you_mean(known: Known, row: SheetRow, column: str) -> str:
    """For an id that joins another table, the close ids there."""
    table = row.sheet.of(known.checked.package)
    for key in table.foreign_keys:
        if key.fields == (column,):
            ids = {r[key.reference_fields[0]] for r in known.rows(key.resource)}
            shown = known.shown(key.resource)
            return did_you_mean(row.values.get(column, ""), ids, key.reference_fields[0], shown)
    return ""


def _elsewhere(problem: Problem) -> CellProblem:
    return CellProblem(
        f"(in {problem.path}, line {problem.line})",
        None,
        problem.field,
        None,
        problem.message,
        problem.hint,
    )


def _report(name: str, cells: list[CellProblem]) -> None:
    ordered = sorted(cells, key=lambda c: (c.sheet, c.row or 0, c.letter or ""))
    for cell in ordered:
        print(cell.as_text(name), file=sys.stderr)
    print(
        f"{len(ordered)} problem{'s' if len(ordered) != 1 else ''} found in {name}; nothing "
        "was imported. Correct the cells named above and import the workbook again.",
        file=sys.stderr,
    )
