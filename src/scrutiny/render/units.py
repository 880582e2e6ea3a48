"""Formatting indicator values with their unit, the way a reader says them."""

from __future__ import annotations

UNIT_NAMES = {
    "count": "number",
    "percent": "percentage",
    "days": "days",
    "weeks": "weeks",
    "rate-per-10000": "rate per 10,000 children",
    "gbp": "pounds (£)",
    "score": "score",
}


def number(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.10g}"


def with_unit(value: float | int, unit: str) -> str:
    text = number(value)
    if unit == "percent":
        return f"{text}%"
    if unit == "gbp":
        return f"£{text}"
    if unit in ("days", "weeks"):
        return f"{text} {unit[:-1] if value == 1 else unit}"
    if unit == "rate-per-10000":
        return f"{text} per 10,000"
    return text
