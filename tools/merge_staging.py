"""Merge per-document transcriptions (staging/<seed>/<table>.csv) into datasets/<table>.csv.

Used while transcribing the example data from the seed documents, one document per
transcriber. Rows with the same primary key from two documents are merged: the first
non-empty value of each field wins, in seed order, and conflicts are printed for review.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BASE_TABLES = {"councils", "committees"}


def main() -> int:
    package = yaml.safe_load((ROOT / "datasets/datapackage.yaml").read_text())
    staging = sorted(p for p in (ROOT / "staging").iterdir() if p.is_dir())
    for resource in package["resources"]:
        name = resource["name"]
        schema = yaml.safe_load((ROOT / "datasets" / resource["schema"]).read_text())
        header = [f["name"] for f in schema["fields"]]
        key = schema["primaryKey"]
        merged: dict[tuple, dict] = {}
        sources = []
        if name in BASE_TABLES:
            sources.append(ROOT / "datasets" / f"{name}.csv")
        sources += [d / f"{name}.csv" for d in staging if (d / f"{name}.csv").exists()]
        for path in sources:
            with path.open(newline="", encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    k = tuple(row[f] for f in key)
                    if k not in merged:
                        merged[k] = {h: row.get(h, "") or "" for h in header}
                        continue
                    old = merged[k]
                    for h in header:
                        new = row.get(h, "") or ""
                        if not old[h] or (h == "status" and new == "held"):
                            old[h] = new
                        elif new and new != old[h] and h not in ("source", "note"):
                            print(f"{name} {k} {h}: kept {old[h]!r}, other {new!r} ({path.parent.name})",
                                  file=sys.stderr)
        if name == "meetings":
            for row in merged.values():
                minutes = ROOT / "content/minutes" / f"{row['meeting_id']}.md"
                row["minutes_published"] = "true" if minutes.exists() else "false"
        out = ROOT / "datasets" / f"{name}.csv"
        with out.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(merged.values())
        print(f"{name}: {len(merged)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
