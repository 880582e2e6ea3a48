"""The package's layout is its pipeline, and imports only go down it: a lower layer never
imports a higher one (so `pages/` can change without touching what it is built from)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src" / "scrutiny"
SITE_FILES = PACKAGE / "skeleton" / "files"  # a new site's files (its build.py), not modules

# Lowest first. A module belongs to the layer that names it, or else the one naming its package.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("problems", "project", "textfiles", "memory", "progress", "outputs", "__init__"),
    ("output.atomic", "output.jsonfile"),  # writing files, used from every layer above
    ("schema",),
    ("incremental.keys", "incremental.store", "incremental.pool"),  # hashing, the cache store
    # and the worker pool, used from above
    ("standard",),  # the data standard a site's schemas come from, and upgrading to it
    ("skeleton",),  # what `scrutiny init` writes
    ("config",),
    ("urls", "ids", "render.units"),
    ("citations",),  # `source` values as citations of documents: validation and links
    ("model",),
    ("render",),
    ("documents",),
    ("incremental",),
    ("validate",),
    ("edits",),  # changing the project's files as one validated step
    ("entry",),  # guided entry: the rows `scrutiny new` adds
    ("workbook",),  # the meeting workbook: made, read, merged into the tables
    ("opendata", "reference", "database", "datazip"),
    ("pages",),
    ("output",),  # steps run over the written site: search index, sitemap
    ("check",),  # checks of a built site (`scrutiny check`, and the tests)
    ("build",),
    ("preview",),  # `scrutiny serve`: watching, rebuilding, the reload script and overlay
    ("commands",),
    ("cli", "__main__"),
)


def layer_of(module: str) -> int:
    name = module.removeprefix("scrutiny.") if module.count(".") else "__init__"
    for candidate in (".".join(name.split(".")[:2]), name.split(".")[0]):
        for rank, names in enumerate(LAYERS):
            if candidate in names:
                return rank
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in {__file__}")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 2 else parts)


def is_module(name: str) -> bool:
    return (PACKAGE / f"{name}.py").is_file() or (PACKAGE / name).is_dir()


def imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("scrutiny"):
            if node.module == "scrutiny":
                found |= {f"scrutiny.{a.name}" for a in node.names if is_module(a.name)}
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("scrutiny.")}
    return found


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if not p.is_relative_to(SITE_FILES))


def test_no_module_imports_a_higher_layer() -> None:
    upward = []
    for path in modules():
        module = module_name(path)
        for target in imported(path):
            if target != "scrutiny" and layer_of(target) > layer_of(module):
                upward.append(f"{module} imports {target}")
    assert upward == []


def test_every_module_has_a_layer() -> None:
    for path in modules():
        layer_of(module_name(path))
