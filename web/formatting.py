"""How amounts read on a page: "5% of monthly fees", "99.9%", "4 business hours".

The record keeps machine units (`percent_of_monthly_fees`, `business_hours`) so they can be
filtered and compared; a contract admin reads them the way the contract says them.
"""

from __future__ import annotations

_PERCENT_UNITS = {
    "percent": "%",
    "percent_of_monthly_fees": "% of monthly fees",
    "percent_of_fees": "% of fees",
    "percent_per_month": "% per month",
    "percent_per_year": "% per year",
}


def quantity(amount: float | None, unit: str | None) -> str:
    """`amount` with its unit in words; an em dash when there is no amount."""
    if amount is None:
        return "—"
    number = f"{amount:,.2f}".rstrip("0").rstrip(".")
    if unit is None:
        return number
    if unit in _PERCENT_UNITS:
        return number + _PERCENT_UNITS[unit]
    if unit.startswith("percent_"):
        return f"{number}% {unit.removeprefix('percent_').replace('_', ' ')}"
    if len(unit) == 3 and unit.isupper():  # a currency code: USD 5,000
        return f"{unit} {number}"
    return f"{number} {unit.replace('_', ' ')}"
