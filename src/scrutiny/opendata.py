"""The published data package: descriptor, JSON downloads and DCAT catalogue (the zip is
datazip.py).

`datapackage.json` inlines every schema with its foreign keys, and records each CSV's byte size
and SHA-256 hash, so `frictionless validate` on the published package checks integrity too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from scrutiny.config import SiteConfig
from scrutiny.database import DATABASE_NAME as DATABASE
from scrutiny.output.jsonfile import record_lines
from scrutiny.outputs import OnDisk
from scrutiny.schema.package import DataPackage, Table
from scrutiny.schema.types import to_json
from scrutiny.validate.structure import BYTE_ORDER_MARK

ZIP_NAME = "scrutiny-data.zip"


@dataclass(frozen=True)
class TableFacts:
    """What the catalogue says about one table."""

    table: Table
    csv: bytes
    rows: int
    start: dt.date | None
    end: dt.date | None
    sources: tuple[str, ...]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.csv).hexdigest()


def table_facts(package: DataPackage, tables: Mapping[str, Sequence[Any]]) -> list[TableFacts]:
    """What the catalogue says of each table, from the model's records of it."""
    facts = []
    for table in package.tables:
        records = tables.get(table.name, ())
        dates = [
            value
            for f in table.fields
            if f.type == "date"
            for value in map(attrgetter(f.name), records)
            if value is not None
        ]
        cited = (getattr(r, "source", None) for r in records)
        sources = sorted({str(source).split(":")[0] for source in cited if source})
        facts.append(
            TableFacts(
                table,
                table.path.read_bytes().removeprefix(BYTE_ORDER_MARK),  # as Excel saves it
                len(records),
                min(dates, default=None),
                max(dates, default=None),
                tuple(sources),
            )
        )
    return facts


def records_json(table: Table, records: Sequence[Any]) -> bytes:
    return record_lines(record_dict(table, r) for r in records)


def record_dict(table: Table, record: Any) -> dict[str, Any]:
    """A model record as the JSON download has it: the table's fields, in order, as JSON."""
    return {n: to_json(getattr(record, n)) for n in table.field_names}


def licence_descriptor(config: SiteConfig) -> dict[str, str]:
    return {"name": config.licence.id, "path": config.licence.url, "title": config.licence.name}


SQLITE_MEDIA = "application/vnd.sqlite3"


def database_resource(config: SiteConfig, database: OnDisk) -> dict:
    """The SQLite database as a (non-tabular) resource of the package."""
    return {
        "name": "scrutiny-database",
        "type": "file",
        "path": DATABASE,
        "title": "Every table as one SQLite database",
        "description": (
            "The same tables with their types, keys and foreign keys, full-text search over "
            "minutes, decisions, recommendations and agenda items, and the views "
            "attendance_rates, latest_rag and indicator_latest. Opens in Datasette as it is."
        ),
        "format": "sqlite",
        "mediatype": SQLITE_MEDIA,
        "bytes": database.size,
        "hash": f"sha256:{database.sha256}",
        "licenses": [licence_descriptor(config)],
    }


def descriptor(
    config: SiteConfig,
    package: DataPackage,
    facts: list[TableFacts],
    database: OnDisk | None = None,
) -> dict:
    source = package.descriptor
    resources = []
    for f in facts:
        schema = {k: v for k, v in f.table.schema.items() if not (k == "foreignKeys" and not v)}
        resources.append(
            {
                "name": f.table.name,
                "path": f"{f.table.name}.csv",
                "title": f.table.title,
                "description": f.table.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(f.csv),
                "hash": f"sha256:{f.sha256}",
                "schema": schema,
                "sources": [{"title": s} for s in f.sources],
                "licenses": [licence_descriptor(config)],
            }
        )
    if database:
        resources.append(database_resource(config, database))
    return _without_empty(
        {
            "name": source.get("name", "scrutiny-records"),
            "title": source.get("title", config.title),
            "description": source.get("description", config.description),
            "homepage": config.base_url,
            "licenses": [licence_descriptor(config)],
            "contributors": [
                {"title": config.publisher, "role": "publisher", "email": config.contact_email}
            ],
            "resources": resources,
        }
    )


def _without_empty(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [])}


def absolute(config: SiteConfig, path: str) -> str:
    return f"{config.base_url}{path}" if config.base_url else path


def dcat_catalog(
    config: SiteConfig, package: DataPackage, facts: list[TableFacts], database_size: int = 0
) -> dict:
    """A DCAT-AP style catalogue of the tables, as JSON-LD."""
    publisher = {
        "@type": "foaf:Agent",
        "foaf:name": config.publisher,
        "foaf:mbox": f"mailto:{config.contact_email}",
    }
    datasets = []
    for f in facts:
        name = f.table.name
        dataset = {
            "@id": absolute(config, f"data/{name}/"),
            "@type": "dcat:Dataset",
            "dct:identifier": name,
            "dct:title": f.table.title,
            "dct:description": f.table.description,
            "dct:publisher": publisher,
            "dct:license": {"@id": config.licence.url},
            "dcat:landingPage": {"@id": absolute(config, f"data/{name}/")},
            "dcat:keyword": ["scrutiny", "children's services", name.replace("_", " ")],
            "dcat:distribution": [
                _distribution(config, f"data/{name}.csv", "text/csv", "CSV", len(f.csv)),
                _distribution(config, f"data/{name}.json", "application/json", "JSON", None),
            ],
        }
        if f.start and f.end:
            dataset["dct:temporal"] = {
                "@type": "dct:PeriodOfTime",
                "dcat:startDate": f.start.isoformat(),
                "dcat:endDate": f.end.isoformat(),
            }
        datasets.append(dataset)
    if database_size:
        datasets.append(_database_dataset(config, publisher, database_size))
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@id": absolute(config, "data/catalog.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": f"{config.title}: open data",
        "dct:description": config.description or package.descriptor.get("description", ""),
        "dct:publisher": publisher,
        "dct:license": {"@id": config.licence.url},
        "dct:language": config.language,
        "foaf:homepage": {"@id": absolute(config, "data/")},
        "dcat:dataset": datasets,
    }


def _database_dataset(config: SiteConfig, publisher: dict, size: int) -> dict:
    return {
        "@id": absolute(config, f"data/{DATABASE}"),
        "@type": "dcat:Dataset",
        "dct:identifier": "scrutiny-database",
        "dct:title": "Every table as one SQLite database",
        "dct:description": (
            "All the tables with their keys, full-text search and documented views "
            "(attendance rates, latest RAG rating, latest value against target)."
        ),
        "dct:publisher": publisher,
        "dct:license": {"@id": config.licence.url},
        "dcat:landingPage": {"@id": absolute(config, "using-the-data/")},
        "dcat:keyword": ["scrutiny", "children's services", "sqlite", "datasette"],
        "dcat:distribution": [
            _distribution(config, f"data/{DATABASE}", SQLITE_MEDIA, "SQLite", size)
        ],
    }


def _distribution(config: SiteConfig, path: str, media: str, fmt: str, size: int | None) -> dict:
    dist = {
        "@type": "dcat:Distribution",
        "dcat:downloadURL": {"@id": absolute(config, path)},
        "dcat:accessURL": {"@id": absolute(config, path)},
        "dcat:mediaType": media,
        "dct:format": fmt,
        "dct:license": {"@id": config.licence.url},
    }
    if size is not None:
        dist["dcat:byteSize"] = size
    return dist


def schema_org_dataset(config: SiteConfig, facts: TableFacts) -> dict:
    """schema.org Dataset markup for a table's page, for dataset search engines."""
    name = facts.table.name
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"{facts.table.title} ({config.title})",
        "description": facts.table.description or facts.table.title,
        "url": absolute(config, f"data/{name}/"),
        "license": config.licence.url,
        "isAccessibleForFree": True,
        "creator": {
            "@type": "Organization",
            "name": config.publisher,
            "email": config.contact_email,
        },
        "publisher": {"@type": "Organization", "name": config.publisher},
        "inLanguage": config.language,
        "variableMeasured": [f.name for f in facts.table.fields],
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": "text/csv",
                "contentUrl": absolute(config, f"data/{name}.csv"),
            },
            {
                "@type": "DataDownload",
                "encodingFormat": "application/json",
                "contentUrl": absolute(config, f"data/{name}.json"),
            },
        ],
    }
    if facts.start and facts.end:
        data["temporalCoverage"] = f"{facts.start.isoformat()}/{facts.end.isoformat()}"
    return data
