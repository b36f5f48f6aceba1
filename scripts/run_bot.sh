#!/usr/bin/env bash
# `make run`: the action server, the Rasa server (REST + Socket.IO + WeChat; `python -m bot.server` is
# `rasa` with the guards of bot/resilience.py) and the web chat page, started by bot/launch.py.
# Closed by default: every server listens on 127.0.0.1, Rasa's HTTP API is off (RASA_ENABLE_API=1 or
# RASA_API_TOKEN turn it on, with a token), CORS allows the page's origin only. Logs rotate in var/log/.
# Variables (ports, addresses, token, origin): see bot/launch.py and README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m bot.launch "$@"
