"""The open-data section: a catalogue page, one page per table, and every download."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from scrutiny import datazip, urls
from scrutiny.database import DATABASE_NAME, Kept, database_file
from scrutiny.incremental.cache import KeptValues, remembered_bytes, table_key
from scrutiny.opendata import (
    ZIP_NAME,
    dcat_catalog,
    descriptor,
    record_dict,
    records_json,
    schema_org_dataset,
    table_facts,
)
from scrutiny.outputs import File, Later, OnDisk, Page
from scrutiny.pages.inputs import Inputs
from scrutiny.schema.package import DataPackage, Field, Table

PREVIEW_ROWS = 10


@dataclass(frozen=True)
class FieldDoc:
    field: Field
    constraints: list[str]
    is_key: bool
    joins_to: list[str]


def constraint_words(field: Field) -> list[str]:
    c = field.constraints
    words = ["required" if c.get("required") else "optional"]
    if "enum" in c:
        words.append("one of: " + ", ".join(c["enum"]))
    if "pattern" in c:
        words.append(f"pattern {c['pattern']}")
    if "minimum" in c:
        words.append(f"minimum {c['minimum']}")
    if "maximum" in c:
        words.append(f"maximum {c['maximum']}")
    if field.type == "date":
        words.append("format YYYY-MM-DD")
    if field.type == "time":
        words.append("format HH:MM:SS")
    return words


def field_docs(table: Table) -> list[FieldDoc]:
    docs = []
    for field in table.fields:
        joins = [
            f"{fk.resource}.{', '.join(fk.reference_fields)}"
            for fk in table.foreign_keys
            if field.name in fk.fields
        ]
        docs.append(
            FieldDoc(field, constraint_words(field), field.name in table.primary_key, joins)
        )
    return docs


def _json_bytes(data: object) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Downloads:
    """The downloads that hold every table and the minutes, made together: the database
    takes seconds at county size, so the build makes them ahead (pages.AHEAD), while it makes
    the pages, and writes them last."""

    database: OnDisk
    package_json: bytes
    zipped: bytes
    catalogue: bytes


def downloads(inputs: Inputs) -> Downloads | None:
    package = inputs.package
    if package is None:
        return None
    config, tables = inputs.config, inputs.model.tables
    facts = table_facts(package, tables)
    folder = inputs.cache_folder("opendata")
    texts = KeptValues.recall(folder, "minutes-text", "plain text")
    members = inputs.model.roles.group("members")
    kept = Kept(texts, folder, inputs.tables_key)
    database = database_file(package, tables, inputs.minutes, members, kept, inputs.scratch)
    texts.remember(folder, "minutes-text", "plain text")
    package_json = _json_bytes(descriptor(config, package, facts, database))
    files: dict[str, bytes | OnDisk] = {"datapackage.json": package_json, DATABASE_NAME: database}
    files |= {f"{f.table.name}.csv": f.csv for f in facts}
    catalogue = _json_bytes(dcat_catalog(config, package, facts, database.size))
    blocks = KeptValues.recall(folder, "zip-blocks", datazip.VERSION)
    archive = datazip.zip_bytes(files, blocks)
    blocks.remember(folder, "zip-blocks", datazip.VERSION)
    return Downloads(database, package_json, archive, catalogue)


def pages(inputs: Inputs) -> Iterator[Page | File | Later]:
    package: DataPackage | None = inputs.package
    if package is None:
        return
    config = inputs.config
    facts = table_facts(package, inputs.model.tables)
    for f in facts:
        name = f.table.name
        records = inputs.model.tables.get(name, ())
        json_bytes = remembered_bytes(
            inputs.cache_folder("opendata"),
            f"{name}.json",
            table_key(f.table, f.csv),
            partial(records_json, f.table, records),
        )
        yield File(urls.download(name, "csv"), f.csv)
        yield File(urls.download(name, "json"), json_bytes)
        yield Page(
            urls.page_file("dataset", name),
            "dataset.html",
            f"{f.table.title} data",
            {
                "facts": f,
                "fields": field_docs(f.table),
                "preview": [record_dict(f.table, r) for r in records[:PREVIEW_ROWS]],
                "json_size": len(json_bytes),
                "jsonld": schema_org_dataset(config, f),
            },
        )
    # No sizes of the downloads made ahead on the page: they hold the minutes (the data
    # package has the database's hash), and the page must not change when only Markdown did
    # (it would make the search index stale).
    yield Page(
        urls.page_file("dataset"),
        "data_index.html",
        "Open data",
        {"facts": facts, "zip_name": ZIP_NAME, "database_name": DATABASE_NAME},
    )


def download_files(inputs: Inputs) -> Iterator[Later]:
    """The downloads of every table (pages.AHEAD): a family of their own, since their bytes
    hold the minutes and are compared at every build."""
    if inputs.package is None:
        return
    for name, part in DOWNLOADS.items():
        yield Later(urls.path(name), partial(_download, inputs, part))


# The downloads made ahead (route name: the part of Downloads), in the order they are written.
DOWNLOADS = {
    "datapackage": "package_json",
    "database": "database",
    "data.zip": "zipped",
    "catalogue": "catalogue",
}


def _download(inputs: Inputs, part: str) -> bytes | OnDisk:
    made = inputs.made_ahead("downloads", downloads)
    assert made is not None  # the family yields none without a package
    return getattr(made, part)
