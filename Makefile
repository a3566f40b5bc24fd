# Two commands on a fresh machine with Python 3.11+:  `make run`  and  `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test bench bless workshop clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev,workshop]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

## The headline job.
run: $(STAMP)
	$(BIN)/alliance-sim run experiments/full_vs_associate.toml

## Lint, then the whole test suite (benchmarks are `make bench`).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m pytest -q -m benchmark --benchmark-enable --benchmark-columns=min,median,mean,ops,rounds

## Rewrite the golden outputs (tests/golden/) from the current engine: only in a commit that
## means to change outcomes, and that says why.
bless: $(STAMP)
	$(BIN)/python -m tests.golden_runs --bless

## The workshop app for a room: phones on the same network join it (see README, "Running a
## workshop"). To try it alone on this machine: .venv/bin/alliance-sim workshop mid-notts
workshop: $(STAMP)
	$(BIN)/alliance-sim workshop mid-notts --host 0.0.0.0

clean:
	rm -rf $(VENV) .pytest_cache .benchmarks
