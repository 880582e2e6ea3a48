"""Guided entry: each module here adds the rows of one kind of record, with the ids made for
the officer and every reference checked (with "did you mean"), through `edits.transaction`,
so a change lands whole and valid or not at all. `commands/new.py` is their command line;
`workbook/` reuses them for rows that come from a spreadsheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Change:
    """What a command did, as lines to show the officer."""

    lines: list[str] = field(default_factory=list)


VALID = "The project is valid. Preview it with `scrutiny serve`, then commit and push."
