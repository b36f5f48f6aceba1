"""Async client for the parts of the WeChat Official Account API we need.

* ``POST {api_base}/cgi-bin/stable_token`` ``{"grant_type": "client_credential", "appid", "secret"}``
  -> access token (WeChat's "stable" token), cached until shortly before it expires;
* ``POST {api_base}/cgi-bin/message/custom/send?access_token=..``
  -> customer-service (客服) text message, used for answers that were not ready
  within WeChat's 5-second window and for the 2nd.. parts of long answers.

**One token for every server** (issue 21). The ordinary ``/cgi-bin/token`` hands out a new token on
each call and invalidates the previous one within minutes, so with several Rasa servers each
refresh broke the others' customer-service replies, and every server spent the daily quota. Here:

* the token comes from ``/cgi-bin/stable_token`` in its normal mode, which returns the token in
  force (a fetch does not invalidate another holder's token); ``force_refresh`` is never used;
* with a shared store (the channel's store: Redis with ``REDIS_URL``, as wechatpy's session
  storage does) the token is kept there under ``<key_prefix>access_token:<appid>`` until shortly
  before it expires, and fetched by one server at a time: the fetcher holds a short lock key
  (``SET NX``), the others wait for the token to appear (:data:`SHARED_WAIT_SECONDS`) before
  fetching themselves;
* each server also keeps it in memory, so a send costs no Redis call while it is valid.

The token is fetched again once, and the call retried, when WeChat says it is invalid or expired
(errcode 40001 / 40014 / 42001). Everything uses aiohttp, so nothing blocks the event loop.
Secrets and tokens are never logged.
"""

import asyncio
import json
import logging
import time
from typing import Any, Callable, Dict, Optional, Text

import aiohttp

logger = logging.getLogger(__name__)

TOKEN_ERRCODES = frozenset({40001, 40014, 42001})
SHARED_WAIT_SECONDS = 5.0  # how long a server waits for another's fetch before fetching itself
LOCK_SECONDS = 15  # the fetch lock's lifetime: a fetch that dies leaves it for at most this long


class WeChatAPIError(Exception):
    def __init__(self, errcode: Any, errmsg: Text = "") -> None:
        super().__init__(f"WeChat API error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class WeChatAPIClient:
    def __init__(
        self,
        api_base: Text,
        app_id: Text,
        app_secret: Text,
        http_timeout: float = 10.0,
        refresh_margin: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        shared: Optional[Any] = None,
        key_prefix: Text = "wechat:",
    ) -> None:
        self.api_base = api_base.rstrip("/")
        self.shared = shared  # a store.MemoryStore / RedisStore shared by the servers, or None
        self.token_key = f"{key_prefix}access_token:{app_id}"
        self.lock_key = self.token_key + ":lock"
        self.app_id = app_id
        self.app_secret = app_secret
        self.http_timeout = http_timeout
        self.refresh_margin = refresh_margin
        self.clock = clock
        self._token: Optional[Text] = None
        self._token_expires_at = 0.0
        self._lock: Optional[asyncio.Lock] = None
        self._lock_loop: Optional[asyncio.AbstractEventLoop] = None

    @property
    def configured(self) -> bool:
        return bool(self.app_id and self.app_secret)

    def _get_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock

    def invalidate_token(self) -> None:
        self._token, self._token_expires_at = None, 0.0

    async def _request(
        self,
        method: Text,
        path: Text,
        params: Dict[Text, Text],
        body: Optional[Dict[Text, Any]] = None,
    ) -> Dict[Text, Any]:
        timeout = aiohttp.ClientTimeout(total=self.http_timeout)
        data = None
        headers = {}
        if body is not None:
            # WeChat shows "\uXXXX" escapes literally: send real UTF-8.
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        async with aiohttp.ClientSession(timeout=timeout, trust_env=True) as session:
            async with session.request(method, self.api_base + path, params=params, data=data, headers=headers) as resp:
                text = await resp.text(encoding="utf-8")
                if resp.status != 200:
                    raise WeChatAPIError(f"http {resp.status}", text[:200])
        try:
            payload = json.loads(text)
        except ValueError:
            raise WeChatAPIError("invalid-json", text[:200])
        if not isinstance(payload, dict):
            raise WeChatAPIError("invalid-json", text[:200])
        return payload

    async def get_access_token(self, force_refresh: bool = False) -> Text:
        """The token in force; `force_refresh`: not the one cached (WeChat rejected it)."""
        if not self.configured:
            raise WeChatAPIError("not-configured", "WECHAT_APP_ID/WECHAT_APP_SECRET missing")
        if not force_refresh and self._token and self.clock() < self._token_expires_at:
            return self._token
        rejected = self._token if force_refresh else None
        async with self._get_lock():
            # Another coroutine may have refreshed it while we waited.
            if self._token and self._token != rejected and self.clock() < self._token_expires_at:
                return self._token
            if self.shared is None:
                return await self._fetch()
            return await self._shared_token(rejected)

    async def _shared_token(self, rejected: Optional[Text]) -> Text:
        """The token from the shared store, fetched by one server at a time (module doc)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SHARED_WAIT_SECONDS
        while True:
            shared = await self._read_shared()
            if shared is not None and shared[0] != rejected:
                self._remember(*shared)
                return shared[0]
            if await self.shared.add_if_absent(self.lock_key, LOCK_SECONDS):
                try:
                    shared = await self._read_shared()  # fetched between our read and our lock?
                    if shared is not None and shared[0] != rejected:
                        self._remember(*shared)
                        return shared[0]
                    token = await self._fetch()
                    ttl = max(1.0, self._token_expires_at - self.clock())
                    await self.shared.set_json(self.token_key, {"token": token}, ttl)
                    return token
                finally:
                    await self.shared.delete(self.lock_key)
            if loop.time() >= deadline:
                logger.warning("WeChat access token: no other server stored one in time; fetching here.")
                return await self._fetch()
            await asyncio.sleep(0.1)

    async def _read_shared(self) -> Optional[tuple]:
        value = await self.shared.get_json(self.token_key)
        if isinstance(value, dict) and isinstance(value.get("token"), str) and value["token"]:
            return value["token"], None
        return None

    def _remember(self, token: Text, valid_seconds: Optional[float]) -> None:
        # A token read from the shared store is valid as long as its key lives: check it again in a minute.
        self._token = token
        self._token_expires_at = self.clock() + (valid_seconds if valid_seconds is not None else 60.0)

    async def _fetch(self) -> Text:
        payload = await self._request(
            "POST",
            "/cgi-bin/stable_token",
            {},
            {"grant_type": "client_credential", "appid": self.app_id, "secret": self.app_secret},
        )
        token = payload.get("access_token")
        if not token:
            raise WeChatAPIError(payload.get("errcode"), payload.get("errmsg", ""))
        try:
            expires_in = float(payload.get("expires_in", 7200))
        except (TypeError, ValueError):
            expires_in = 7200.0
        margin = min(self.refresh_margin, expires_in / 2)
        self._token = token
        self._token_expires_at = self.clock() + expires_in - margin
        logger.debug("WeChat access token fetched (expires in %ss).", expires_in)
        return token

    async def _call_with_token(self, path: Text, body: Dict[Text, Any]) -> Dict[Text, Any]:
        token = await self.get_access_token()
        payload = await self._request("POST", path, {"access_token": token}, body)
        if payload.get("errcode") in TOKEN_ERRCODES:
            logger.info(
                "WeChat access token rejected (errcode %s); refreshing once.",
                payload.get("errcode"),
            )
            if self.shared is not None:
                shared = await self._read_shared()
                if shared is not None and shared[0] == token:
                    await self.shared.delete(self.token_key)  # the other servers fetch afresh too
            token = await self.get_access_token(force_refresh=self._token == token)
            payload = await self._request("POST", path, {"access_token": token}, body)
        errcode = payload.get("errcode", 0)
        if errcode not in (0, None):
            raise WeChatAPIError(errcode, payload.get("errmsg", ""))
        return payload

    async def send_text(self, openid: Text, content: Text) -> None:
        """Sends a customer-service text message to the user ``openid``."""
        await self._call_with_token(
            "/cgi-bin/message/custom/send",
            {"touser": openid, "msgtype": "text", "text": {"content": content}},
        )
