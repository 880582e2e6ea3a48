"""Read `site.yaml` into one frozen SiteConfig; every mistake names the key and the file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scrutiny import textfiles as yamlerror
from scrutiny.problems import Problem, ProjectError

OGL = {
    "id": "OGL-UK-3.0",
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")
# A link or file inside the site: no scheme (javascript:, data:), no leading slash, no `..`,
# no spaces or control characters. Templates put the page's relative root in front of it.
SITE_PATH = re.compile(
    r"^(?![A-Za-z][A-Za-z0-9+.-]*:)(?![/\\])(?!.*(?:^|/)\.\.(?:/|$))[^\s\\\x00-\x1f\x7f]*$"
)


@dataclass(frozen=True)
class Licence:
    id: str
    name: str
    url: str


@dataclass(frozen=True)
class NavItem:
    title: str
    url: str


@dataclass(frozen=True)
class SiteConfig:
    title: str
    publisher: str
    contact_email: str
    description: str = ""
    licence: Licence = field(default_factory=lambda: Licence(**OGL))
    attribution: str = ""
    base_url: str | None = None
    language: str = "en-GB"
    timezone: str = "Europe/London"
    councils: tuple[str, ...] = ()
    navigation: tuple[NavItem, ...] = ()
    logo: str | None = None
    stylesheets: tuple[str, ...] = ()

    @property
    def attribution_text(self) -> str:
        return self.attribution or (
            f"Contains public sector information published by {self.publisher}, "
            f"licensed under the {self.licence.name}."
        )


_TOP_LEVEL: dict[str, tuple[type, bool]] = {
    "title": (str, True),
    "publisher": (str, True),
    "contact_email": (str, True),
    "description": (str, False),
    "licence": (dict, False),
    "attribution": (str, False),
    "base_url": (str, False),
    "language": (str, False),
    "timezone": (str, False),
    "councils": (list, False),
    "navigation": (list, False),
    "logo": (str, False),
    "stylesheets": (list, False),
}
_TYPE_WORDS = {str: "text", dict: "a mapping of keys", list: "a list", int: "a whole number"}


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def fail(self, key: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, None, key, message, hint, "site-config"))

    def check_keys(self, data: dict[str, Any], spec: dict[str, tuple[type, bool]], prefix: str):
        for key in data:
            if key not in spec:
                known = ", ".join(sorted(spec))
                self.fail(f"{prefix}{key}", f"unknown key '{key}'", f"Use one of: {known}.")
        for key, (kind, required) in spec.items():
            value = data.get(key)
            if value is None:
                if required:
                    self.fail(f"{prefix}{key}", f"'{key}' is required", f"Add a line `{key}: ...`.")
                continue
            if not isinstance(value, kind) or isinstance(value, bool):
                got = _TYPE_WORDS.get(type(value), type(value).__name__)
                self.fail(f"{prefix}{key}", f"expected {_TYPE_WORDS[kind]}, got {got}")


def load_config(path: Path, display_path: str = "site.yaml") -> SiteConfig:
    reader = _Reader(display_path)
    data = _read_yaml(path, display_path)
    reader.check_keys(data, _TOP_LEVEL, "")
    licence = _licence(data.get("licence"), reader)
    councils = _string_list(data.get("councils"), "councils", reader)
    navigation = _navigation(data.get("navigation"), reader)
    email = data.get("contact_email")
    if isinstance(email, str) and not EMAIL.match(email):
        reader.fail("contact_email", f"'{email}' is not an email address")
    language = data.get("language", "en-GB")
    if isinstance(language, str) and not LANGUAGE.match(language):
        reader.fail("language", f"'{language}' is not a language tag", "Use a tag like en-GB.")
    logo = data.get("logo")
    if isinstance(logo, str) and not (logo and SITE_PATH.match(logo)):
        reader.fail(
            "logo",
            f"'{logo}' is not a file name inside static/",
            "Put the image in static/ and give its name, for example logo.svg.",
        )
    stylesheets = _string_list(data.get("stylesheets"), "stylesheets", reader)
    for index, sheet in enumerate(stylesheets):
        if not (SITE_PATH.match(sheet) and sheet.endswith(".css")):
            reader.fail(
                f"stylesheets[{index}]",
                f"'{sheet}' is not a .css file name inside static/",
                "Put the stylesheet in static/ and give its name, for example council.css.",
            )
    base_url = data.get("base_url")
    if isinstance(base_url, str) and not re.match(r"^https?://", base_url):
        reader.fail("base_url", f"'{base_url}' must start with https:// or http://")
    if reader.problems:
        raise ProjectError(reader.problems)
    return SiteConfig(
        title=data["title"],
        publisher=data["publisher"],
        contact_email=data["contact_email"],
        description=data.get("description", ""),
        licence=licence,
        attribution=data.get("attribution", ""),
        base_url=base_url.rstrip("/") + "/" if base_url else None,
        language=language,
        timezone=data.get("timezone", "Europe/London"),
        councils=councils,
        navigation=navigation,
        logo=data.get("logo"),
        stylesheets=stylesheets,
    )


def _read_yaml(path: Path, display_path: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProjectError(
            [
                Problem(
                    display_path,
                    None,
                    None,
                    "file not found",
                    "Run scrutiny in a project folder that has a site.yaml.",
                    "site-config",
                )
            ]
        ) from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes().count(b"\n", 0, exc.start) + 1
        bad = exc.object[exc.start : exc.start + 1].hex()
        raise ProjectError(
            [
                Problem(
                    display_path,
                    line,
                    None,
                    f"not UTF-8 text (byte 0x{bad}; it looks like Windows-1252 or Latin-1)",
                    "Save the file as UTF-8.",
                    "site-config",
                )
            ]
        ) from None
    if not text.strip():
        raise ProjectError(
            [
                Problem(
                    display_path,
                    None,
                    None,
                    "the file is empty",
                    "Start from the example: title, publisher and contact_email are required.",
                    "site-config",
                )
            ]
        )
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line, reason = yamlerror.describe(exc)
        raise ProjectError(
            [
                Problem(
                    display_path,
                    line,
                    None,
                    f"not valid YAML: {reason}",
                    "Check indentation and quoting on that line.",
                    "site-config",
                )
            ]
        ) from None
    if not isinstance(data, dict):
        raise ProjectError(
            [
                Problem(
                    display_path,
                    None,
                    None,
                    "expected a mapping of settings such as `title: ...`",
                    "",
                    "site-config",
                )
            ]
        )
    return data


def _licence(value: Any, reader: _Reader) -> Licence:
    if not isinstance(value, dict):
        return Licence(**OGL)
    reader.check_keys(
        value, {"id": (str, True), "name": (str, True), "url": (str, True)}, "licence."
    )
    url = value.get("url")
    if isinstance(url, str) and not re.match(r"^https?://", url):
        reader.fail("licence.url", f"'{url}' must start with https:// or http://")
    if all(isinstance(value.get(k), str) for k in ("id", "name", "url")):
        return Licence(value["id"], value["name"], value["url"])
    return Licence(**OGL)


def _string_list(value: Any, key: str, reader: _Reader) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    for index, item in enumerate(value):
        if not isinstance(item, str):
            reader.fail(f"{key}[{index}]", "expected text")
    return tuple(item for item in value if isinstance(item, str))


def _navigation(value: Any, reader: _Reader) -> tuple[NavItem, ...]:
    if not isinstance(value, list):
        return ()
    items = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            reader.fail(f"navigation[{index}]", "expected `title:` and `url:`")
            continue
        before = len(reader.problems)
        reader.check_keys(item, {"title": (str, True), "url": (str, True)}, f"navigation[{index}].")
        url = item.get("url")
        if isinstance(url, str) and not SITE_PATH.match(url):
            reader.fail(
                f"navigation[{index}].url",
                f"'{url}' is not a path inside the site",
                "Write a path from the site's home page, such as meetings/ or data/.",
            )
        if len(reader.problems) == before:
            items.append(NavItem(item["title"], item["url"]))
    return tuple(items)
