# `make demo` and `make test` do all the set-up they need on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: demo test clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

# Wheels of tagcheck's dependencies, so the pre-commit test can install the hook
# (pre-commit try-repo) without reaching a package index while the tests run.
.wheelhouse/.done: pyproject.toml $(VENV)/.installed
	mkdir -p .wheelhouse
	$(PY) -c "import tomllib; print('\n'.join(['setuptools>=77', 'wheel'] + tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > .wheelhouse/requirements.txt
	$(PY) -m pip download -q -d .wheelhouse -r .wheelhouse/requirements.txt
	touch $@

demo: $(VENV)/.installed
	$(VENV)/bin/tagcheck scan examples/terraform --fail-on never --sort cost
	@echo
	@echo "== the same platform, deployed in a simulated AWS account (moto), audited live =="
	$(VENV)/bin/tagcheck aws --demo --fail-on never --sort cost

test: $(VENV)/.installed .wheelhouse/.done
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .wheelhouse .pytest_cache

# Benchmark harness (DESIGN §8): corpora of 100 / 1,000 / 10,000 files under bench/.corpus/,
# tagcheck against the bare python-hcl2 parse. Checkov, when wanted, lives in its own venv:
# make bench BENCH_ARGS=--install-checkov   (other flags: python bench/run_bench.py --help)
.PHONY: bench
bench: $(VENV)/.installed
	$(PY) bench/run_bench.py $(BENCH_ARGS)
