# The two commands of the README: `make demo` and `make test`.
# Each sets up a virtual environment in .venv (Python 3.11+) on first use.

VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: demo test lint clean

$(BIN)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@

## demo: a fresh embedded database with the Hưng Yên roster, cycle 2023-H1 and its forms
demo: $(BIN)/.installed
	rm -rf $(OUT) && mkdir -p $(OUT)
	PHOIHOP_DATA_DIR=$(OUT)/var $(BIN)/phoihop init
	PHOIHOP_DATA_DIR=$(OUT)/var $(BIN)/phoihop period open 2023-H1
	PHOIHOP_DATA_DIR=$(OUT)/var $(BIN)/phoihop forms 2023-H1 --out $(OUT)/forms
	PHOIHOP_DATA_DIR=$(OUT)/var $(BIN)/phoihop status 2023-H1

## test: lint, then the whole suite (SQLite always; PostgreSQL where a server answers on 127.0.0.1:5432)
test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

clean:
	rm -rf $(VENV) $(OUT) var
