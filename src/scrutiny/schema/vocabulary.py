"""Vocabularies: the allowed values of a field (its schema's `enum`), their labels and groups.

The Table Schema standard has `enum` but no words for people, so scrutiny reads two more
properties from the field, next to the enum:

- `enumLabels`: a mapping from value to the label a reader sees (`not-rated: Not rated`);
  a value without one is shown with its dashes as spaces and a capital first letter.
- `enumGroups`: named subsets of the values, when code needs to know which values belong
  together (`members: [chair, vice-chair, member, co-opted]`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scrutiny.schema.package import Table


@dataclass(frozen=True)
class Vocabulary:
    values: tuple[str, ...]
    labels: dict[str, str] = field(default_factory=dict)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, table: Table, name: str) -> Vocabulary:
        declared = next(f for f in table.schema.get("fields", []) if f.get("name") == name)
        values = tuple(declared.get("constraints", {}).get("enum", ()))
        labels = {
            v: str(declared.get("enumLabels", {}).get(v) or _default_label(v)) for v in values
        }
        groups = {k: tuple(v) for k, v in declared.get("enumGroups", {}).items()}
        return cls(values, labels, groups)

    def label(self, value: str) -> str:
        return self.labels.get(value) or _default_label(value)

    def group(self, name: str) -> tuple[str, ...]:
        return self.groups[name]

    def order(self, value: Any) -> int:
        """The value's position in the enum, for sorting in the order the schema gives."""
        return self.values.index(value) if value in self.values else len(self.values)


def _default_label(value: str) -> str:
    return str(value).replace("-", " ").capitalize()
