"""The one reader of text and YAML files: what is wrong with a file, in an officer's words,
with the line to look at.

Every file scrutiny reads as text (site.yaml, datapackage.yaml, the schemas, Markdown with
front matter; CSV through `bytes_problem`) passes through here, so a file saved as
Windows-1252, a stray NUL byte, a control character pasted from a PDF or a YAML slip is worded
the same way wherever it happens. A file that cannot be used raises `Unreadable`, carrying one
Problem; callers decide whether that stops the project (exit 2) or is a data problem (exit 1).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from scrutiny.problems import Problem

SAVE_AS_UTF8 = "Save it as UTF-8."
YAML_HINT = "Check the indentation and quoting on that line."
# Characters that have no place in text and that XML outputs (feeds) cannot hold.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


class Unreadable(Exception):
    """A file that cannot be used as it is; `problem` says where and why."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.as_text())


def line_at(data: bytes | str, offset: int) -> int:
    """The line (from 1) on which the byte or character at `offset` stands."""
    newline = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(newline, 0, offset) + 1  # type: ignore[arg-type]


def bytes_problem(data: bytes, shown: str, hint: str = SAVE_AS_UTF8) -> Problem | None:
    """A NUL byte, or bytes that are not UTF-8, as a Problem on its line; None when the bytes
    are UTF-8 text. (CSV reading calls this before parsing; `read_text` uses it too.)"""
    nul = data.find(b"\x00")
    if nul >= 0:
        return Problem(
            shown,
            line=line_at(data, nul),
            message="the file contains a NUL byte (it may be a binary or UTF-16 file)",
            hint=hint,
            rule="nul-byte",
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        return Problem(
            shown,
            line=line_at(data, exc.start),
            message="the file is not UTF-8 text "
            f"(byte 0x{bad}; it looks like Windows-1252 or Latin-1)",
            hint=hint,
            rule="encoding",
        )
    return None


def control_problem(text: str, shown: str) -> Problem | None:
    """The first invisible control character in the text, as a Problem on its line."""
    found = CONTROL.search(text)
    if found is None:
        return None
    return Problem(
        shown,
        line=line_at(text, found.start()),
        message=f"the file contains an invisible control character (U+{ord(found.group()):04X})",
        hint="Delete it: such characters usually come from text copied out of a PDF.",
        rule="control-character",
    )


def read_text(path: Path, shown: str, missing_hint: str = "") -> str:
    """The file as text; Unreadable if it is missing, not UTF-8, or holds NUL or control
    characters. A leading byte-order mark is dropped."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise Unreadable(
            Problem(shown, message="file not found", hint=missing_hint, rule="file-missing")
        ) from None
    except OSError as exc:
        raise Unreadable(
            Problem(shown, message=f"cannot be read: {exc.strerror}", rule="file-unreadable")
        ) from None
    problem = bytes_problem(data, shown)
    text = data.decode("utf-8") if problem is None else ""
    problem = problem or control_problem(text, shown)
    if problem is not None:
        raise Unreadable(problem)
    return text.removeprefix("\ufeff")


def load_mapping(
    text: str,
    shown: str,
    *,
    first_line: int = 1,
    what: str = "the file",
    hint: str = YAML_HINT,
    empty_hint: str | None = None,
) -> dict[str, Any]:
    """YAML text that must be a mapping (`key: value` lines), read with the C loader.

    `first_line` is the file line the YAML starts on (front matter starts on line 2); `what`
    names it in messages. Empty YAML is an empty mapping unless `empty_hint` is given, when it
    is a problem with that hint."""
    try:
        data = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        line, reason = describe(exc, first_line)
        message = f"{what} is not valid YAML: {reason}"
        problem = Problem(shown, line=line, message=message, hint=hint, rule="yaml")
        raise Unreadable(problem) from None
    if data is None and empty_hint is not None:
        raise Unreadable(Problem(shown, message=f"{what} is empty", hint=empty_hint, rule="yaml"))
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise Unreadable(
            Problem(
                shown,
                line=first_line,
                message=f"{what} must be `key: value` lines",
                hint=hint,
                rule="yaml",
            )
        )
    return data


def read_mapping(path: Path, shown: str, missing_hint: str = "", **options: Any) -> dict[str, Any]:
    """A whole YAML file that must be a mapping: `read_text`, then `load_mapping`."""
    return load_mapping(read_text(path, shown, missing_hint), shown, **options)


_UNCLOSED = {
    "flow sequence": "a list opened with [ is never closed with ]",
    "flow mapping": "a mapping opened with { is never closed with }",
    "quoted scalar": "a quote is opened and never closed",
}
_PLAIN = {
    "mapping values are not allowed": (
        "a second ': ' on one line (put text containing ': ' in quotes)"
    ),
    "cannot start any token": "a character YAML does not allow here (a tab? indent with spaces)",
    "did not find expected key": "the indentation does not line up with the lines above",
}


def describe(error: yaml.YAMLError, first_line: int = 1) -> tuple[int | None, str]:
    """(line, explanation) for a YAML error; `first_line` is the file line the YAML starts on.

    PyYAML reports where it noticed the problem, which for an unclosed bracket is a later
    line; the line that needs fixing is where the bracket was opened, so that is reported."""
    problem = str(getattr(error, "problem", None) or error).strip()
    context = str(getattr(error, "context", None) or "")
    mark = getattr(error, "problem_mark", None)
    context_mark = getattr(error, "context_mark", None)
    for kind, words in _UNCLOSED.items():
        if kind in context and context_mark is not None:
            return context_mark.line + first_line, words
    line = mark.line + first_line if mark is not None else None
    for fragment, words in _PLAIN.items():
        if fragment in problem:
            return line, words
    return line, problem
