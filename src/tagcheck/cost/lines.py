"""What an estimate is made of: cost lines (quantity × unit price, and the component of the
bill each pays for) and the helpers every estimator shares. Kept apart from estimate.py so
that estimators of other families (families.py) use them without importing the cost model."""

from __future__ import annotations

from dataclasses import dataclass

from tagcheck.model import Resource, Unknown

# What a cost line pays for. A lever acts on the components it changes: a schedule, spot
# and a smaller size on compute hours, a storage class on storage (and its IOPS and
# throughput); deleting an idle resource on everything.
COMPUTE, STORAGE, FEE = "compute", "storage", "fee"
COMPONENTS = (COMPUTE, STORAGE, FEE)


@dataclass(frozen=True)
class CostLine:
    item: str  # e.g. "p3.2xlarge on-demand", "gp2 storage"
    quantity: float
    unit: str  # "h", "GB-mo", "IOPS-mo"
    unit_usd: float
    component: str = COMPUTE  # COMPUTE: instance hours · STORAGE: GB, IOPS, throughput · FEE: fixed hourly items

    @property
    def monthly_usd(self) -> float:
        return self.quantity * self.unit_usd

    def describe(self) -> str:
        return f"{self.item}: {self.quantity:g} {self.unit} × ${self.unit_usd:g} = ${self.monthly_usd:,.2f}"


@dataclass(frozen=True)
class Estimate:
    lines: tuple[CostLine, ...] = ()
    unknown: str | None = None  # why the estimate (or part of it) cannot be computed
    excluded: tuple[str, ...] = ()  # usage-based parts not estimated

    @property
    def monthly_usd(self) -> float | None:
        if self.unknown is not None:
            return None
        return round(sum(line.monthly_usd for line in self.lines), 2)

    @property
    def known(self) -> bool:
        return self.unknown is None


NO_COST = Estimate()


def unknown(reason: str) -> Estimate:
    return Estimate(unknown=reason)


def in_priced_region(estimator):
    """Decorator: resolve the resource's region (unknown, or not in the catalogue → no
    number) and pass it to the estimator as a third argument."""

    def estimate(model, resource: Resource) -> Estimate:
        region = model.region(resource)
        if region is None:
            reason = resource.region.reason if isinstance(resource.region, Unknown) else "region is not set"
            return unknown(f"region unknown ({reason})")
        if region not in model.prices.regions():
            return unknown(f"no prices for region {region}")
        return estimator(model, resource, region)

    return estimate
