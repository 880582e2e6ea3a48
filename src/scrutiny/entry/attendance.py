"""A meeting's attendance in one step: every member of the committee gets a row (present
unless said otherwise), substitutes are linked to the member they replaced, and anyone else
present (officers, guests) is added by id."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from scrutiny.edits import Refused, transaction, valid_project
from scrutiny.entry import VALID, Change
from scrutiny.entry.checks import Known, one_line
from scrutiny.entry.members import Member, membership
from scrutiny.problems import EXIT_USAGE
from scrutiny.project import Project


@dataclass
class Marks:
    """What the officer said about who came, by person id."""

    apologies: Sequence[str] = ()
    absent: Sequence[str] = ()
    present: Sequence[str] = ()
    substitutes: Mapping[str, str] = field(default_factory=dict)  # member -> substitute
    roles: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)  # name as written


def new_attendance(
    project: Project, *, meeting: str, marks: Marks, source: str | None = None
) -> Change:
    known = Known(project, valid_project(project))
    meeting_row = known.one("meetings", "meeting_id", meeting, "--meeting")
    source = one_line(source, "--source") or meeting_row["source"]
    rows = attendance_rows(known, meeting_row, marks, source)
    held = meeting_row["status"] == "scheduled"  # attendance was taken: the meeting was held
    with transaction(project) as edit:
        lines = edit.append_rows(known.table("attendance"), rows)
        if held:
            edit.update_row(known.table("meetings"), meeting_row["_line"], {"status": "held"})
    shown = known.shown("attendance")
    listed = [
        f"  {r['person_id']}: {r['role']}, {r['status']}"
        + (f" (for {r['substitute_for']})" if r["substitute_for"] else "")
        for r in rows
    ]
    return Change(
        [
            f"Added {len(rows)} attendance rows for {meeting} on lines {lines[0]}-{lines[-1]} "
            f"of {shown}:",
            *listed,
            *([f"Marked {meeting} as held in {known.shown('meetings')}."] if held else []),
            VALID,
        ]
    )


def attendance_rows(
    known: Known, meeting_row: dict, marks: Marks, source: str
) -> list[dict[str, str]]:
    """The rows to add: the members (unless the meeting already has attendance, when only the
    people named are added), then substitutes, then anyone else named."""
    meeting = meeting_row["meeting_id"]
    people = {p["person_id"]: p for p in known.rows("people")}
    recorded = {r["person_id"]: r for r in known.rows("attendance") if r["meeting_id"] == meeting}
    members = membership(
        known.checked.package,
        known.checked.rows,
        meeting_row["committee_id"],
        meeting_row["date"],
        meeting,
    )
    member_ids = {m.person_id for m in members.members}
    _check_marks(known, marks, member_ids, set(people))
    named = _named(marks)
    if not recorded and not members.members and not named:
        raise Refused(
            f"no members are known for {meeting_row['committee_id']}: its meetings have no "
            "attendance yet",
            "Name everyone who came with --present ID (and --role ID=chair for the chair), "
            "and those who sent apologies with --apologies ID. Next time the members are known.",
            EXIT_USAGE,
        )
    clash = sorted(named & set(recorded))
    if clash:
        raise Refused(
            f"{', '.join(clash)} already {'has' if len(clash) == 1 else 'have'} a row for "
            f"{meeting} (line {recorded[clash[0]]['_line']} of {known.shown('attendance')})",
            "Change the existing row instead of adding another.",
        )

    def row(person: str, role: str, status: str, sub_for: str = "", note: str = "") -> dict:
        known.choice("attendance", "role", role, f"--role {person}")
        return {
            "meeting_id": meeting,
            "person_id": person,
            "name_as_written": marks.names.get(person) or people[person]["name"],
            "role": role,
            "status": status,
            "substitute_for": sub_for,
            "note": note,
            "source": source,
        }

    rows = []
    everyone = members.members if not recorded else ()
    for m in everyone:
        rows.append(_member_row(row, m, marks, people))
    for member, substitute in marks.substitutes.items():
        if member in member_ids and recorded and member not in recorded:
            rows.append(_member_row(row, _as_member(members.members, member), marks, people))
        rows.append(row(substitute, marks.roles.get(substitute, "substitute"), "present", member))
    done = {r["person_id"] for r in rows}
    for status, who in (
        ("present", marks.present),
        ("apologies", marks.apologies),
        ("absent", marks.absent),
    ):
        for person in who:
            if person not in done:
                rows.append(row(person, _role_of(known, person, marks, people), status))
                done.add(person)
    return rows


def _member_row(row, member: Member, marks: Marks, people: dict) -> dict:
    role = marks.roles.get(member.person_id, member.role)
    substitute = marks.substitutes.get(member.person_id)
    if member.person_id in marks.apologies:
        status = "apologies"
    elif member.person_id in marks.absent or substitute:
        status = "absent"
    else:
        status = "present"
    note = f"replaced by {people[substitute]['name']}" if substitute else ""
    return row(member.person_id, role, status, note=note)


def _as_member(members: tuple[Member, ...], person: str) -> Member:
    return next(m for m in members if m.person_id == person)


def _role_of(known: Known, person: str, marks: Marks, people: dict) -> str:
    """The role for someone who is not a member: as given, or their kind of person when that
    is also a role (officer, guest)."""
    if person in marks.roles:
        return marks.roles[person]
    kind = people[person].get("kind") or ""
    if kind in known.allowed("attendance", "role"):
        return kind
    raise Refused(
        f"{person} is not a member of the committee, so say in what capacity they attended",
        f"Add --role {person}=ROLE, with ROLE one of: "
        f"{', '.join(known.allowed('attendance', 'role'))}.",
        EXIT_USAGE,
    )


def _named(marks: Marks) -> set[str]:
    return (
        set(marks.apologies)
        | set(marks.absent)
        | set(marks.present)
        | set(marks.substitutes)
        | set(marks.substitutes.values())
    )


def _check_marks(known: Known, marks: Marks, members: set[str], people: set[str]) -> None:
    """Every id exists (did you mean...), nobody is marked twice, substitutes replace members."""
    options = [
        *(("--apologies", p) for p in marks.apologies),
        *(("--absent", p) for p in marks.absent),
        *(("--present", p) for p in marks.present),
        *(("--substitute", p) for pair in marks.substitutes.items() for p in pair),
        *(("--role", p) for p in marks.roles),
        *(("--name", p) for p in marks.names),
    ]
    for option, person in options:
        if person not in people:
            known.one("people", "person_id", person, option)
    for person, role in marks.roles.items():
        known.choice("attendance", "role", role, f"--role {person}")
    seen: dict[str, str] = {}
    for option, person in options[: len(options) - len(marks.roles) - len(marks.names)]:
        if option == "--substitute" and person in marks.substitutes:
            option = "--substitute (as the member replaced)"
        if person in seen and seen[person] != option and not _compatible(seen[person], option):
            raise Refused(
                f"{person} is given both as {seen[person]} and as {option}",
                "Mark each person once.",
                EXIT_USAGE,
            )
        seen.setdefault(person, option)
    for member, substitute in marks.substitutes.items():
        if member not in members:
            hint = (
                f"Write the member first: --substitute {substitute}={member}."
                if substitute in members
                else "Write --substitute MEMBER=SUBSTITUTE, naming a member of the committee "
                "(see `scrutiny members COMMITTEE`)."
            )
            raise Refused(
                f"--substitute: {member} is not a member of the committee", hint, EXIT_USAGE
            )


def _compatible(first: str, second: str) -> bool:
    """A replaced member may also be marked as having sent apologies or been absent."""
    return {first, second} in (
        {"--apologies", "--substitute (as the member replaced)"},
        {"--absent", "--substitute (as the member replaced)"},
    )
