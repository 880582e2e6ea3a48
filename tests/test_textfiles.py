"""textfiles is the one reader of text and YAML: every way a file can be unusable is one Problem
on the line to look at, worded the same wherever the file is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrutiny.textfiles import Unreadable, bytes_problem, load_mapping, read_mapping, read_text


@pytest.mark.parametrize(
    ("data", "line", "rule", "words"),
    [
        (b"a: 1\nb: \x93quoted\x94\n", 2, "encoding", "not UTF-8 text (byte 0x93"),
        (b"a: 1\n\nb: 2\x00\n", 3, "nul-byte", "NUL byte"),
        (b"a: 1\nb: page\x0cbreak\n", 2, "control-character", "control character (U+000C)"),
    ],
)
def test_unusable_text_is_named_on_its_line(
    tmp_path: Path, data: bytes, line: int, rule: str, words: str
) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(data)
    with pytest.raises(Unreadable) as error:
        read_text(path, "f.yaml")
    problem = error.value.problem
    assert (problem.path, problem.line, problem.rule) == ("f.yaml", line, rule)
    assert words in problem.message


def test_bytes_problem_is_none_for_utf8_and_keeps_the_callers_hint() -> None:
    assert bytes_problem("£ café\n".encode(), "t.csv") is None
    assert bytes_problem(b"x\n\xa3\n", "t.csv", hint="Save as CSV UTF-8.").hint == (
        "Save as CSV UTF-8."
    )


def test_a_byte_order_mark_is_dropped_and_a_missing_file_named(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert read_mapping(path, "f.yaml") == {"a": 1}
    with pytest.raises(Unreadable) as error:
        read_text(tmp_path / "none.yaml", "none.yaml", missing_hint="Create it.")
    assert (error.value.problem.message, error.value.problem.hint) == (
        "file not found",
        "Create it.",
    )


def test_yaml_mistakes_give_the_file_line() -> None:
    with pytest.raises(Unreadable) as error:
        load_mapping(
            "title: x\ntags: [a, b\nnext: 1\n", "m.md", first_line=2, what="the front matter"
        )
    problem = error.value.problem
    assert problem.line == 3
    assert problem.message == (
        "the front matter is not valid YAML: a list opened with [ is never closed with ]"
    )
    with pytest.raises(Unreadable) as error:
        load_mapping("- a\n- b\n", "s.yaml")
    assert error.value.problem.message == "the file must be `key: value` lines"
    with pytest.raises(Unreadable) as error:
        load_mapping("", "s.yaml", empty_hint="Start from the example.")
    assert error.value.problem.message == "the file is empty"
    assert load_mapping("", "m.md") == {}
