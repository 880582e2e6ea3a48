"""Every transcribed figure, resolution, attendee and work-plan topic can be checked at its source.

For each observation, decision, attendance and work-plan row of the example data, the cited line (or
line range) of the seed document in sources/ contains the value, name or topic as written.
"""

from __future__ import annotations

import csv
import re
from functools import cache

import pytest
from conftest import ROOT

SOURCES = ROOT / "sources"
CITATION = re.compile(
    r"^(?P<file>[0-9]{3}_[0-9a-f]{16}\.txt):(?P<first>[0-9]+)(-(?P<last>[0-9]+))?$"
)


def rows(table: str) -> list[dict[str, str]]:
    with (ROOT / "datasets" / f"{table}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def lines(name: str) -> list[str]:
    return (SOURCES / name).read_text(encoding="utf-8").split("\n")


def cited_text(source: str) -> str:
    match = CITATION.match(source)
    assert match, f"source {source!r} is not `file.txt:LINE` or `file.txt:FIRST-LAST`"
    first = int(match["first"])
    last = int(match["last"] or first)
    text = lines(match["file"])
    assert 1 <= first <= last <= len(text), f"{source} is outside the file"
    return "\n".join(text[first - 1 : last])


def normalise(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("**", "")
    text = re.sub(r"(?m)^\s*(-|\*|\d+\.|[ivxlc]+[.)]|\(?[a-z0-9]+\))\s+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_forms(value: str) -> set[str]:
    number = float(value)
    forms = {value}
    if number.is_integer():
        forms |= {str(int(number)), f"{int(number):,}"}
    else:
        forms |= {f"{number:g}", f"{number:,}"}
    # Money written as "£2.5m" or "£541k".
    for scale, suffix in ((1_000_000, "m"), (1_000, "k")):
        short = f"{number / scale:g}"
        if "e" not in short and round(float(short) * scale, 6) == number:
            forms.add(short + suffix)
    return forms | {f.lstrip("-") for f in forms}


def number_words(value: str) -> set[str]:
    """A whole number as the source may write it in words: "ten", "Twenty-eight", "a thousand"."""
    number = float(value)
    if not number.is_integer() or number < 0:
        return set()
    n = int(number)
    if n < 20:
        return {UNITS[n]}
    if n < 100:
        tens, units = divmod(n, 10)
        if not units:
            return {TENS[tens - 2]}
        return {f"{TENS[tens - 2]}-{UNITS[units]}", f"{TENS[tens - 2]} {UNITS[units]}"}
    return {100: {"a hundred", "one hundred"}, 1000: {"a thousand", "one thousand"}}.get(n, set())


def contains_number(text: str, value: str) -> bool:
    text = text.replace("\u00a0", " ")
    return any(
        re.search(rf"(?<![\d.]){re.escape(form)}(?![\d]|\.\d)", text)
        for form in number_forms(value)
    ) or any(
        re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.IGNORECASE)
        for word in number_words(value)
    )


def transcribed(table: str) -> list[dict[str, str]]:
    return [r for r in rows(table) if CITATION.match(r["source"].split(";")[0])]


def test_every_row_cites_a_seed_document() -> None:
    for table in (
        "meetings",
        "agenda_items",
        "attendance",
        "decisions",
        "observations",
        "indicators",
        "recommendations",
        "recommendation_updates",
        "workplan",
    ):
        for row in rows(table):
            assert CITATION.match(row["source"]), f"{table}: {row}"


@pytest.mark.parametrize(
    "row",
    transcribed("observations"),
    ids=lambda r: f"{r['indicator_id']}/{r['period_end']}/{r['series']}",
)
def test_observation_value_is_on_the_cited_line(row: dict[str, str]) -> None:
    assert contains_number(cited_text(row["source"]), row["value"]), (
        f"{row['value']} not found at {row['source']}"
    )


@pytest.mark.parametrize("row", transcribed("decisions"), ids=lambda r: r["decision_id"])
def test_decision_text_is_verbatim_at_the_cited_lines(row: dict[str, str]) -> None:
    assert normalise(row["text"]) in normalise(cited_text(row["source"]))


@pytest.mark.parametrize(
    "row", transcribed("attendance"), ids=lambda r: f"{r['meeting_id']}/{r['person_id']}"
)
def test_attendee_name_is_on_the_cited_lines(row: dict[str, str]) -> None:
    assert normalise(row["name_as_written"]) in normalise(cited_text(row["source"]))


def in_order_across_a_break(topic: str, cited: str) -> bool:
    """The topic is on the lines, or it is split in two at a page break, each part verbatim."""
    if topic in cited:
        return True
    words = topic.split(" ")
    for cut in range(1, len(words)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        at = cited.find(head)
        if at >= 0 and tail in cited[at + len(head) :]:
            return True
    return False


@pytest.mark.parametrize(
    "row",
    transcribed("workplan"),
    ids=lambda r: f"{r['committee_id']}/{r['plan_version']}/{r['seq']}",
)
def test_workplan_topic_is_on_the_cited_lines(row: dict[str, str]) -> None:
    assert in_order_across_a_break(normalise(row["topic"]), normalise(cited_text(row["source"]))), (
        f"{row['topic']!r} not at {row['source']}"
    )


def test_the_checks_fail_on_a_wrong_value_or_line() -> None:
    row = transcribed("observations")[0]
    cited = cited_text(row["source"])
    assert not contains_number(cited, str(float(row["value"]) + 1234567))
    name = CITATION.match(row["source"])["file"]
    blank = next(i + 1 for i, line in enumerate(lines(name)) if not line.strip())
    assert not contains_number(cited_text(f"{name}:{blank}"), row["value"])
    assert contains_number("ten young people", "10")
    assert contains_number("Twenty-eight serious incident notifications", "28")
    assert contains_number("a growth bid for £2.5m", "2500000")
    assert not contains_number("tenant", "10")
    assert not contains_number("a growth bid for £2.5m", "2500")
    decision = transcribed("decisions")[0]
    assert normalise(decision["text"] + " and more") not in normalise(
        cited_text(decision["source"])
    )
    entry = transcribed("workplan")[0]
    assert not in_order_across_a_break(
        normalise(entry["topic"] + " and more"), normalise(cited_text(entry["source"]))
    )
