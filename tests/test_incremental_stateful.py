"""Random sequences of edits to a small project: after every step the incremental build is
byte-identical to a cold build of the same inputs (Hypothesis stateful testing).

Edits: change, add and delete rows in tables; change a foreign key; edit, add and delete
Markdown; change a template and an included partial; change site.yaml; change a static file.
Builds run in this process (the real `build` function) to keep the test lean.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import BUILD_EPOCH, minimal_project
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from scrutiny.build import build
from scrutiny.project import Project

BUILTIN = Path(__file__).parents[1] / "src" / "scrutiny" / "templates"
WORDS = st.sampled_from(["Alpha", "Beta & Co", "Gamma, Delta", "Ωmega", "<b>bold</b>", "x"])


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


class Edits(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.work = Path(tempfile.mkdtemp(prefix="scrutiny-stateful-"))
        self.root = minimal_project(self.work / "project")
        self.project = Project.at(self.root)
        self.counter = 0

    # -- helpers -------------------------------------------------------------------------

    def touch(self, path: Path) -> None:
        """A distinct mtime for every edit, as an editor saving seconds apart gives."""
        self.counter += 1
        stamp = 1_600_000_000_000_000_000 + self.counter * 1_000_000_000
        os.utime(path, ns=(stamp, stamp))

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.touch(path)

    def rows(self, table: str) -> list[dict[str, str]]:
        with (self.root / "datasets" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    def save(self, table: str, rows: list[dict[str, str]]) -> None:
        path = self.root / "datasets" / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as f:
            header = next(csv.reader(f))
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        self.touch(path)

    # -- edits ---------------------------------------------------------------------------

    @initialize()
    def first_build(self) -> None:
        build(self.project)

    @rule(
        table_field=st.sampled_from(
            [
                ("meetings", "venue"),
                ("people", "name"),
                ("decisions", "text"),
                ("committees", "remit"),
                ("recommendation_updates", "commentary"),
                ("agenda_items", "title"),
            ]
        ),
        index=st.integers(0, 3),
        value=WORDS,
    )
    def change_cell(self, table_field: tuple[str, str], index: int, value: str) -> None:
        table, field = table_field
        rows = self.rows(table)
        rows[index % len(rows)][field] = value
        self.save(table, rows)

    @rule(index=st.integers(0, 3), value=st.integers(1, 99))
    def change_observation(self, index: int, value: int) -> None:
        rows = self.rows("observations")
        if rows:
            rows[index % len(rows)]["value"] = str(value)
            self.save("observations", rows)

    @rule(year=st.integers(2000, 2030), value=st.integers(0, 100))
    def add_observation(self, year: int, value: int) -> None:
        rows = self.rows("observations")
        key = ("testshire-care-leavers-eet", f"{year}-03-31", "actual")
        if any((r["indicator_id"], r["period_end"], r["series"]) == key for r in rows):
            return
        row = dict.fromkeys(rows[0], "") if rows else {}
        row |= dict(zip(("indicator_id", "period_end", "series"), key, strict=True))
        row |= {"value": str(value), "period_label": f"{year - 1}/{year % 100:02d}"}
        row["source"] = "test"
        self.save("observations", [*rows, row])

    @rule(index=st.integers(0, 9))
    def delete_observation(self, index: int) -> None:
        rows = self.rows("observations")
        if len(rows) > 1:
            del rows[index % len(rows)]
            self.save("observations", rows)

    @rule(number=st.integers(1, 3), name=WORDS)
    def add_or_delete_person(self, number: int, name: str) -> None:
        rows = self.rows("people")
        person = f"new-person-{number}"
        kept = [r for r in rows if r["person_id"] != person]
        if len(kept) == len(rows):
            extra = dict.fromkeys(rows[0], "") | {"person_id": person, "name": name}
            kept.append(extra | {"kind": "councillor", "council_id": "testshire"} | {"source": "t"})
        self.save("people", kept)

    @rule(number=st.integers(1, 2), text=WORDS)
    def add_or_delete_decision(self, number: int, text: str) -> None:
        rows = self.rows("decisions")
        decision = f"testshire-cyp-2017-03-14-2-{number}"
        kept = [r for r in rows if r["decision_id"] != decision]
        if len(kept) == len(rows):
            kept.append(
                {
                    "decision_id": decision,
                    "meeting_id": "testshire-cyp-2017-03-14",
                    "item_no": "2",
                    "sub_point": "",
                    "text": text,
                    "source": "test",
                }
            )
        self.save("decisions", kept)

    @rule(person=st.sampled_from(["ann-able", "bob-baker"]))
    def change_foreign_key(self, person: str) -> None:
        rows = self.rows("declarations")
        rows[0]["person_id"] = person
        self.save("declarations", rows)

    @rule(meeting=st.sampled_from(["testshire-cyp-2017-03-14", "testshire-cyp-2099-06-01", ""]))
    def change_workplan_meeting(self, meeting: str) -> None:
        rows = self.rows("workplan")
        rows[0]["meeting_id"] = meeting
        self.save("workplan", rows)

    @rule(text=WORDS)
    def edit_minutes(self, text: str) -> None:
        path = self.root / "content" / "minutes" / "testshire-cyp-2017-01-10.md"
        self.write(path.relative_to(self.root).as_posix(), path.read_text() + f"\n{text}\n")

    @rule(text=WORDS)
    def add_or_delete_minutes(self, text: str) -> None:
        relative = "content/minutes/testshire-cyp-2017-03-14.md"
        published = not (self.root / relative).exists()
        if published:
            self.write(relative, f"---\ntitle: Minutes\n---\n\n# Minutes\n\n{text}\n")
        else:
            (self.root / relative).unlink()
        meetings = self.rows("meetings")
        meetings[1]["minutes_published"] = "true" if published else "false"
        self.save("meetings", meetings)

    @rule(text=WORDS)
    def add_or_delete_page(self, text: str) -> None:
        relative = "content/pages/extra.md"
        if (self.root / relative).exists():
            (self.root / relative).unlink()
        else:
            self.write(relative, f"---\ntitle: Extra {text}\n---\n\nSome *text*: {text}\n")

    @rule(text=WORDS)
    def change_template(self, text: str) -> None:
        source = (BUILTIN / "meeting.html").read_text(encoding="utf-8")
        marker = "{% block content %}"
        self.write("templates/meeting.html", source.replace(marker, f"{marker}<p>{text}</p>", 1))

    @rule(text=WORDS)
    def change_partial(self, text: str) -> None:
        source = (BUILTIN / "partials" / "breadcrumbs.html").read_text(encoding="utf-8")
        self.write("templates/partials/breadcrumbs.html", source + f"<!-- {text} -->\n")

    @rule(title=WORDS)
    def change_site_yaml(self, title: str) -> None:
        path = self.root / "site.yaml"
        lines = path.read_text(encoding="utf-8").splitlines()
        lines = [f"title: {title!r}" if li.startswith("title:") else li for li in lines]
        self.write("site.yaml", "\n".join(lines) + "\n")

    @rule(text=WORDS)
    def change_static_file(self, text: str) -> None:
        self.write("static/extra.css", f"/* {text} */\n")

    # -- the property --------------------------------------------------------------------

    @invariant()
    def incremental_equals_cold(self) -> None:
        build(self.project)
        self.counter += 1
        cold = self.work / f"cold-{self.counter}"
        build(self.project, cold, use_cache=False)
        incremental, expected = tree(self.root / "_site"), tree(cold)
        assert sorted(incremental) == sorted(expected)
        assert [name for name in expected if incremental[name] != expected[name]] == []
        shutil.rmtree(cold)

    def teardown(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    monkeypatch.setenv("SCRUTINY_JOBS", "1")


TestEdits = Edits.TestCase
TestEdits.settings = settings(
    max_examples=3,
    stateful_step_count=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
