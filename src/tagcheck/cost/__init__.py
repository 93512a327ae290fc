"""The cost model: what a resource costs a month (estimate.py) and how a run's dollars are
allocated to teams, features and components (allocation.py: coverage, cost summary, the
showback document). Rules, the engine and the reports read it; it reads the catalogue."""
