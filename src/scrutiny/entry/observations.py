"""A new value of a performance indicator."""

from __future__ import annotations

from scrutiny.edits import Refused, valid_project
from scrutiny.entry import VALID, Change
from scrutiny.entry.checks import Known, article, one_line, parse_date, parse_number
from scrutiny.project import Project


def new_observation(
    project: Project,
    *,
    indicator: str,
    period_end: str,
    value: str,
    series: str = "actual",
    label: str | None = None,
    source: str,
    note: str | None = None,
) -> Change:
    """Append one value of an indicator to observations.csv."""
    end = parse_date(period_end, "--period-end")
    number = parse_number(value)
    known = Known(project, valid_project(project))
    known.choice("observations", "series", series, "--series")
    indicator_row = known.one("indicators", "indicator_id", indicator, "--indicator")
    shown = known.shown("observations")
    if found := known.with_key("observations", indicator, end, series):
        raise Refused(
            f"indicator {indicator} already has {article(series)} {series} value for "
            f"{end.isoformat()} (value {found['value']}, line {found['_line']} of {shown})",
            "If that value was wrong, correct it in the file instead of adding another.",
        )
    row = {
        "indicator_id": indicator,
        "period_end": end.isoformat(),
        "series": series,
        "value": number,
        "period_label": one_line(label, "--label"),
        "note": one_line(note, "--note"),
        "source": one_line(source, "--source"),
    }
    line = known.append("observations", row)
    unit = indicator_row.get("unit") or ""
    return Change(
        [
            f"Added {series} value {number}{f' ({unit})' if unit else ''} for {indicator}, period "
            f"ending {end.isoformat()}, on line {line} of {shown}.",
            VALID,
        ]
    )
