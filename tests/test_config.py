"""site.yaml is read into one frozen object; every key's wrong kind or wrong value is a problem
naming the key and the file (exit 2, no traceback), and the declaration in scrutiny.config is
the one list of keys these tests walk."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import minimal_project, run_scrutiny

from scrutiny.config import OGL, ListOf, Record, SiteConfig, load_config, settings
from scrutiny.problems import ProjectError

BASE = "title: T\npublisher: P\ncontact_email: a@b.example\n"
KEYS = settings(SiteConfig)

# For every key, a value of the right kind that is still wrong, and the words that say so.
WRONG_VALUES = {
    "title": ('"T\\a"', "title", "invisible control character"),
    "publisher": ('"P\\f"', "publisher", "invisible control character"),
    "contact_email": ("not-an-address", "contact_email", "is not an email address"),
    "description": ('"\\e[31m red"', "description", "invisible control character"),
    "licence": ("{id: X, name: Y, url: ftp://x.example}", "licence.url", "must start with"),
    "attribution": ('"\\0"', "attribution", "invisible control character"),
    "base_url": ("example.org/site", "base_url", "must start with https:// or http://"),
    "language": ("English", "language", "is not a language tag"),
    "timezone": ("Mars/Olympus", "timezone", "'Mars/Olympus' is not a time zone"),
    "councils": ("[Lancashire]", "councils[0]", "is not a council id"),
    "navigation": ("[{title: A, url: 'javascript:alert(1)'}]", "navigation[0].url", "inside"),
    "logo": ("../secret.png", "logo", "is not a file name inside static/"),
    "stylesheets": ("[council.txt]", "stylesheets[0]", "is not a .css file name"),
}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_for(tmp_path: Path, key: str, value: str) -> list:
    lines = [ln for ln in BASE.splitlines(keepends=True) if not ln.startswith(f"{key}:")]
    with pytest.raises(ProjectError) as error:
        load_config(write(tmp_path, "".join(lines) + f"{key}: {value}\n"))
    assert all(p.path == "site.yaml" and p.rule == "site-config" for p in error.value.problems)
    return list(error.value.problems)


def wrong_kind(key: str) -> tuple[str, str]:
    """A value of the wrong kind for the key, and how the message names what was expected."""
    kind = KEYS[key].kind
    if isinstance(kind, ListOf):
        return "just one line", "expected a list, got text"
    if isinstance(kind, Record):
        return "just one line", f"expected {kind.words}, got text"
    return "[a, list]", "expected text, got a list"


def test_every_key_has_a_wrong_value_case() -> None:
    assert set(WRONG_VALUES) == set(KEYS)


@pytest.mark.parametrize("key", list(KEYS))
def test_wrong_kind_names_the_key(tmp_path: Path, key: str) -> None:
    value, words = wrong_kind(key)
    found = problems_for(tmp_path, key, value)
    assert [(p.field, p.message) for p in found] == [(key, words)]


@pytest.mark.parametrize("key", list(WRONG_VALUES))
def test_wrong_value_names_the_key(tmp_path: Path, key: str) -> None:
    value, field, words = WRONG_VALUES[key]
    found = problems_for(tmp_path, key, value)
    assert len(found) == 1 and found[0].field == field and words in found[0].message, found


@pytest.mark.parametrize("key", [k for k, spec in KEYS.items() if spec.required])
def test_required_keys(tmp_path: Path, key: str) -> None:
    text = "".join(ln for ln in BASE.splitlines(True) if not ln.startswith(f"{key}:"))
    with pytest.raises(ProjectError) as error:
        load_config(write(tmp_path, text))
    assert [(p.field, p.message) for p in error.value.problems] == [(key, f"'{key}' is required")]


def test_defaults_come_from_the_declaration(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, BASE))
    for key, spec in KEYS.items():
        if not spec.required:
            assert getattr(config, key) == spec.default
    assert config.licence.url == OGL["url"]
    assert config.language == "en-GB" and config.timezone == "Europe/London"
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.title = "changed"  # type: ignore[misc]


def test_every_key_read(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            BASE + "base_url: https://x.example/site\ntimezone: Europe/Dublin\n"
            "councils: [testshire]\nnavigation: [{title: Home, url: ''}, {title: M, url: m/}]\n"
            "stylesheets: [a.css]\nlogo: img/logo.svg\n"
            "licence: {id: CC-BY-4.0, name: CC BY 4.0, url: https://cc.example/by/4.0/}\n",
        )
    )
    assert config.base_url == "https://x.example/site/"
    assert config.timezone == "Europe/Dublin"
    assert config.councils == ("testshire",) and config.stylesheets == ("a.css",)
    assert [(n.title, n.url) for n in config.navigation] == [("Home", ""), ("M", "m/")]
    assert config.licence.id == "CC-BY-4.0" and config.logo == "img/logo.svg"


@pytest.mark.parametrize(
    ("extra", "key", "words"),
    [
        ("colour: red\n", "colour", "unknown key"),
        ("navigation:\n  - {title: A}\n", "navigation[0].url", "is required"),
        ("licence: {id: X, name: Y, url: Z, extra: 1}\n", "licence.extra", "unknown key"),
        ("timezone: Europe\n", "timezone", "is not a time zone"),
        ("timezone: ../../etc/passwd\n", "timezone", "is not a time zone"),
    ],
)
def test_mistakes_name_the_key(tmp_path: Path, extra: str, key: str, words: str) -> None:
    with pytest.raises(ProjectError) as error:
        load_config(write(tmp_path, BASE + extra))
    assert any(p.field == key and words in p.message for p in error.value.problems), (
        error.value.problems
    )


def test_every_mistake_is_reported_at_once(tmp_path: Path) -> None:
    with pytest.raises(ProjectError) as error:
        load_config(write(tmp_path, "title: [x]\ncontact_email: nope\ntimezone: Mars/Olympus\n"))
    fields = {p.field for p in error.value.problems}
    assert fields == {"title", "publisher", "contact_email", "timezone"}


def test_broken_yaml_gives_the_line(tmp_path: Path) -> None:
    with pytest.raises(ProjectError) as error:
        load_config(write(tmp_path, BASE + "councils: [testshire\nlogo: x.png\n"))
    [problem] = error.value.problems
    assert problem.line == 4 and "a list opened with [ is never closed" in problem.message


def test_unknown_time_zone_stops_the_build_with_exit_2(tmp_path: Path) -> None:
    """It used to pass validation and end the build with a ZoneInfoNotFoundError traceback."""
    project = minimal_project(tmp_path / "project")
    with (project / "site.yaml").open("a", encoding="utf-8") as handle:
        handle.write("timezone: Mars/Olympus\n")
    for command in (["validate", project], ["build", project, "--out", tmp_path / "site"]):
        result = run_scrutiny(*command)
        assert result.returncode == 2, result.stdout + result.stderr
        output = result.stdout + result.stderr
        assert "site.yaml: timezone: 'Mars/Olympus' is not a time zone" in output
        assert "Traceback" not in output
    assert not (tmp_path / "site").exists()
