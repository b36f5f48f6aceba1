"""A stand-in for Rasa's socketio channel that a test can stop and start again on the same port, to see what
the page does when the connection drops mid-conversation and comes back. It confirms sessions the way the
channel does and answers every message with one fixed reply; it is not the bot."""

from __future__ import annotations

import asyncio
import threading
import uuid

import socketio
from aiohttp import web

REPLY = "（测试替身）收到。"


class StandinRasa:
    def __init__(self, port: int, origin: str):
        self.port = port
        self.origin = origin
        self.url = f"http://127.0.0.1:{port}"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    def _app(self) -> web.Application:
        sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins=[self.origin])
        app = web.Application()
        sio.attach(app, socketio_path="/socket.io/")

        @sio.on("session_request")
        async def session_request(sid, data):
            session = (data or {}).get("session_id") or uuid.uuid4().hex
            await sio.emit("session_confirm", session, room=sid)

        @sio.on("user_uttered")
        async def user_uttered(sid, data):
            await sio.emit("bot_uttered", {"text": REPLY}, room=sid)

        return app

    def start(self) -> StandinRasa:
        started = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._runner = web.AppRunner(self._app())
            self._loop.run_until_complete(self._runner.setup())
            # open polling and websocket requests are cut after half a second, not aiohttp's minute
            site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True, shutdown_timeout=0.5)
            self._loop.run_until_complete(site.start())
            started.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("the stand-in did not start")
        return self

    def stop(self) -> None:
        if self._loop is None or self._runner is None:
            return
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop = self._runner = self._thread = None
