# Remit: the two commands are `make demo` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
PYTEST_WORKERS ?= auto
# The docs tests: README, ARCHITECTURE.md and the code's own words kept true (run by `make check` too).
DOCS_TESTS := tests/test_readme_is_true.py tests/test_architecture_is_true.py tests/test_threat_model_is_true.py tests/test_code_names_no_issue_numbers.py tests/test_every_view_has_a_permission_matrix.py
BENCH_ARGS ?=

.PHONY: install demo test check bench clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "Could not create a virtual environment with $(PYTHON)."; \
	  echo "On Debian: apt-get install python3-venv, then run make again."; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

demo: install
	HOST=$(HOST) PORT=$(PORT) $(BIN)/remit demo --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	REMIT_HTTPS=true REMIT_SECRET_KEY=check-deploy-$$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	  REMIT_CREDENTIAL_KEYS=$$(head -c 32 /dev/urandom | base64 | tr '+/' '-_') \
	  REMIT_AUDIT_KEYS=check=$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	  REMIT_ALLOWED_HOSTS=remit.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -q $(DOCS_TESTS)

bench: install
	$(BIN)/remit bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
