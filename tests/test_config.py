"""site.yaml is read into one frozen object; mistakes name the key and the file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from scrutiny.config import OGL, load_config
from scrutiny.problems import ProjectError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    return path


BASE = "title: T\npublisher: P\ncontact_email: a@b.example\n"


def test_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, BASE))
    assert config.licence.url == OGL["url"]
    assert config.language == "en-GB"
    assert config.base_url is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.title = "changed"  # type: ignore[misc]


def test_base_url_gets_a_trailing_slash(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, BASE + "base_url: https://x.example/site\n"))
    assert config.base_url == "https://x.example/site/"


@pytest.mark.parametrize(
    ("extra", "key", "words"),
    [
        ("colour: red\n", "colour", "unknown key"),
        ("councils: lancashire\n", "councils", "expected a list"),
        ("navigation:\n  - {title: A}\n", "navigation[0].url", "is required"),
        ("licence: {id: X, name: Y, url: Z, extra: 1}\n", "licence.extra", "unknown key"),
        ("language: English\n", "language", "not a language tag"),
        ("title: 3\n", "title", "expected text"),
    ],
)
def test_mistakes_name_the_key(tmp_path: Path, extra: str, key: str, words: str) -> None:
    text = BASE.replace("title: T\n", "") if extra.startswith("title") else BASE
    with pytest.raises(ProjectError) as error:
        load_config(write(tmp_path, text + extra))
    problems = error.value.problems
    assert any(p.field == key and words in p.message and p.path == "site.yaml" for p in problems), (
        problems
    )


def test_broken_yaml_gives_the_line(tmp_path: Path) -> None:
    with pytest.raises(ProjectError) as error:
        load_config(write(tmp_path, BASE + "navigation: [\n"))
    assert error.value.problems[0].line is not None
