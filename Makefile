# 政策通: `make run` starts everything, `make test` checks everything. See README.md.
SHELL := /bin/bash
# Rasa 3.6 needs Python 3.10: take the first interpreter that really is 3.10 (pyenv shims may lie).
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do $$p -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
MODEL := models/policy-bot.tar.gz
LOG_DIR := var/log
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml') $(wildcard bot/jieba_dict/*) $(wildcard bot/nlu/*.py)
DATA_FILES := $(wildcard policy_db/data/*.yml policy_db/data/documents/*.yml policy_db/sources/*.txt)

export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONWARNINGS := ignore
export RASA_TELEMETRY_ENABLED := false

.PHONY: install db nlu-resources model update web run test unit lint bench bench-scale clean

install: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found: install it (e.g. pyenv install 3.10) or set PYTHON310=/path/to/python3.10"; exit 1; }
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	@mkdir -p $(LOG_DIR)
	@echo "installing Python packages (log: $(LOG_DIR)/pip.log) ..."
	@$(PY) -m pip install -q "pip<25" > $(LOG_DIR)/pip.log 2>&1 && \
		$(PY) -m pip install -q -r requirements-dev.txt -c constraints.txt >> $(LOG_DIR)/pip.log 2>&1 \
		|| { tail -30 $(LOG_DIR)/pip.log; exit 1; }
	@touch $@

# The policy database (SQLite in var/ by default, $DATABASE_URL otherwise), rebuilt when the data changes.
db: install var/policy.db.stamp
var/policy.db.stamp: $(DATA_FILES) $(wildcard policy_db/*.py)
	@mkdir -p var
	$(PY) -m policy_db build
	@touch $@

# Lookup tables, synonyms, templates and the jieba dictionary, generated from the policy data.
nlu-resources: install
	$(PY) -m bot.nlu_resources

# Train only when the model is older than its inputs.
model: install $(MODEL)
$(MODEL): $(TRAINING_INPUTS)
	@mkdir -p $(LOG_DIR)
	@echo "training (log: $(LOG_DIR)/train.log) ..."
	@start=$$(date +%s); $(RASA) train --fixed-model-name policy-bot --out models > $(LOG_DIR)/train.log 2>&1 \
		|| { tail -40 $(LOG_DIR)/train.log; exit 1; }; \
		echo "trained in $$(( $$(date +%s) - start )) s: $(MODEL) ($$(du -h $(MODEL) | cut -f1))"

# rasa-webchat from the npm registry, served from the project (never a CDN).
web: bot/web/node_modules/.installed
bot/web/node_modules/.installed: bot/web/package.json bot/web/package-lock.json
	npm ci --prefix bot/web --no-audit --no-fund --loglevel=error
	@touch $@

# After editing policy_db/data or policy_db/sources: rebuild the database (running action servers load it
# within POLICY_REFRESH_SECONDS), regenerate the NLU resources (files are rewritten only when their content
# changes) and retrain only if a training input changed; a figure or date edit never retrains.
update: install
	@$(MAKE) --no-print-directory db nlu-resources
	@$(MAKE) --no-print-directory model

run: install db model web
	@scripts/run_bot.sh

test: install db model web
	@scripts/test.sh

# The tests that need no server, no trained model and no browser (a few minutes): actions in process,
# the conversation simulator, the policy database and the officers' tools, the NLU components.
UNIT_TESTS := tests/actions tests/bot tests/policy_db tests/conversation/test_simulator.py
unit: install db
	SQLALCHEMY_WARN_20=1 $(PY) -m pytest $(UNIT_TESTS) -p no:cacheprovider -q

# Style and types (settings in pyproject.toml): ruff's rules, ruff's format, mypy on policy_db and actions.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m mypy

# Speed, memory and answers of one deployment (bench.run, about 10 min); the cost as the catalogue grows to
# 20x with synthetic cities, beside stock Rasa 3.6 (bench.scale, about 15 min; `make bench-scale` alone);
# the time from a new document's text to its questions answered by a running server (bench.new_document).
bench: install db model
	@$(PY) -m bench.run
	@$(PY) -m bench.scale
	@$(PY) -m bench.new_document

bench-scale: install db
	@$(PY) -m bench.scale

# The drafter (python -m policy_db draft) against the curated files and against test documents of other
# house styles with hand-written truth files: recall and precision of the figures and 责任单位 per
# document, clause references or document fields, and whether each draft loads (--verbose: what was
# missed or added).
.PHONY: draft-eval
draft-eval: install
	@$(PY) -m policy_db draft --compare --truth tests/fixtures/drafting/documents

clean:
	rm -rf var models results test-artifacts
