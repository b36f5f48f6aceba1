#!/usr/bin/env bash
# Start the action server, the Rasa server (REST + Socket.IO + WeChat; `python -m bot.server` is
# `rasa` with the guards of bot/resilience.py) and the web chat page.
# Ports: RASA_PORT (5005), ACTIONS_PORT (5055), WEB_PORT (8080). Logs go to var/log/.
set -euo pipefail
cd "$(dirname "$0")/.."
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
WEB_PORT=${WEB_PORT:-8080}
ENDPOINTS=${RASA_ENDPOINTS:-endpoints.yml}
mkdir -p var/log
# The WeChat channel is on when its token is configured (see docs/wechat.md).
CREDENTIALS=${RASA_CREDENTIALS:-credentials.yml}
if [ -n "${WECHAT_TOKEN:-}" ] && [ -z "${RASA_CREDENTIALS:-}" ]; then CREDENTIALS=credentials.wechat.yml; fi

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

.venv/bin/rasa run actions --actions actions -p "$ACTIONS_PORT" > var/log/actions.log 2>&1 &
pids+=($!)
.venv/bin/python -m bot.server run --enable-api -p "$RASA_PORT" -m models/policy-bot.tar.gz \
  --credentials "$CREDENTIALS" --endpoints "$ENDPOINTS" --cors "*" > var/log/rasa.log 2>&1 &
pids+=($!)
if [ -f bot/web/serve.py ]; then
  .venv/bin/python bot/web/serve.py --port "$WEB_PORT" > var/log/web.log 2>&1 &
  pids+=($!)
fi

echo "starting (logs in var/log/) ..."
for _ in $(seq 1 120); do
  curl -fs "http://localhost:${RASA_PORT}/status" > /dev/null 2>&1 && break
  sleep 1
done
curl -fs "http://localhost:${RASA_PORT}/status" > /dev/null || { echo "Rasa did not start:"; tail -30 var/log/rasa.log; exit 1; }
cat <<MSG
政策通 is running.
  Web chat page:   http://localhost:${WEB_PORT}/
  REST channel:    curl -s localhost:${RASA_PORT}/webhooks/rest/webhook -d '{"sender":"me","message":"平顶山小巨人奖多少"}'
  WeChat webhook:  http://localhost:${RASA_PORT}/webhooks/wechat/webhook  ($( [ "$CREDENTIALS" = credentials.wechat.yml ] && echo on || echo "off: set WECHAT_TOKEN"))
  Action server:   http://localhost:${ACTIONS_PORT}/health
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}"
