# The two commands of the README: `make demo` and `make test`.
# Each sets up a virtual environment in .venv (Python 3.11+) on first use.

VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: demo serve test lint clean picture

$(BIN)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@

## demo: seed 004 end to end on a fresh embedded database: roster, 25 returns as filled XLSX forms, the flow, the draft
demo: $(BIN)/.installed
	$(BIN)/phoihop demo --out $(OUT)

## serve: the whole system on the demo's database (after `make demo`): portal at http://127.0.0.1:8000/, flows, Prefect
serve: $(BIN)/.installed
	$(BIN)/phoihop --db sqlite:///$(OUT)/phoihop-demo.db serve

## test: lint, then the whole suite (SQLite always; PostgreSQL where a server answers on 127.0.0.1:5432)
test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

## picture: the README's picture of the draft (docs/images/draft-page-1.png): `phoihop demo`, then page 1 of
## `phoihop consolidate 2023-H1 --pdf` (LibreOffice: `bash .ci/office`)
picture: $(BIN)/.installed
	$(BIN)/python tools/readme_picture.py

clean:
	rm -rf $(VENV) $(OUT) var
