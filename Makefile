# One entry point for people and CI. Every target first makes sure the virtual environment
# exists with torch pinned to its CPU build (installed alone, before anything can pull a CUDA one).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
INDEX ?= var/index
SAMPLE ?= data/sample/postings.jsonl
HOST ?= 127.0.0.1
PORT ?= 8000

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install browser-deps redis-deps index run test lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev,ray,redis]'
	touch $(STAMP)

index: install
	$(VENV)/bin/jobsearch rebuild $(SAMPLE) --index $(INDEX)

run: index
	$(VENV)/bin/jobsearch serve --index $(INDEX) --host $(HOST) --port $(PORT)

# The page's tests drive Debian's Chromium with Playwright (never Playwright's own browser download).
browser-deps: install
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	@$(PY) -c "import playwright" 2>/dev/null || $(PY) -m pip install --quiet playwright

# The shared rate limit's test starts Debian's redis-server on a loopback port.
redis-deps:
	@test -x /usr/bin/redis-server || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server)

test: install browser-deps redis-deps
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy index search api scripts

clean:
	rm -rf $(VENV) var .pytest_cache
