"""Estimators of the service families priced from catalog/service_prices.py (issue #15):
one function per Terraform type, ``(model, resource) -> Estimate``, registered in
:data:`FAMILY_ESTIMATORS`, which estimate.py merges into its table."""

from __future__ import annotations

from typing import Callable

from tagcheck.cost.lines import Estimate

FAMILY_ESTIMATORS: dict[str, Callable[..., Estimate]] = {}
