"""Who sits on a committee, derived from attendance rather than kept in a table of its own.

A committee's members are the people recorded in a member's capacity (the attendance schema's
`members` group of roles: chair, vice-chair, member, co-opted) at its most recent meeting with
attendance: members who sent apologies, were absent or were replaced by a substitute have rows
too, so that meeting lists the whole membership, and the role each held there (a chair stays
chair). Substitutes, officers and guests are not members.

Why derived: every meeting's attendance already records the membership (validation already
reads it this way to check that a substitute replaced a member), so no second table has to be
kept in step, and a change of membership is recorded the first time the new member attends.
A `memberships` table would need rows for every committee that the example papers cannot
supply (only one of the five seed documents prints a membership list). See
docs/publishing-a-meeting.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from scrutiny.schema.package import DataPackage
from scrutiny.schema.vocabulary import Vocabulary


@dataclass(frozen=True)
class Member:
    person_id: str
    name: str
    role: str


@dataclass(frozen=True)
class Membership:
    committee_id: str
    meeting_id: str | None  # the meeting the membership was read from
    members: tuple[Member, ...]


def membership(
    package: DataPackage,
    rows: dict[str, list[dict[str, Any]]],
    committee_id: str,
    before: dt.date | None = None,
    excluding: str | None = None,
) -> Membership:
    """The committee's members at its latest meeting with attendance (on or before `before`,
    if any such meeting exists, and not the meeting `excluding`)."""
    attended = {r["meeting_id"] for r in rows.get("attendance", [])}
    meetings = sorted(
        (m["date"], m["meeting_id"])
        for m in rows.get("meetings", [])
        if m["committee_id"] == committee_id
        and m["meeting_id"] in attended
        and m["meeting_id"] != excluding
    )
    if before is not None:
        meetings = [m for m in meetings if m[0] <= before] or meetings
    if not meetings:
        return Membership(committee_id, None, ())
    meeting_id = meetings[-1][1]
    member_roles = Vocabulary.of(package.table("attendance"), "role").group("members")
    people = {p["person_id"]: p for p in rows.get("people", [])}
    members = tuple(
        Member(r["person_id"], people[r["person_id"]]["name"], r["role"])
        for r in rows.get("attendance", [])
        if r["meeting_id"] == meeting_id and r["role"] in member_roles
    )
    return Membership(committee_id, meeting_id, members)
