"""PyYAML's errors in words a council officer can act on, with the line to look at.

PyYAML reports where it noticed the problem, which for an unclosed bracket is a later line; the
line that needs fixing is where the bracket was opened, so that is the line reported.
"""

from __future__ import annotations

import yaml

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
    """(line, explanation) for a YAML error; `first_line` is the file line the YAML starts on."""
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
