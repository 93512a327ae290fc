"""Money helpers shared by the cost-lever rules (static and live)."""

from __future__ import annotations

from tagcheck.catalog.prices import HOURS_PER_MONTH
from tagcheck.cost.estimate import COMPUTE, Estimate, component_usd
from tagcheck.model import Resource
from tagcheck.rules.registry import RuleContext


def money(value: float) -> str:
    return f"${value:,.2f}"


def unit_price(value: float) -> str:
    """Per-unit prices are often fractions of a cent: keep the digits that matter."""
    return f"${value:,.4f}".rstrip("0").rstrip(".") if value < 1 else money(value)


def compute_usd(estimate: Estimate | None) -> float | None:
    """The compute part of an estimate (the instance hours stopping, spot or a smaller size
    change), unrounded: savings are rounded once, at the end."""
    if estimate is None or not estimate.known or not (estimate.lines or estimate.excluded):
        return None  # no number: unknown, or a type the catalogue does not price at all
    return component_usd(estimate, COMPUTE)


def price_difference(resource: Resource, ctx: RuleContext, current: str, target: str) -> tuple[float | None, str | None]:
    """Monthly saving of running ``target`` instead of ``current``, and its arithmetic."""
    if ctx.costs is None:
        return None, None
    now, then = ctx.costs.hourly_rate(resource, current), ctx.costs.hourly_rate(resource, target)
    if now is None or then is None:
        return None, None
    saving = round((now - then) * HOURS_PER_MONTH, 2)
    return saving, f"({money(now)}/h − {money(then)}/h) × {HOURS_PER_MONTH} h = {money(saving)}/mo"
