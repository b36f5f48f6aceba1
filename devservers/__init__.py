"""The one harness that starts 政策通's servers for the tests (tests/) and the benchmark (bench/).

    from devservers import ActionServer, RasaServer, quiet_env

    actions = ActionServer(env={"DATABASE_URL": url}).start()
    rasa = RasaServer(action_url=actions.url).start()
    rasa.text("someone", "平顶山小巨人奖多少")
    rasa.stop(); actions.stop()

* :mod:`devservers.processes`: free ports, a quiet environment, waiting for readiness, stopping, CPU and memory.
* :mod:`devservers.servers`: the action server, the Rasa server (``python -m bot.server run``) and the page.
* :mod:`devservers.stores`: a fresh PostgreSQL schema and Redis key prefix for endpoints.production.yml.

Logs go to var/log/. Nothing here is part of the product: `make run` starts the bot with bot/launch.py.
"""

from __future__ import annotations

from devservers.processes import (
    LOG_DIR,
    PROJECT_DIR,
    VENV_BIN,
    cpu_seconds,
    free_port,
    machine_cpu,
    memory_kb,
    quiet_env,
    stop_process,
    wait_for,
)
from devservers.servers import (
    MODEL,
    PAGE_ORIGIN,
    REST_CREDENTIALS,
    ActionServer,
    PageServer,
    RasaServer,
    Reply,
    StockRasaServer,
    start_servers,
)
from devservers.stores import POSTGRES_URL, REDIS_URL, ProductionStores, pg_connect, stores_unavailable

__all__ = [
    "LOG_DIR",
    "MODEL",
    "PAGE_ORIGIN",
    "POSTGRES_URL",
    "PROJECT_DIR",
    "REDIS_URL",
    "REST_CREDENTIALS",
    "VENV_BIN",
    "ActionServer",
    "PageServer",
    "ProductionStores",
    "RasaServer",
    "Reply",
    "StockRasaServer",
    "cpu_seconds",
    "free_port",
    "machine_cpu",
    "memory_kb",
    "pg_connect",
    "quiet_env",
    "start_servers",
    "stop_process",
    "stores_unavailable",
    "wait_for",
]
