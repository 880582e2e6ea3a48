"""The recommendation tracker: summary counts, filtered views and a page per recommendation.

Filters work without JavaScript: each council, committee and status has its own pre-rendered
view of the same table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from scrutiny import urls
from scrutiny.model import Model, Recommendation, RecommendationUpdate
from scrutiny.outputs import Page
from scrutiny.pages.inputs import Inputs
from scrutiny.schema.vocabulary import Vocabulary


@dataclass(frozen=True)
class Tracked:
    recommendation: Recommendation
    latest: RecommendationUpdate | None

    @property
    def rag(self) -> str:
        return self.latest.rag if self.latest else "not-rated"


def tracked(model: Model) -> list[Tracked]:
    return [
        Tracked(r, model.latest_update(r.recommendation_id))
        for r in sorted(
            model.recommendations.values(),
            key=lambda r: (r.council_id, r.origin_title or "", _ref_key(r.ref)),
        )
    ]


def _ref_key(ref: str) -> tuple:
    digits = "".join(ch for ch in ref if ch.isdigit())
    return (int(digits) if digits else 0, ref)


def ratings(model: Model) -> Vocabulary:
    """The RAG ratings in the schema's order (red first), with their labels."""
    return model.vocabulary("recommendation_updates", "rag")


def counts(model: Model, items: list[Tracked]) -> list[tuple[str, int]]:
    found = Counter(t.rag for t in items)
    return [(rag, found[rag]) for rag in ratings(model).values]


def pages(inputs: Inputs) -> Iterator[Page]:
    model = inputs.model
    everything = tracked(model)
    origins = model.vocabulary("recommendations", "origin").labels
    common = {"labels": ratings(model).labels, "origins": origins, "model": model}
    views = _views(model, everything)
    for r in everything:
        rec = r.recommendation
        yield Page(
            urls.page_file("recommendation", rec.recommendation_id),
            "recommendation.html",
            f"Recommendation {rec.ref}: {rec.origin_title or origins[rec.origin]}",
            {
                "t": r,
                "updates": model.updates_by_recommendation.get(rec.recommendation_id, ()),
                "council": model.councils[rec.council_id],
                "committee": model.committees[rec.committee_id],
                **common,
            },
            twin=urls.twin("recommendation", rec.recommendation_id),
            searchable=True,
        )
    by_council = [(v.subject, counts(model, v.items)) for v in views if v.group == "Council"]
    filters = _filters(views)
    for v in views:
        yield Page(
            v.path,
            "recommendations_index.html",
            v.heading,
            {
                "items": v.items,
                "heading": v.heading,
                "counts": counts(model, v.items),
                "all_counts": counts(model, everything),
                "by_council": by_council,
                "filters": filters,
                "current": v.path,
                "all_view": views[0].path,
                **common,
            },
        )


@dataclass(frozen=True)
class View:
    """One pre-rendered, filtered view of the tracker (so filtering needs no JavaScript)."""

    path: str
    heading: str
    items: list[Tracked]
    group: str = ""  # the filter group it belongs to: Council, Committee or Status
    label: str = ""  # its name within that group
    subject: object = None  # the council it shows, for the per-council counts


def _views(model: Model, everything: list[Tracked]) -> list[View]:
    rags = ratings(model)
    councils = model.councils.values()
    committees = model.committees.values()
    # Each filter group: its route, what an item is filed under, and (key, label, heading,
    # subject) for each view in it.
    groups = {
        "Council": (
            "recommendations.council",
            lambda t: t.recommendation.council_id,
            [(c.council_id, c.name, f"Recommendations to {c.name}", c) for c in councils],
        ),
        "Committee": (
            "recommendations.committee",
            lambda t: t.recommendation.committee_id,
            [
                (c.committee_id, c.name, f"Recommendations tracked by the {c.name}", None)
                for c in committees
            ],
        ),
        "Status": (
            "recommendations.status",
            lambda t: t.rag,
            [
                (r, rags.label(r), f"Recommendations rated {rags.label(r).lower()}", None)
                for r in rags.values
            ],
        ),
    }
    views = [View(urls.page_file("recommendation"), "Recommendation tracker", everything)]
    for group, (route, filed_under, shown) in groups.items():
        for key, label, heading, subject in shown:
            items = [t for t in everything if filed_under(t) == key]
            views.append(View(urls.page_file(route, key), heading, items, group, label, subject))
    # The tracker itself is always there (it says when nothing is tracked yet); a filtered
    # view with nothing in it is left out.
    return [v for v in views if v.items or not v.group]


def _filters(views: list[View]) -> dict[str, list[tuple[str, str]]]:
    filters: dict[str, list[tuple[str, str]]] = {}
    for v in views:
        if v.group:
            filters.setdefault(v.group, []).append((v.path.removesuffix("index.html"), v.label))
    return filters
