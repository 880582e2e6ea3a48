"""How the identifiers that encode other fields are made, in one place.

`scrutiny new` makes ids with these functions and `validate/rules.py` checks the data against
them, so an id that disagrees with the fields it encodes (a meeting id whose date is not the
meeting's date) is caught however the row was written.
"""

from __future__ import annotations

import re

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# A second meeting of a committee on one day is written with a suffix: <committee>-<date>-2.
_MEETING_SUFFIX = re.compile(r"^(-[0-9]+)?$")


def slug(text: str) -> str:
    """Lowercase letters, digits and single hyphens: `4(a)` -> `4-a`, `M14` -> `m14`."""
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


def meeting_id(committee_id: str, date: str) -> str:
    """`<committee_id>-<YYYY-MM-DD>`."""
    return f"{committee_id}-{date}"


def meeting_id_agrees(meeting: str, committee_id: str, date: str) -> bool:
    """The id is the committee id and the date, with an optional `-N` for a second meeting."""
    stem = meeting_id(committee_id, date)
    return meeting.startswith(stem) and bool(_MEETING_SUFFIX.match(meeting[len(stem) :]))


def decision_prefix(meeting: str, item_no: str) -> str:
    return f"{meeting}-{slug(item_no)}-"


def decision_id(meeting: str, item_no: str, sub_point: str, number: int = 1) -> str:
    """`<meeting_id>-<item>-<sub_point>`; with no sub-point, `-1` (`-2`, ... for a second
    resolution under the same item that has no sub-point either)."""
    return decision_prefix(meeting, item_no) + (slug(sub_point) or str(number))


def decision_id_agrees(decision: str, meeting: str, item_no: str, sub_point: str) -> bool:
    prefix = decision_prefix(meeting, item_no)
    if not decision.startswith(prefix):
        return False
    tail = decision[len(prefix) :]
    return tail == slug(sub_point) if slug(sub_point) else tail.isdigit()


def report_id(meeting: str, item_no: str) -> str:
    """`<meeting_id>-item-<item>`."""
    return f"{meeting}-item-{slug(item_no)}"
