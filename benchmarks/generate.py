"""Write a synthetic, valid scrutiny project of a chosen size, for benchmarks.

    python benchmarks/generate.py --size county --out /tmp/county

Sizes (the other flags override a size's defaults):

* small: one council, the example site's order (about 60 meetings);
* county: one council with twenty years of committees (about 10,000 meetings);
* national: an aggregator of many councils (about 10,000 meetings, 1,000,000 observations).

The output is deterministic for a given set of flags and seed: the same bytes every run. It
copies the repository's datasets/datapackage.yaml and datasets/schemas/, so the synthetic
project is validated against exactly the schemas the real one uses.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
END_YEAR = 2024
MONTHS = (1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12)  # committees rarely meet in August

SIZES: dict[str, dict[str, int]] = {
    "small": {
        "councils": 1,
        "committees_per_council": 3,
        "years": 2,
        "indicators": 12,
        "meetings_per_year": 10,
    },
    "county": {
        "councils": 1,
        "committees_per_council": 50,
        "years": 20,
        "indicators": 60,
        "meetings_per_year": 10,
    },
    "national": {
        "councils": 25,
        "committees_per_council": 4,
        "years": 10,
        "indicators": 84,
        "meetings_per_year": 10,
    },
}

PLACES = ("North", "South", "East", "West", "Upper", "Lower", "Great", "Little", "New", "Old")
SHIRES = (
    "ashire",
    "brook",
    "dale",
    "field",
    "ford",
    "ham",
    "ley",
    "mere",
    "stead",
    "wick",
    "worth",
    "borough",
    "by",
    "combe",
    "cott",
    "den",
    "hurst",
    "ton",
    "well",
    "wood",
)
ROOTS = (
    "Ash",
    "Bram",
    "Cal",
    "Dun",
    "Elm",
    "Fen",
    "Gar",
    "Hol",
    "Ivy",
    "Kel",
    "Lang",
    "Mar",
    "Nor",
    "Oak",
    "Pen",
    "Rad",
    "Sel",
    "Thorn",
    "Wex",
    "York",
)
REMITS = (
    "Children and Families",
    "Adult Social Care",
    "Health",
    "Environment",
    "Highways and Transport",
    "Education",
    "Housing",
    "Corporate Resources",
    "Communities",
    "Economy",
    "Public Protection",
    "Planning",
    "Culture and Leisure",
    "Finance",
    "Skills",
)
FIRST = (
    "Alice",
    "Ben",
    "Carys",
    "David",
    "Elaine",
    "Farid",
    "Grace",
    "Hamid",
    "Isla",
    "Jack",
    "Kiran",
    "Leah",
    "Mohammed",
    "Nina",
    "Owen",
    "Priya",
    "Quentin",
    "Rosa",
    "Sam",
    "Tariq",
    "Una",
    "Victor",
    "Wendy",
    "Yusuf",
    "Zoe",
    "Arun",
    "Bethan",
    "Callum",
    "Dawn",
    "Ewan",
)
LAST = (
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nolan",
    "Owens",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
    "Underwood",
    "Vaughan",
    "Walker",
    "Young",
    "Zaman",
    "Bell",
    "Carter",
    "Dixon",
    "Ellis",
    "Foster",
)
ITEM_TITLES = (
    "Performance report",
    "Budget monitoring",
    "Annual report of the independent reviewing officers",
    "Ofsted inspection action plan",
    "Work programme",
    "Recruitment and retention of social workers",
    "Special educational needs and disabilities",
    "School place planning",
    "Corporate parenting",
    "Early help strategy",
    "Safeguarding partnership annual report",
    "Complaints annual report",
    "Home to school transport",
    "Fostering service update",
    "Capital programme",
)
SENTENCES = (
    "The Director introduced the report and highlighted the main changes since the last meeting.",
    "Members asked how the service compared with statistical neighbours and were told that "
    "the gap had narrowed over the year.",
    "In response to a question, the Head of Service explained that recruitment remained "
    "difficult in the north of the county.",
    "A member expressed concern about the number of agency staff and asked for a breakdown by "
    "team.",
    "The Cabinet Member thanked officers for their work and noted that the budget pressures "
    "were shared by most authorities.",
    "It was noted that the figures for the last quarter were provisional and would be "
    "confirmed at the next meeting.",
    "Members welcomed the improvement in timeliness but asked that the committee continue to "
    "monitor caseloads closely.",
    "The committee heard that a new case management system would be introduced next year.",
    "Officers agreed to circulate the detailed figures to members after the meeting.",
    "A co-opted member asked whether parents had been consulted on the proposals.",
)
BULLETS = (
    "caseloads per social worker",
    "the number of children in care",
    "placement stability",
    "timeliness of assessments",
    "use of agency staff",
    "overspend on placements",
    "exclusions from school",
    "attendance at review meetings",
    "care leavers in education",
    "waiting times for assessment",
)
INDICATORS = (
    ("Average social worker caseload", "count", "lower-is-better", "Social care workforce"),
    (
        "Care leavers in education, employment or training",
        "percent",
        "higher-is-better",
        "Looked after children",
    ),
    ("Assessments completed within 45 days", "percent", "higher-is-better", "Assessment"),
    ("Children in care per 10,000", "rate-per-10000", "neutral", "Looked after children"),
    ("Days from entering care to adoption", "days", "lower-is-better", "Adoption"),
    ("Re-referrals within 12 months", "percent", "lower-is-better", "Early help"),
    ("Agency social workers", "percent", "lower-is-better", "Social care workforce"),
    ("Placement stability score", "score", "higher-is-better", "Looked after children"),
)
ROLES_OFFICER = (
    "Director of Children's Services",
    "Head of Safeguarding",
    "Democratic Services Officer",
    "Head of Finance",
    "Assistant Director",
)


@dataclass(frozen=True)
class Sizes:
    councils: int
    committees_per_council: int
    years: int
    indicators: int
    meetings_per_year: int
    seed: int


class Tables:
    """Every CSV table, written row by row so even the national size stays small in memory."""

    def __init__(self, datasets: Path) -> None:
        self.datasets = datasets
        self._files: dict[str, tuple] = {}

    def header(self, name: str) -> None:
        """Open the table with its header, read from its schema (the one declaration)."""
        schema = yaml.safe_load((self.datasets / "schemas" / f"{name}.schema.yaml").read_text())
        fields = [f["name"] for f in schema["fields"]]
        handle = (self.datasets / f"{name}.csv").open("w", newline="", encoding="utf-8")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(fields)
        self._files[name] = (handle, writer, len(fields))

    def row(self, name: str, *values: object) -> None:
        """A row in the schema's column order; columns the generator does not know (optional
        ones added to the standard after it was written) are left empty."""
        _, writer, width = self._files[name]
        if len(values) > width:
            raise ValueError(f"{name}: {len(values)} values for {width} columns")
        cells = ["" if v is None else v for v in values]
        writer.writerow(cells + [""] * (width - len(cells)))

    def close(self) -> None:
        for handle, _, _ in self._files.values():
            handle.close()


@dataclass
class Person:
    person_id: str
    name: str


class Generator:
    def __init__(self, out: Path, sizes: Sizes) -> None:
        self.out = out
        self.sizes = sizes
        self.rng = random.Random(sizes.seed)
        self.tables = Tables(out / "datasets")
        self.used_ids: set[str] = set()
        self.counts = {"meetings": 0, "observations": 0}

    # -- people -----------------------------------------------------------------------------

    def person(self, council_id: str, honorific: str, kind: str, position: str = "") -> Person:
        name = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
        base = f"{council_id}-{name.lower().replace(' ', '-')}"
        person_id, n = base, 1
        while person_id in self.used_ids:
            n += 1
            person_id = f"{base}-{n}"
        self.used_ids.add(person_id)
        self.tables.row(
            "people", person_id, name, honorific, kind, council_id, position, "synthetic"
        )
        return Person(person_id, name)

    # -- the whole project ------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        (self.out / "datasets").mkdir(parents=True)
        for name in ("datapackage.yaml", "standard.yaml"):
            shutil.copy(ROOT / "datasets" / name, self.out / "datasets")
        shutil.copytree(ROOT / "datasets" / "schemas", self.out / "datasets" / "schemas")
        (self.out / "content" / "minutes").mkdir(parents=True)
        (self.out / "content" / "pages").mkdir(parents=True)
        package = yaml.safe_load((self.out / "datasets" / "datapackage.yaml").read_text())
        for resource in package["resources"]:
            self.tables.header(resource["name"])
        council_ids = [self.council(i) for i in range(self.sizes.councils)]
        self.tables.close()
        self.write_site(council_ids)
        return self.counts

    def council(self, index: int) -> str:
        name = f"{PLACES[index // len(ROOTS) % len(PLACES)]} " if index >= len(ROOTS) else ""
        name += ROOTS[index % len(ROOTS)] + SHIRES[(index * 7) % len(SHIRES)]
        council_id = name.lower().replace(" ", "-")
        self.tables.row(
            "councils",
            council_id,
            f"{name} County Council",
            f"https://www.{council_id}.gov.uk",
            "synthetic",
        )
        officers = [self.person(council_id, "", "officer", role) for role in ROLES_OFFICER]
        pool = [self.person(council_id, "County Councillor", "councillor") for _ in range(20)]
        for c in range(self.sizes.committees_per_council):
            self.committee(council_id, c, officers, pool)
        self.indicators(council_id)
        return council_id

    def committee(
        self, council_id: str, index: int, officers: list[Person], substitutes: list[Person]
    ) -> None:
        remit = REMITS[index % len(REMITS)]
        suffix = f" {index // len(REMITS) + 1}" if index >= len(REMITS) else ""
        name = f"{remit} Scrutiny Committee{suffix}"
        committee_id = f"{council_id}-c{index + 1:02d}"
        self.tables.row(
            "committees",
            committee_id,
            council_id,
            name,
            "scrutiny",
            f"Scrutiny of {remit.lower()}.",
            "synthetic",
        )
        members = [
            self.person(council_id, "County Councillor", "councillor")
            for _ in range(self.rng.randint(10, 12))
        ]
        coopted = self.person(council_id, "Mr", "co-optee")
        first_year = END_YEAR - self.sizes.years + 1
        meeting_ids = []
        for year in range(first_year, END_YEAR + 1):
            months = MONTHS[: self.sizes.meetings_per_year]
            for month in months:
                day = self.rng.randint(3, 26)
                date = dt.date(year, month, day)
                meeting_id = f"{committee_id}-{date.isoformat()}"
                self.meeting(
                    meeting_id, committee_id, date, name, members, coopted, substitutes, officers
                )
                meeting_ids.append((meeting_id, date))
        self.recommendations(council_id, committee_id, meeting_ids, officers)

    def meeting(
        self,
        meeting_id: str,
        committee_id: str,
        date: dt.date,
        committee_name: str,
        members: list[Person],
        coopted: Person,
        substitutes: list[Person],
        officers: list[Person],
    ) -> None:
        rng = self.rng
        self.counts["meetings"] += 1
        start = "10:00:00" if rng.random() < 0.6 else "14:00:00"
        self.tables.row(
            "meetings",
            meeting_id,
            committee_id,
            date.isoformat(),
            start,
            "Council Chamber, County Hall",
            "held",
            "approved",
            "true",
            "",
            "synthetic",
        )
        chair, vice, *rest = members
        away = rng.sample(rest, rng.randint(1, 3))
        subs = rng.sample(substitutes, rng.randint(0, min(2, len(away))))
        present_officers = rng.sample(officers, 2)
        rows = [(chair, "chair", "present", None), (vice, "vice-chair", "present", None)]
        rows += [(m, "member", "apologies" if m in away else "present", None) for m in rest]
        rows.append((coopted, "co-opted", "present", None))
        rows += [(s, "substitute", "present", away[i].person_id) for i, s in enumerate(subs)]
        rows += [(o, "officer", "present", None) for o in present_officers]
        for person, role, status, sub in rows:
            self.tables.row(
                "attendance",
                meeting_id,
                person.person_id,
                person.name,
                role,
                status,
                sub,
                "",
                "synthetic",
            )
        items = [
            "Apologies and substitutions",
            "Declarations of interest",
            "Minutes of the previous meeting",
            *rng.sample(ITEM_TITLES, rng.randint(4, 6)),
        ]
        for no, title in enumerate(items, start=1):
            self.tables.row(
                "agenda_items",
                meeting_id,
                no,
                "",
                title,
                f"{no * 4}-{no * 4 + 3}" if no > 3 else "",
                "public",
                present_officers[0].name if no > 3 else "",
                "",
                "synthetic",
            )
            if no == 3:
                self.tables.row(
                    "decisions",
                    f"{meeting_id}-3-i",
                    meeting_id,
                    3,
                    "i",
                    "The minutes of the previous meeting be approved.",
                    "synthetic",
                )
            elif no > 3:
                for k, sub_point in enumerate(("i", "ii")[: rng.randint(1, 2)]):
                    text = (
                        "The report be noted."
                        if k == 0
                        else f"A further report on {rng.choice(BULLETS)} come to a future meeting."
                    )
                    self.tables.row(
                        "decisions",
                        f"{meeting_id}-{no}-{sub_point}",
                        meeting_id,
                        no,
                        sub_point,
                        text,
                        "synthetic",
                    )
        if rng.random() < 0.15:
            self.tables.row(
                "declarations",
                meeting_id,
                5,
                rng.choice(rest).person_id,
                "non-pecuniary",
                "School governor",
                "synthetic",
            )
        self.minutes(meeting_id, committee_name, date, items, chair, away, subs)

    def minutes(
        self,
        meeting_id: str,
        committee_name: str,
        date: dt.date,
        items: list[str],
        chair: Person,
        away: list[Person],
        subs: list[Person],
    ) -> None:
        rng = self.rng
        lines = [
            "---",
            f"meeting_id: {meeting_id}",
            "source: synthetic",
            "---",
            f"# Minutes of the {committee_name}",
            "",
            f"Held on {date.day} {date:%B %Y}. County Councillor {chair.name} in the chair.",
            "",
        ]
        for no, title in enumerate(items, start=1):
            lines += [f"## {no}. {title}", ""]
            if no == 1:
                lines += [
                    f"Apologies were received from County Councillor {p.name}." for p in away
                ] + [""]
                lines += [f"County Councillor {s.name} attended as a substitute." for s in subs]
                lines.append("")
                continue
            for _ in range(rng.randint(2, 4)):
                lines += [" ".join(rng.sample(SENTENCES, 2)), ""]
            lines += ["Members discussed:", ""]
            lines += [f"- {b}" for b in rng.sample(BULLETS, 3)] + [""]
            if no == 4:
                lines += ["| Measure | Last year | This year |", "| --- | ---: | ---: |"]
                lines += [
                    f"| {b.capitalize()} | {rng.randint(10, 900):,} | {rng.randint(10, 900):,} |"
                    for b in rng.sample(BULLETS, 3)
                ]
                lines.append("")
            if no >= 3:
                lines += ["**Resolved:** that the report be noted.", ""]
        path = self.out / "content" / "minutes" / f"{meeting_id}.md"
        path.write_text("\n".join(lines), encoding="utf-8")

    def recommendations(
        self,
        council_id: str,
        committee_id: str,
        meetings: list[tuple[str, dt.date]],
        officers: list[Person],
    ) -> None:
        rng = self.rng
        for n in range(1, 4):
            rec_id = f"{committee_id}-rec-{n}"
            made = meetings[rng.randrange(len(meetings) // 2)][1]
            self.tables.row(
                "recommendations",
                rec_id,
                council_id,
                committee_id,
                "scrutiny-inquiry",
                "Task and finish group",
                n,
                f"Improve {rng.choice(BULLETS)}.",
                made.isoformat(),
                officers[0].name,
                "synthetic",
            )
            later = sorted({d for _, d in meetings if d > made})[:4]
            for i, as_at in enumerate(later):
                rag = ("red", "amber", "green", "complete")[min(i, 3)]
                self.tables.row(
                    "recommendation_updates",
                    rec_id,
                    as_at.isoformat(),
                    rag,
                    "Progress reported to the committee.",
                    "synthetic",
                )
        version = meetings[-1][1]
        for seq, (meeting_id, date) in enumerate(meetings[-3:], start=1):
            self.tables.row(
                "workplan",
                committee_id,
                version.isoformat(),
                seq,
                date.isoformat(),
                f"{date.day} {date:%B %Y}",
                rng.choice(ITEM_TITLES),
                officers[0].name,
                "For scrutiny",
                meeting_id,
                "synthetic",
            )

    def indicators(self, council_id: str) -> None:
        rng = self.rng
        first_year = END_YEAR - self.sizes.years + 1
        for n in range(self.sizes.indicators):
            name, unit, polarity, theme = INDICATORS[n % len(INDICATORS)]
            indicator_id = f"{council_id}-kpi-{n + 1:03d}"
            self.tables.row(
                "indicators",
                indicator_id,
                council_id,
                f"{name} ({n // len(INDICATORS) + 1})",
                theme,
                unit,
                polarity,
                "Synthetic indicator for benchmarks.",
                "synthetic",
            )
            level = rng.uniform(20, 80)
            for period_end, label in _months(first_year, END_YEAR):
                level = min(99.0, max(1.0, level + rng.uniform(-2, 2)))
                values = {
                    "actual": level,
                    "target": 50.0,
                    "england-average": 48 + rng.uniform(-1, 1),
                    "statistical-neighbours": 46 + rng.uniform(-1, 1),
                }
                for series, value in values.items():
                    self.tables.row(
                        "observations",
                        indicator_id,
                        period_end,
                        series,
                        f"{value:.1f}",
                        label,
                        "",
                        "synthetic",
                    )
                    self.counts["observations"] += 1

    def write_site(self, council_ids: list[str]) -> None:
        councils = ", ".join(council_ids)
        (self.out / "site.yaml").write_text(
            "# A synthetic project written by benchmarks/generate.py.\n"
            "title: Synthetic Scrutiny Records\n"
            "publisher: Synthetic County Council\n"
            "contact_email: democracy@synthetic.example\n"
            "base_url: https://synthetic.example/\n"
            f"councils: [{councils}]\n"
            "navigation:\n"
            "  - {title: Meetings, url: meetings/}\n"
            "  - {title: Committees, url: committees/}\n"
            "  - {title: People, url: people/}\n"
            "  - {title: Indicators, url: indicators/}\n"
            "  - {title: Recommendations, url: recommendations/}\n",
            encoding="utf-8",
        )
        (self.out / "content" / "pages" / "about.md").write_text(
            "---\ntitle: About this site\n---\nSynthetic records for benchmarking.\n",
            encoding="utf-8",
        )
        (self.out / ".gitignore").write_text("_site/\n.cache/\n", encoding="utf-8")


def _months(first_year: int, last_year: int) -> Iterator[tuple[str, str]]:
    for year in range(first_year, last_year + 1):
        for month in range(1, 13):
            last = calendar.monthrange(year, month)[1]
            yield dt.date(year, month, last).isoformat(), f"{calendar.month_abbr[month]} {year}"


def parse_args(argv: list[str] | None = None) -> tuple[Path, Sizes]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--out", type=Path, required=True, help="new folder to write")
    for name in ("councils", "committees-per-council", "years", "indicators", "meetings-per-year"):
        parser.add_argument(f"--{name}", type=int, help="override the size's default")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    values = dict(SIZES[args.size])
    for key in values:
        if getattr(args, key) is not None:
            values[key] = getattr(args, key)
    if not 1 <= values["meetings_per_year"] <= len(MONTHS):
        parser.error(f"--meetings-per-year must be between 1 and {len(MONTHS)}")
    return args.out, Sizes(seed=args.seed, **values)


def main(argv: list[str] | None = None) -> int:
    out, sizes = parse_args(argv)
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} exists and is not empty: choose a new folder")
    counts = Generator(out, sizes).run()
    print(f"Wrote {counts['meetings']} meetings and {counts['observations']} observations to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
