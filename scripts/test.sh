#!/usr/bin/env bash
# Everything `make test` checks, in order, with Rasa/TensorFlow output kept in var/log/.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/log test-artifacts
PY=.venv/bin/python
RASA=.venv/bin/rasa

step() { printf '\n== %s\n' "$1"; }
quietly() {  # run a command with its output in a log file; show the tail if it fails
  local log=$1; shift
  "$@" > "$log" 2>&1 || { tail -60 "$log"; echo "FAILED: $* (full log: $log)"; exit 1; }
}

step "policy data: validation and completeness"
$PY -m policy_db check

step "generated NLU resources are up to date"
$PY -m bot.nlu_resources --check

step "rasa data validate"
quietly var/log/validate.log $RASA data validate --fail-on-warnings
echo "clean"

step "rasa test: test stories (tests/test_stories.yml)"
rm -rf results
quietly var/log/rasa-test.log $RASA test core --stories tests/test_stories.yml -m models/policy-bot.tar.gz \
  --fail-on-prediction-errors --out results --no-plot
grep -h "Correct:\|Finished evaluation" var/log/rasa-test.log | sed 's/.*INFO *//' | head -5 || true

step "pytest"
SQLALCHEMY_WARN_20=1 $PY -m pytest tests -p no:cacheprovider -q -rs "$@"
