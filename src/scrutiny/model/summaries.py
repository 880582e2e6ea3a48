"""The one-paragraph text summary of an indicator, and its status against target.

Phrased with the indicator's polarity: for "lower is better" a fall is an improvement. The same
sentences are the chart's <desc>, so a screen-reader user hears what a sighted reader sees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scrutiny.model import Indicator, Observation
from scrutiny.render.units import with_unit

BENCHMARKS = {
    "statistical-neighbours": "the statistical neighbours' average",
    "england-average": "the England average",
    "regional-average": "the regional average",
}


def _label(o: Observation) -> str:
    return o.period_label or f"{o.period_end.day} {o.period_end:%B %Y}"


def compare(value: float, other: float, polarity: str) -> str:
    """'better', 'worse' or 'same' (or 'higher'/'lower' when neither direction is better)."""
    if value == other:
        return "same"
    higher = value > other
    if polarity == "neutral":
        return "higher" if higher else "lower"
    return "better" if higher == (polarity == "higher-is-better") else "worse"


@dataclass(frozen=True)
class TargetStatus:
    """The latest actual value against the target for the same period: like with like.

    A target for a later period is not "no target": it is the next target, listed in
    `upcoming` (every target after the latest value, in order), and `compared` says in words
    what was compared with what, or why nothing was."""

    status: str  # "met", "not met", "no target"
    target: Observation | None  # the target for the latest value's period
    upcoming: tuple[Observation, ...] = ()
    compared: str = ""


def series(observations: Sequence[Observation], name: str) -> list[Observation]:
    return [o for o in observations if o.series == name]


def target_status(indicator: Indicator, observations: Sequence[Observation]) -> TargetStatus:
    """Latest actual against the target for the same period end; later targets are upcoming."""
    unit = indicator.unit
    actuals = series(observations, "actual")
    targets = series(observations, "target")
    latest = actuals[-1] if actuals else None
    upcoming = tuple(t for t in targets if latest is None or t.period_end > latest.period_end)
    if latest is None:
        return TargetStatus("no target", None, upcoming, "There is no actual value to compare.")
    same = [t for t in targets if t.period_end == latest.period_end]
    if not same:
        return TargetStatus(
            "no target", None, upcoming, f"There is no target for {_label(latest)}."
        )
    target = same[-1]
    value, aim = with_unit(latest.value, unit), with_unit(target.value, unit)
    if indicator.polarity == "neutral":
        return TargetStatus(
            "no target",
            None,
            upcoming,
            f"The value for {_label(latest)} is {value} against {aim}, but neither direction is "
            "better for this indicator.",
        )
    met = compare(latest.value, target.value, indicator.polarity) in ("better", "same")
    return TargetStatus(
        "met" if met else "not met",
        target,
        upcoming,
        f"Compared the latest value, {value} for {_label(latest)}, with the target for the same "
        f"period, {aim}.",
    )


def next_targets(indicator: Indicator, status: TargetStatus) -> str:
    """'The next target is 15% for 2018/19, then 12% for 2019/20.' (or '')."""
    if not status.upcoming:
        return ""
    first, *then = status.upcoming
    text = f"The next target is {with_unit(first.value, indicator.unit)} for {_label(first)}"
    if then:
        text += ", then " + ", then ".join(
            f"{with_unit(t.value, indicator.unit)} for {_label(t)}" for t in then
        )
    return text + "."


def summary(indicator: Indicator, observations: Sequence[Observation]) -> str:
    unit = indicator.unit
    actuals = series(observations, "actual")
    if not actuals:
        return _no_actuals(indicator, observations)
    latest = actuals[-1]
    sentences = [
        f"{indicator.name}: the latest value is {with_unit(latest.value, unit)} ({_label(latest)})."
    ]
    if len(actuals) > 1:
        sentences.append(_change(indicator, actuals[-2], latest))
    status = target_status(indicator, observations)
    if status.target is not None:
        verb = "meets" if status.status == "met" else "does not meet"
        sentences.append(
            f"This {verb} the target of {with_unit(status.target.value, unit)} "
            f"for {_label(status.target)}."
        )
    if status.upcoming:
        sentences.append(next_targets(indicator, status))
    for name, words in BENCHMARKS.items():
        same_period = [b for b in series(observations, name) if b.period_end == latest.period_end]
        if same_period:
            sentences.append(_benchmark(indicator, latest, same_period[-1], words))
    return " ".join(sentences)


def _change(indicator: Indicator, previous: Observation, latest: Observation) -> str:
    unit = indicator.unit
    if latest.value == previous.value:
        return f"This is unchanged from {_label(previous)}."
    direction = "up" if latest.value > previous.value else "down"
    text = f"This is {direction} from {with_unit(previous.value, unit)} in {_label(previous)}"
    judgement = compare(latest.value, previous.value, indicator.polarity)
    if judgement == "better":
        return text + ", an improvement."
    if judgement == "worse":
        return text + ", a deterioration."
    return text + "."


def _benchmark(indicator: Indicator, latest: Observation, bench: Observation, words: str) -> str:
    value = with_unit(bench.value, indicator.unit)
    judgement = compare(latest.value, bench.value, indicator.polarity)
    if judgement == "same":
        return f"It is the same as {words} ({value})."
    if judgement in ("higher", "lower"):
        return f"It is {judgement} than {words} ({value})."
    return f"It is {judgement} than {words} ({value})."


def _no_actuals(indicator: Indicator, observations: Sequence[Observation]) -> str:
    parts = [f"{indicator.name}: no actual value has been recorded."]
    for o in observations:
        kind = "target" if o.series == "target" else o.series.replace("-", " ")
        parts.append(f"The {kind} for {_label(o)} is {with_unit(o.value, indicator.unit)}.")
    return " ".join(parts)
