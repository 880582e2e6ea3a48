"""The data package as the project declares it: tables, their schemas and the keys joining them.

`datasets/datapackage.yaml` lists the resources; each resource's Table Schema lives in
`datasets/schemas/<table>.schema.yaml`; foreign keys are declared on the resource in the
package file and merged into the schema here, so frictionless sees one complete descriptor.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from scrutiny.problems import Problem, ProjectError
from scrutiny.project import Project
from scrutiny.schema.checks import field_names, schema_problems
from scrutiny.textfiles import Unreadable, read_mapping

# Table names become download file names (data/<name>.csv), so they are slugs.
RESOURCE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


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


class KnownValid(Protocol):
    """Schemas found valid against the Table Schema standard before, not checked again
    (incremental/checked.ValidSchemas)."""

    def __contains__(self, schema: object) -> bool: ...

    def add(self, schema: dict[str, Any]) -> None: ...


def load_package(project: Project, valid: KnownValid | None = None) -> DataPackage:
    """The tables the package declares, with their schemas checked (`valid`: the schemas
    found valid against the Table Schema standard before, which are not checked again)."""
    shown = project.relative(project.datapackage)
    descriptor = _read_yaml(project.datapackage, shown)
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        raise _stop(
            shown, "resources", "no resources are declared", "List each table under `resources:`."
        )
    tables, problems = [], []
    for index, resource in enumerate(resources):
        try:
            tables.append(_table(project, resource, index, shown, valid))
        except ProjectError as error:
            problems.extend(error.problems)
    declared = {r.get("name"): i for i, r in enumerate(resources) if isinstance(r, dict)}
    problems += _reference_problems(tables, declared, shown)
    if problems:
        raise ProjectError(problems)
    return DataPackage(descriptor, tuple(tables))


def _reference_problems(tables: list[Table], declared: dict[Any, int], shown: str) -> list[Problem]:
    """Foreign keys must point at a table in the package and at fields that table has
    (a table that failed to load has its own problem already)."""
    by_name = {t.name: t for t in tables}
    problems = []
    for table in tables:
        for number, fk in enumerate(table.foreign_keys):
            where = f"resources[{declared[table.name]}].foreignKeys[{number}].reference"
            target = by_name.get(fk.resource or table.name)
            if target is None and fk.resource in declared:
                continue
            if target is None:
                message = f"there is no resource '{fk.resource}' in the package"
                problems.append(_problem(shown, f"{where}.resource", message, _one_of(declared)))
                continue
            problems += [
                _problem(
                    shown,
                    f"{where}.fields",
                    f"'{name}' is not a field of {target.name}",
                    _one_of(target.field_names, sort=False),
                )
                for name in fk.reference_fields
                if name not in target.field_names
            ]
            if len(fk.reference_fields) != len(fk.fields):
                message = "the foreign key and its reference name different numbers of fields"
                problems.append(_problem(shown, where, message))
    return problems


def _table(
    project: Project, resource: Any, index: int, shown: str, valid: KnownValid | None
) -> Table:
    where = f"resources[{index}]"
    if not isinstance(resource, dict) or not all(
        isinstance(resource.get(k), str) for k in ("name", "path", "schema")
    ):
        raise _stop(shown, where, "each resource needs `name`, `path` and `schema`")
    if not RESOURCE_NAME.fullmatch(resource["name"]):
        raise _stop(
            shown,
            f"{where}.name",
            f"'{resource['name']}' cannot be a table name (it becomes a file name)",
            "Use lowercase letters a-z, digits, hyphens and underscores, e.g. meetings.",
        )
    path = _inside(project.datasets, resource["path"], shown, f"{where}.path")
    schema_path = _inside(project.datasets, resource["schema"], shown, f"{where}.schema")
    schema_shown = project.relative(schema_path)
    schema = copy.deepcopy(_read_yaml(schema_path, schema_shown))
    problems = schema_problems(schema, schema_shown)
    if problems:
        raise ProjectError(problems)
    schema["foreignKeys"] = _foreign_keys(
        resource.get("foreignKeys", []), shown, where, field_names(schema), resource["name"]
    )
    if valid is None or schema not in valid:
        _check_schema(schema, schema_shown)
        if valid is not None:
            valid.add(schema)
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
        raise _stop(
            shown,
            key,
            f"'{relative}' points outside datasets/",
            "Keep tables and schemas inside datasets/.",
        )
    return path


def _foreign_keys(
    value: Any, shown: str, where: str, own_fields: set[str], table: str
) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise _stop(shown, f"{where}.foreignKeys", "expected a list")
    problems = []
    for number, fk in enumerate(value):
        at = f"{where}.foreignKeys[{number}]"
        if not (
            isinstance(fk, dict)
            and _names(fk.get("fields"))
            and isinstance(fk.get("reference"), dict)
            and isinstance(fk["reference"].get("resource"), str)
            and _names(fk["reference"].get("fields"))
        ):
            problems.append(
                _problem(
                    shown,
                    at,
                    "each foreign key needs `fields` and a `reference` with `resource` and "
                    "`fields`",
                    "For example: {fields: council_id, reference: {resource: councils, "
                    "fields: council_id}}",
                )
            )
            continue
        problems += [
            _problem(
                shown, f"{at}.fields", f"'{name}' is not a field of {table}", _one_of(own_fields)
            )
            for name in _as_list(fk["fields"])
            if name not in own_fields
        ]
    if problems:
        raise ProjectError(problems)
    return value


def _names(value: Any) -> bool:
    """A field name, or a non-empty list of them."""
    if isinstance(value, str):
        return bool(value)
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def _check_schema(schema: dict[str, Any], shown: str) -> None:
    """The schema against the Table Schema standard, once our own checks have passed."""
    from frictionless import Schema  # slow to import, so only here

    problems = [
        Problem(shown, message=f"invalid Table Schema: {error[0]}", rule="schema")
        for error in Schema.validate_descriptor(schema).flatten(["note"])
    ]
    if problems:
        raise ProjectError(problems)


def _read_yaml(path: Path, shown: str) -> dict[str, Any]:
    try:
        return read_mapping(path, shown, empty_hint="")
    except Unreadable as error:
        raise ProjectError([error.problem]) from None


def _problem(shown: str, field: str, message: str, hint: str = "") -> Problem:
    return Problem(shown, field=field, message=message, hint=hint, rule="package")


def _stop(shown: str, field: str, message: str, hint: str = "") -> ProjectError:
    """A problem that stops reading the package, ready to raise."""
    return ProjectError([_problem(shown, field, message, hint)])


def _one_of(names: Any, sort: bool = True) -> str:
    names = [str(n) for n in names]
    return f"Use one of: {', '.join(sorted(names) if sort else names)}."


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)
