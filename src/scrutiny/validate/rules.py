"""Named rules for what a Table Schema cannot say.

Each rule is a function taking the typed rows and yielding Problems; RULES lists them so the
documentation and `--format json` output can name the rule that fired.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

from scrutiny import ids
from scrutiny.citations import HOW, Library, citations
from scrutiny.documents import FENCE, DocumentError, markdown_files, read_header
from scrutiny.incremental.checked import CheckedBefore
from scrutiny.problems import Problem
from scrutiny.project import Project
from scrutiny.schema.package import DataPackage
from scrutiny.schema.vocabulary import Vocabulary
from scrutiny.validate.tables import ID_PATTERN, Rows

SLUG = re.compile(ID_PATTERN)
# A first line meant as the front matter's opening ---: hyphens or dashes only, or a setting.
LIKE_A_FENCE = re.compile(r"^\s*[-‐-―−_=]+\s*$")
LIKE_A_SETTING = re.compile(r"^[A-Za-z_][\w-]*:(\s|$)")


class Context:
    """What a rule reads. It notes the tables a rule asked for and whether it looked at the
    project's files, so validation can skip the rule while those are unchanged
    (incremental/checked.py)."""

    def __init__(self, project: Project, package: DataPackage, rows: Rows, shown: dict[str, str]):
        self._project = project
        self.package = package
        self.rows = rows
        self.shown = shown
        self.tables_read: set[str] = set()
        self.read_files = False

    @property
    def project(self) -> Project:
        self.read_files = True
        return self._project

    def table(self, name: str) -> list[dict]:
        self.tables_read.add(name)
        return self.rows.get(name, [])

    def at(self, table: str, row: dict) -> tuple[str, int]:
        """Where a row of `table` is: its file as shown and its line (a Problem's first two)."""
        return self.shown[table], row["_line"]


Rule = Callable[[Context], Iterator[Problem]]


def one_chair_per_meeting(ctx: Context) -> Iterator[Problem]:
    chairs = Counter(
        r["meeting_id"]
        for r in ctx.table("attendance")
        if r["role"] == "chair" and r["status"] == "present"
    )
    for r in ctx.table("attendance"):
        if r["role"] == "chair" and r["status"] == "present" and chairs[r["meeting_id"]] > 1:
            yield Problem(
                *ctx.at("attendance", r),
                field="role",
                message=f"meeting {r['meeting_id']} has {chairs[r['meeting_id']]} chairs present",
                hint="Only one person can chair a meeting: mark the others as member "
                "(or vice-chair).",
                rule="one-chair-per-meeting",
            )


def substitutes_replace_members(ctx: Context) -> Iterator[Problem]:
    committee_of = {m["meeting_id"]: m["committee_id"] for m in ctx.table("meetings")}
    member_roles = Vocabulary.of(ctx.package.table("attendance"), "role").group("members")
    members = defaultdict(set)
    for r in ctx.table("attendance"):
        if r["role"] in member_roles:
            members[committee_of.get(r["meeting_id"])].add(r["person_id"])
    replaced_by = {
        (r["meeting_id"], r["person_id"]): r["substitute_for"]
        for r in ctx.table("attendance")
        if r["substitute_for"]
    }
    for r in ctx.table("attendance"):
        sub = r["substitute_for"]
        if r["role"] == "substitute" and not sub:
            yield Problem(
                *ctx.at("attendance", r),
                field="substitute_for",
                message="a substitute must say whom they replaced",
                hint="Fill in substitute_for with the person_id of the member they replaced.",
                rule="substitute-names-member",
            )
        if not sub:
            continue
        if sub == r["person_id"] or replaced_by.get((r["meeting_id"], sub)) == r["person_id"]:
            yield Problem(
                *ctx.at("attendance", r),
                field="substitute_for",
                message=f"circular substitution: {r['person_id']} and {sub} replace each other",
                hint="A substitute replaces a member who is absent: fix one of the rows.",
                rule="substitute-not-circular",
            )
        elif sub not in members[committee_of.get(r["meeting_id"])]:
            yield Problem(
                *ctx.at("attendance", r),
                field="substitute_for",
                message=f"'{sub}' is not a member of this meeting's committee",
                hint="Name a member of the committee (someone with a member, chair, "
                "vice-chair or co-opted row at one of its meetings).",
                rule="substitute-names-member",
            )


def percentages_in_range(ctx: Context) -> Iterator[Problem]:
    percent = {i["indicator_id"] for i in ctx.table("indicators") if i["unit"] == "percent"}
    for r in ctx.table("observations"):
        if r["indicator_id"] in percent and not 0 <= r["value"] <= 100:
            yield Problem(
                *ctx.at("observations", r),
                field="value",
                message=f"{r['value']} is not a percentage between 0 and 100 (indicator "
                f"{r['indicator_id']} is measured in percent)",
                hint="Write the percentage as a number from 0 to 100, e.g. 45.5 for 45.5%.",
                rule="percent-in-range",
            )


def updates_after_recommendation(ctx: Context) -> Iterator[Problem]:
    """A RAG update cannot be dated before the recommendation it rates was made."""
    made_on = {r["recommendation_id"]: r["made_on"] for r in ctx.table("recommendations")}
    for r in ctx.table("recommendation_updates"):
        made = made_on.get(r["recommendation_id"])
        if made and r["as_at"] < made:
            yield Problem(
                *ctx.at("recommendation_updates", r),
                field="as_at",
                message=f"this update is dated {r['as_at']}, before the recommendation "
                f"was made ({made})",
                hint="Check the date of the update, and made_on in recommendations.csv.",
                rule="updates-after-recommendation",
            )


def minutes_match_meetings(ctx: Context) -> Iterator[Problem]:
    yield from _documents_match(
        ctx, ctx.project.minutes, "meetings", "meeting_id", "minutes-for-known-meeting"
    )
    minuted = {p.stem for p in markdown_files(ctx.project.minutes)}
    for m in ctx.table("meetings"):
        if m["minutes_published"] and m["meeting_id"] not in minuted:
            yield Problem(
                *ctx.at("meetings", m),
                field="minutes_published",
                message=f"minutes are marked as published but content/minutes/"
                f"{m['meeting_id']}.md does not exist",
                hint="Add the minutes file, or set minutes_published to false.",
                rule="minutes-file-exists",
            )
        elif not m["minutes_published"] and m["meeting_id"] in minuted:
            yield Problem(
                *ctx.at("meetings", m),
                field="minutes_published",
                message=f"content/minutes/{m['meeting_id']}.md exists but minutes_published "
                "is false",
                hint="Set minutes_published to true.",
                rule="minutes-file-exists",
            )


def reports_match_rows(ctx: Context) -> Iterator[Problem]:
    yield from _documents_match(
        ctx, ctx.project.reports, "reports", "report_id", "report-for-known-report"
    )


def _documents_match(ctx: Context, folder, table: str, key: str, rule: str) -> Iterator[Problem]:
    known = {r[key] for r in ctx.table(table)}
    for path in markdown_files(folder):
        shown = ctx.project.relative(path)
        try:
            meta = read_header(path, shown).meta
        except DocumentError as error:
            yield error.problem
            continue
        if path.stem not in known:
            yield Problem(
                shown,
                message=f"there is no {key} '{path.stem}' in {table}.csv",
                hint=f"Name the file after an existing {key}, or add the row to {table}.csv.",
                rule=rule,
            )
        elif meta.get(key, path.stem) != path.stem:
            yield Problem(
                shown,
                line=2,
                field=key,
                message=f"front matter says {key} '{meta.get(key)}' but the file is named "
                f"{path.name}",
                hint="Make the file name and the front matter agree.",
                rule=rule,
            )


def pages_are_readable(ctx: Context) -> Iterator[Problem]:
    """Content pages become folders of the site, so their file names must be URL slugs."""
    for path in markdown_files(ctx.project.pages):
        shown = ctx.project.relative(path)
        try:
            read_header(path, shown)
        except DocumentError as error:
            yield error.problem
        if not SLUG.fullmatch(path.stem):
            yield Problem(
                shown,
                message=f"the file name '{path.stem}' cannot be used in a web address",
                hint="Rename the file using only lowercase letters a-z, digits and hyphens, for "
                "example about-this-site.md.",
                rule="page-slug",
            )


def sources_resolve(ctx: Context) -> Iterator[Problem]:
    """A `source` that cites a document (`file.txt:55`, `file.pdf#page=3`) must point at a
    document in sources/ (or in the sources table) and at lines or a page it has, once the
    project keeps any source documents. Other values (a URL, a note such as `fixture`) are
    shown as written."""
    listed = [(r["document"], r["title"], r["original_url"]) for r in ctx.table("sources")]
    library = Library.load(ctx.project, listed)
    if not library.documents:
        return  # the project keeps no source documents: its sources are shown as written
    for table in ctx.package.tables:
        if "source" not in table.field_names:
            continue
        for row in ctx.table(table.name):
            for problem in _unresolved(library, row["source"]):
                yield Problem(*ctx.at(table.name, row), "source", *problem)
    for folder in (ctx.project.minutes, ctx.project.reports):
        for path in markdown_files(folder):
            yield from _front_matter_sources(ctx, library, path)


def _unresolved(library: Library, value: str | None) -> Iterator[tuple[str, str, str]]:
    for citation in citations(value):
        message = library.problem(citation)
        if message:
            yield message, _source_hint(library, citation.document), "source-resolves"


def _source_hint(library: Library, document: str) -> str:
    if document not in library.documents:
        return (
            "Check the file name against the sources/ folder, put the document there, or add "
            "a row with its original_url to datasets/sources.csv."
        )
    return f"Check the line numbers against the document. {HOW}"


def _front_matter_sources(ctx: Context, library: Library, path) -> Iterator[Problem]:
    shown = ctx.project.relative(path)
    try:
        value = read_header(path, shown).meta.get("source")
    except DocumentError:
        return  # reported by the rules that read documents
    found = list(_unresolved(library, str(value))) if value else []
    if found:
        lines = path.read_text(encoding="utf-8").split("\n")
        line = next((n for n, text in enumerate(lines, 1) if text.startswith("source:")), None)
        for problem in found:
            yield Problem(shown, line, "source", *problem)


def documents_start_with_front_matter(ctx: Context) -> Iterator[Problem]:
    """Minutes and report files must open with a front matter block; a page whose first line
    was meant to open one (`--`, `----`, a dash, or a setting with no --- above it) is
    reported too. Without this, a mistyped --- publishes the settings as a heading."""
    folders = {
        ctx.project.minutes: "meeting_id",
        ctx.project.reports: "report_id",
        ctx.project.pages: None,
    }
    for folder, key in folders.items():
        for path in markdown_files(folder):
            problem = _opening_problem(ctx.project.relative(path), path, key)
            if problem:
                yield problem


def _opening_problem(shown: str, path, key: str | None) -> Problem | None:
    first = _first_line(shown, path)
    if first is None or first.strip() == FENCE:
        return None
    named = path.stem if SLUG.fullmatch(path.stem) else f"<{key}>"
    example = f"---, {key}: {named}, source: ..., ---" if key else "---, title: ..., ---"
    hint = (
        f"Make the first line exactly --- (three hyphens) and close the settings with another "
        f"line of ---, each on its own line: {example}."
    )
    if LIKE_A_FENCE.match(first):
        return Problem(
            shown,
            line=1,
            message=f"the front matter must start with a line of exactly three hyphens (---), "
            f"not '{first.strip()}'; as it is, the settings would be published as text",
            hint=hint,
            rule="front-matter-opening",
        )
    if LIKE_A_SETTING.match(first) or key:
        return Problem(
            shown,
            line=1,
            message="the file does not start with front matter (a line of ---, the settings, "
            "and another line of ---)",
            hint=hint,
            rule="front-matter-opening",
        )
    return None


def _first_line(shown: str, path: Path) -> str | None:
    """The file's first line (None if it cannot be read: the rules that read it report that);
    also of a file whose front matter is broken."""
    try:
        return read_header(path, shown).first_line
    except DocumentError:
        pass
    try:
        with path.open(encoding="utf-8") as handle:
            return handle.readline().removeprefix("\ufeff").rstrip("\r\n")
    except (OSError, UnicodeDecodeError):
        return None


def meeting_ids_match_committee_and_date(ctx: Context) -> Iterator[Problem]:
    """A meeting id is its committee id and its date: the id, the committee and the date
    must agree, or links and the minutes file name say one date and the page another."""
    for m in ctx.table("meetings"):
        meeting, committee, date = m["meeting_id"], m["committee_id"], m["date"].isoformat()
        if ids.meeting_id_agrees(meeting, committee, date):
            continue
        if not meeting.startswith(f"{committee}-"):
            yield Problem(
                *ctx.at("meetings", m),
                field="meeting_id",
                message=f"the meeting id '{meeting}' does not start with its committee_id "
                f"'{committee}'",
                hint=f"A meeting id is the committee id and the date, here "
                f"{ids.meeting_id(committee, date)}. Correct the committee_id or the id (and the "
                "id everywhere it is used, including the minutes file name).",
                rule="meeting-id-matches",
            )
        else:
            written = meeting.removeprefix(f"{committee}-")
            yield Problem(
                *ctx.at("meetings", m),
                field="date",
                message=f"the date {date} disagrees with the meeting id '{meeting}', which "
                f"says {written}",
                hint="If the meeting was on the date in the id, correct the date. If the id is "
                f"wrong, change it to {ids.meeting_id(committee, date)} here and everywhere it "
                "is used (agenda items, attendance, decisions and the minutes file name).",
                rule="meeting-id-matches",
            )


def decision_ids_match_item(ctx: Context) -> Iterator[Problem]:
    """A decision id is the meeting id, the item number and the sub-point (or 1, 2, ... when
    the resolution has no sub-point)."""
    for d in ctx.table("decisions"):
        sub_point = d["sub_point"] or ""
        if ids.decision_id_agrees(d["decision_id"], d["meeting_id"], d["item_no"], sub_point):
            continue
        expected = ids.decision_id(d["meeting_id"], d["item_no"], sub_point)
        said = f"item {d['item_no']}" + (
            f", sub-point {sub_point}" if sub_point else " with no sub-point"
        )
        yield Problem(
            *ctx.at("decisions", d),
            field="decision_id",
            message=f"the decision id '{d['decision_id']}' disagrees with its meeting and "
            f"{said}: it should be {expected}",
            hint="A decision id is the meeting id, the item number and the sub-point, or 1 (2, "
            "3, ...) when there is no sub-point. Correct the id, or the item_no or sub_point if "
            "those are what is wrong. `scrutiny new decision` makes the id for you.",
            rule="decision-id-matches",
        )


def report_ids_match_item(ctx: Context) -> Iterator[Problem]:
    """A report id is the meeting id, `item` and the item number."""
    for r in ctx.table("reports"):
        expected = ids.report_id(r["meeting_id"], r["item_no"])
        if r["report_id"] != expected:
            yield Problem(
                *ctx.at("reports", r),
                field="report_id",
                message=f"the report id '{r['report_id']}' disagrees with its meeting and item "
                f"{r['item_no']}: it should be {expected}",
                hint="Correct the id (and rename content/reports/ to match), or the item_no.",
                rule="report-id-matches",
            )


RULES: tuple[Rule, ...] = (
    one_chair_per_meeting,
    substitutes_replace_members,
    percentages_in_range,
    updates_after_recommendation,
    minutes_match_meetings,
    reports_match_rows,
    pages_are_readable,
    sources_resolve,
    documents_start_with_front_matter,
    meeting_ids_match_committee_and_date,
    decision_ids_match_item,
    report_ids_match_item,
)


def tables_are_described(ctx: Context) -> Iterator[Problem]:
    """Each table in datapackage.yaml should say what a row is, where the data comes from and
    its caveats: the catalogue, the table's page and datapackage.json show it. A warning."""
    shown = ctx.project.relative(ctx.project.datapackage)
    lines = ctx.project.datapackage.read_text(encoding="utf-8").split("\n")
    for index, table in enumerate(ctx.package.tables):
        if table.description.strip():
            continue
        start = re.compile(rf"\s*-\s*name:\s*['\"]?{re.escape(table.name)}['\"]?\s*$")
        line = next((n for n, text in enumerate(lines, 1) if start.fullmatch(text)), None)
        yield Problem(
            shown,
            line=line,
            field=f"resources[{index}].description",
            message=f"the table '{table.name}' has no description",
            hint="Add `title:` and `description:` to the resource: one paragraph saying what a row "
            "is, where the data comes from and its caveats (the open-data pages show it).",
            rule="table-described",
            severity="warning",
        )


WARNINGS: tuple[Rule, ...] = (tables_are_described,)


def check_warnings(
    project: Project, package: DataPackage, rows: Rows, shown: dict[str, str]
) -> list[Problem]:
    ctx = Context(project, package, rows, shown)
    return [problem for rule in WARNINGS for problem in rule(ctx)]


def check_rules(
    project: Project,
    package: DataPackage,
    rows: Rows,
    shown: dict[str, str],
    checked: CheckedBefore | None = None,
) -> list[Problem]:
    """Every rule's problems; with `checked`, a rule whose inputs are unchanged since the last
    clean validation is not run again."""
    problems = []
    for rule in RULES:
        name = f"rule:{rule.__name__}"
        if checked is not None and checked.unchanged(name):
            continue
        ctx = Context(project, package, rows, shown)
        problems += rule(ctx)
        if checked is not None:
            checked.ran(name, ctx.tables_read, ctx.read_files)
    return problems
