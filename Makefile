# The two commands: `make demo` and `make test`. Both install into .venv/ first, and reinstall
# only when pyproject.toml or constraints.txt changed, so a second run works offline.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
EXTRAS := dev,postgres,mysql,snowflake,bigquery,airflow,dbt,openai

.PHONY: install demo test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "sqlsynth needs Python >= 3.11 (set PYTHON=python3.11)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[$(EXTRAS)]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python demo/run_demo.py

test: $(STAMP)
	bash scripts/run-tests.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/bench_translate_validate.py
	$(BIN)/python bench/bench_airflow_import.py
	$(BIN)/python bench/bench_airflow_overhead.py
	$(BIN)/python bench/bench_dbt_nl_model.py
	$(BIN)/python bench/bench_llm.py

clean:
	rm -rf $(VENV) .bqemu .demo .pytest_cache .mypy_cache .ruff_cache
