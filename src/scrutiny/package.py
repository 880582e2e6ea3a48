"""The data package as the project declares it: tables, their schemas and the keys joining them.

`datasets/datapackage.yaml` lists the resources; each resource's Table Schema lives in
`datasets/schemas/<table>.schema.yaml`; foreign keys are declared on the resource in the
package file and merged into the schema here, so frictionless sees one complete descriptor.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from frictionless import Schema

from scrutiny.problems import Problem, ProjectError
from scrutiny.project import Project

FIELD_TYPES = {"string", "integer", "number", "date", "time", "boolean", "datetime", "year"}


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    required: bool
    constraints: dict[str, Any]


@dataclass(frozen=True)
class Table:
    name: str
    path: Path
    schema_path: Path
    schema: dict[str, Any]
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    title: str
    description: str

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


@dataclass(frozen=True)
class DataPackage:
    descriptor: dict[str, Any]
    tables: tuple[Table, ...]

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)

    def frictionless_descriptor(self) -> dict[str, Any]:
        """The package with every schema inlined, as frictionless expects it."""
        descriptor = {k: v for k, v in self.descriptor.items() if k != "resources"}
        descriptor["resources"] = [
            {
                "name": t.name,
                "path": t.path.name,
                "schema": t.schema,
                "format": "csv",
                "encoding": "utf-8",
            }
            for t in self.tables
        ]
        return descriptor


def load_package(project: Project) -> DataPackage:
    shown = project.relative(project.datapackage)
    descriptor = _read_yaml(project.datapackage, shown)
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        raise ProjectError(
            [
                Problem(
                    shown,
                    None,
                    "resources",
                    "no resources are declared",
                    "List each table under `resources:`.",
                    "package",
                )
            ]
        )
    tables, problems = [], []
    for index, resource in enumerate(resources):
        try:
            tables.append(_table(project, resource, index, shown))
        except ProjectError as error:
            problems.extend(error.problems)
    if problems:
        raise ProjectError(problems)
    return DataPackage(descriptor, tuple(tables))


def _table(project: Project, resource: Any, index: int, shown: str) -> Table:
    where = f"resources[{index}]"
    if not isinstance(resource, dict) or not all(
        isinstance(resource.get(k), str) for k in ("name", "path", "schema")
    ):
        raise ProjectError(
            [
                Problem(
                    shown,
                    None,
                    where,
                    "each resource needs `name`, `path` and `schema`",
                    "",
                    "package",
                )
            ]
        )
    path = _inside(project.datasets, resource["path"], shown, f"{where}.path")
    schema_path = _inside(project.datasets, resource["schema"], shown, f"{where}.schema")
    schema_shown = project.relative(schema_path)
    schema = _read_yaml(schema_path, schema_shown)
    schema = copy.deepcopy(schema)
    schema["foreignKeys"] = _foreign_keys(resource.get("foreignKeys", []), shown, where)
    _check_schema(schema, schema_shown)
    fields = tuple(
        Field(
            f["name"],
            f.get("type", "string"),
            f.get("description", ""),
            bool(f.get("constraints", {}).get("required")),
            f.get("constraints", {}),
        )
        for f in schema["fields"]
    )
    pk = schema.get("primaryKey", [])
    return Table(
        name=resource["name"],
        path=path,
        schema_path=schema_path,
        schema=schema,
        fields=fields,
        primary_key=tuple([pk] if isinstance(pk, str) else pk),
        foreign_keys=tuple(
            ForeignKey(
                tuple(_as_list(fk["fields"])),
                fk["reference"]["resource"],
                tuple(_as_list(fk["reference"]["fields"])),
            )
            for fk in schema["foreignKeys"]
        ),
        title=resource.get("title", resource["name"].replace("_", " ").capitalize()),
        description=resource.get("description", schema.get("description", "")),
    )


def _inside(base: Path, relative: str, shown: str, key: str) -> Path:
    path = (base / relative).resolve()
    if not path.is_relative_to(base.resolve()):
        raise ProjectError(
            [
                Problem(
                    shown,
                    None,
                    key,
                    f"'{relative}' points outside datasets/",
                    "Keep tables and schemas inside datasets/.",
                    "package",
                )
            ]
        )
    return path


def _foreign_keys(value: Any, shown: str, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise ProjectError(
            [Problem(shown, None, f"{where}.foreignKeys", "expected a list", "", "package")]
        )
    for fk in value:
        if not (isinstance(fk, dict) and "fields" in fk and isinstance(fk.get("reference"), dict)):
            raise ProjectError(
                [
                    Problem(
                        shown,
                        None,
                        f"{where}.foreignKeys",
                        "each foreign key needs `fields` and `reference`",
                        "",
                        "package",
                    )
                ]
            )
    return value


def _check_schema(schema: dict[str, Any], shown: str) -> None:
    problems = []
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        problems.append(
            Problem(shown, None, "fields", "a schema needs a list of `fields`", "", "schema")
        )
    else:
        for index, f in enumerate(fields):
            if not isinstance(f, dict) or not isinstance(f.get("name"), str):
                problems.append(
                    Problem(shown, None, f"fields[{index}]", "a field needs a name", "", "schema")
                )
            elif f.get("type", "string") not in FIELD_TYPES:
                problems.append(
                    Problem(
                        shown,
                        None,
                        f"fields[{index}].type",
                        f"unknown type '{f.get('type')}' for field '{f['name']}'",
                        f"Use one of: {', '.join(sorted(FIELD_TYPES))}.",
                        "schema",
                    )
                )
    if not problems:
        for error in Schema.validate_descriptor(schema).flatten(["note"]):
            problems.append(
                Problem(shown, None, None, f"invalid Table Schema: {error[0]}", "", "schema")
            )
    if problems:
        raise ProjectError(problems)


def _read_yaml(path: Path, shown: str) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except FileNotFoundError:
        raise ProjectError([Problem(shown, None, None, "file not found", "", "package")]) from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ProjectError(
            [
                Problem(
                    shown,
                    mark.line + 1 if mark else None,
                    None,
                    f"cannot be read: {getattr(exc, 'problem', exc)}",
                    "Check the YAML syntax.",
                    "package",
                )
            ]
        ) from None
    if not isinstance(data, dict):
        raise ProjectError([Problem(shown, None, None, "expected a YAML mapping", "", "package")])
    return data


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)
