"""Fixtures for the WeChat channel tests.

Everything runs over real HTTP: a background thread runs one asyncio event
loop that hosts

* real Sanic servers with the channel blueprint registered the way Rasa does
  (``app.blueprint(channel.blueprint(on_new_message), url_prefix=...)``), where
  ``on_new_message`` is a stand-in bot the tests control, and
* a stand-in for the WeChat API (aiohttp) that issues access tokens and records
  customer-service messages.

The tests talk to them with ``requests`` from the main thread.
"""

import asyncio
import base64
import itertools
import json
import socket
import threading
import time
import uuid
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
import requests
import xmltodict
from aiohttp import web
from sanic import Sanic
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from bot.channels.wechat import WeChatConfig, WeChatInput

TOKEN = "zhengcetong_test_token"
APP_ID = "wx0123456789abcdef"
APP_SECRET = "test-app-secret"
AES_KEY = base64.b64encode(b"0123456789abcdef0123456789ABCDEF").decode().rstrip("=")
ACCOUNT = "gh_zhengcetong"
WEBHOOK_PATH = "/webhooks/wechat/webhook"

SLOW_SECONDS = 2.0
REPLY_TIMEOUT = 1.0

LONG_ANSWER = "\n".join(
    f"第{i}条：符合条件的高新技术企业可申请研发费用后补助，单个企业年度补助最高不超过100万元。" for i in range(1, 41)
)
CITY_BUTTONS = [
    {"title": "平顶山", "payload": '/inform{"city": "平顶山"}'},
    {"title": "三明", "payload": '/inform{"city": "三明"}'},
]
# What the stand-in bot answers to /greet (the real bot: action_greet, actions/introduction.py).
GREETING = "您好！我是政策通，可以帮您查惠企政策。"
GREET_BUTTONS = [{"title": "专精特新有什么奖励", "payload": "专精特新有什么奖励"}]

# Several Sanic apps are started in one process (one per test, two for the
# Redis test).  Sanic 21.12 re-compiles ("touches up") server internals at each
# app start and only supports doing that repeatedly in test mode -- the same
# switch sanic-testing flips.
Sanic.test_mode = True

_msg_ids = itertools.count(int(time.time() * 1000) % 10**12 * 1000)


def next_msg_id() -> int:
    return next(_msg_ids)


def wait_until(predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("condition not met within %.1f s" % timeout)
        time.sleep(0.02)


# --------------------------------------------------------------------- loop


class LoopThread:
    """An asyncio loop running forever in a daemon thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name="wechat-test-loop", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def run(self, coro: Any, timeout: float = 15.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture(scope="session")
def loop_thread():
    lt = LoopThread()
    yield lt
    lt.stop()


# ---------------------------------------------------------- stand-in bot


class StandInBot:
    """Replaces Rasa's agent: answers according to the text it gets.

    ``work_seconds`` is the time every message takes.  With ``rasa_lock`` the
    bot takes Rasa's own in-memory lock store's lock on the sender id, as
    Rasa's ``MessageProcessor`` does: a second message of the same sender
    waits for it, polling once a second.
    """

    def __init__(
        self,
        slow_seconds: float = SLOW_SECONDS,
        work_seconds: float = 0.0,
        rasa_lock: bool = False,
    ) -> None:
        self.slow_seconds = slow_seconds
        self.work_seconds = work_seconds
        self.lock_store: Any = None
        if rasa_lock:
            from rasa.core.lock_store import InMemoryLockStore

            self.lock_store = InMemoryLockStore()
        self.calls: List[Dict[str, Any]] = []

    def texts(self) -> List[str]:
        return [c["text"] for c in self.calls]

    def count(self, text: str) -> int:
        return sum(1 for c in self.calls if c["text"] == text)

    async def __call__(self, message: Any) -> None:
        if self.lock_store is None:
            return await self._handle(message)
        async with self.lock_store.lock(message.sender_id):
            return await self._handle(message)

    async def _handle(self, message: Any) -> None:
        self.calls.append(
            {
                "text": message.text,
                "sender_id": message.sender_id,
                "input_channel": message.input_channel,
                "message_id": message.message_id,
                "metadata": message.metadata,
            }
        )
        out, uid, text = message.output_channel, message.sender_id, message.text
        if self.work_seconds:
            await asyncio.sleep(self.work_seconds)
        if text == "/greet":
            await out.send_text_with_buttons(uid, GREETING, GREET_BUTTONS)
        elif text.startswith("慢"):
            await asyncio.sleep(self.slow_seconds)
            await out.send_text_message(uid, f"慢速答复：{text}")
        elif text == "选择城市":
            await out.send_text_with_buttons(uid, "请选择您所在的城市：", CITY_BUTTONS)
        elif text == "长答复":
            await out.send_text_message(uid, LONG_ANSWER)
        elif text == "出错":
            raise RuntimeError("Failed to execute custom action: action server down")
        elif text == "不说话":
            return
        elif text.startswith("/"):
            await out.send_text_message(uid, f"收到选择：{text}")
        else:
            await out.send_text_message(uid, f"答复：{text}")


# ---------------------------------------------------- stand-in WeChat API


class StandInWeChatAPI:
    def __init__(self, expires_in: int = 7200) -> None:
        self.expires_in = expires_in
        self.token_requests = 0  # /cgi-bin/token and /cgi-bin/stable_token
        self.stable_requests = 0
        self.stable_token = ""
        self.send_requests = 0
        self.valid_tokens: set = set()
        self.messages: List[Dict[str, Any]] = []
        self.runner: Optional[web.AppRunner] = None
        self.base_url = ""

    def contents(self, touser: Optional[str] = None) -> List[str]:
        return [m["content"] for m in list(self.messages) if touser in (None, m["touser"])]

    def invalidate_tokens(self) -> None:
        self.valid_tokens.clear()

    async def _token(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("grant_type") != "client_credential" or q.get("appid") != APP_ID or q.get("secret") != APP_SECRET:
            return web.json_response({"errcode": 40013, "errmsg": "invalid appid"})
        self.token_requests += 1
        token = f"ACCESS_TOKEN_{self.token_requests}_{uuid.uuid4().hex[:6]}"
        self.valid_tokens.add(token)
        return web.json_response({"access_token": token, "expires_in": self.expires_in})

    async def _stable_token(self, request: web.Request) -> web.Response:
        """WeChat's stable token: the token in force is returned again (a fetch invalidates nobody's);
        ``force_refresh`` issues a new one and invalidates the old."""
        body = json.loads((await request.read()).decode("utf-8") or "{}")
        if (
            body.get("grant_type") != "client_credential"
            or body.get("appid") != APP_ID
            or body.get("secret") != APP_SECRET
        ):
            return web.json_response({"errcode": 40013, "errmsg": "invalid appid"})
        self.token_requests += 1
        self.stable_requests += 1
        if body.get("force_refresh") or self.stable_token not in self.valid_tokens:
            self.valid_tokens.discard(self.stable_token)
            self.stable_token = f"STABLE_TOKEN_{self.token_requests}_{uuid.uuid4().hex[:6]}"
            self.valid_tokens.add(self.stable_token)
        return web.json_response({"access_token": self.stable_token, "expires_in": self.expires_in})

    async def _custom_send(self, request: web.Request) -> web.Response:
        raw = await request.read()
        self.send_requests += 1
        if request.query.get("access_token") not in self.valid_tokens:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        body = json.loads(raw.decode("utf-8"))
        content = body["text"]["content"]
        if body.get("msgtype") != "text":
            return web.json_response({"errcode": 40008, "errmsg": "invalid msgtype"})
        if len(content.encode("utf-8")) > 2048:
            return web.json_response({"errcode": 45002, "errmsg": "content too long"})
        self.messages.append({"touser": body["touser"], "content": content, "raw": raw})
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/cgi-bin/token", self._token)
        app.router.add_post("/cgi-bin/stable_token", self._stable_token)
        app.router.add_post("/cgi-bin/message/custom/send", self._custom_send)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = self.runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@pytest.fixture
def wechat_api(loop_thread):
    api = StandInWeChatAPI()
    loop_thread.run(api.start())
    yield api
    loop_thread.run(api.stop())


# ------------------------------------------------------------ channel app


def make_config(api_base: str, **overrides: Any) -> WeChatConfig:
    values: Dict[str, Any] = dict(
        token=TOKEN,
        app_id=APP_ID,
        app_secret=APP_SECRET,
        api_base=api_base,
        reply_timeout=REPLY_TIMEOUT,
        followup_delay=0.05,
        http_timeout=5.0,
        key_prefix=f"wechat-test-{uuid.uuid4().hex[:8]}:",
    )
    values.update(overrides)
    return WeChatConfig(**values)


class ChannelServer:
    def __init__(
        self, loop_thread: LoopThread, channel: Any, bot: StandInBot, url_prefix: str = "/webhooks/wechat"
    ) -> None:
        self.loop_thread = loop_thread
        self.channel = channel
        self.bot = bot
        self.app = Sanic(f"wechat_test_{uuid.uuid4().hex[:12]}")
        self.app.config.ACCESS_LOG = False
        self.app.config.MOTD = False
        # Exactly what rasa.core.channels.channel.register() does.
        self.app.blueprint(channel.blueprint(bot), url_prefix=url_prefix)
        self.server: Any = None
        self.base_url = ""

    async def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        self.server = await self.app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
        await self.server.startup()
        await self.server.before_start()
        await self.server.after_start()
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self.server is None:
            return
        await self.server.before_stop()
        for conn in list(self.server.connections):
            conn.close_if_idle()
        self.server.close()
        await self.server.wait_closed()
        await self.server.after_stop()


@pytest.fixture
def start_channel(loop_thread, wechat_api):
    """Factory: start_channel(**config_overrides) -> WeChatClient."""
    servers: List[ChannelServer] = []

    def factory(bot: Optional[StandInBot] = None, **overrides: Any) -> "WeChatClient":
        config = make_config(wechat_api.base_url, **overrides)
        channel = WeChatInput(config)
        server = ChannelServer(loop_thread, channel, bot or StandInBot())
        loop_thread.run(server.start())
        servers.append(server)
        return WeChatClient(server, wechat_api, aes_key=config.encoding_aes_key or None)

    yield factory
    for server in servers:
        loop_thread.run(server.stop())


@pytest.fixture
def client(start_channel) -> "WeChatClient":
    return start_channel()


@pytest.fixture
def aes_client(start_channel) -> "WeChatClient":
    return start_channel(encoding_aes_key=AES_KEY)


# ---------------------------------------------------------- WeChat client


def sign(token: str, timestamp: str, nonce: str) -> str:
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    return signer.signature


def text_xml(content: str, openid: str, msg_id: Optional[int] = None) -> str:
    msg_id = next_msg_id() if msg_id is None else msg_id
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content>"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )


def event_xml(event: str, openid: str, create_time: Optional[int] = None, event_key: Optional[str] = None) -> str:
    key = "" if event_key is None else f"<EventKey><![CDATA[{event_key}]]></EventKey>"
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{event}]]></Event>{key}</xml>"
    )


def voice_xml(openid: str, recognition: Optional[str] = None) -> str:
    fields = "<MediaId><![CDATA[media_1]]></MediaId><Format><![CDATA[amr]]></Format>"
    if recognition is not None:
        fields += f"<Recognition><![CDATA[{recognition}]]></Recognition>"
    return media_xml("voice", openid, fields)


def media_xml(msg_type: str, openid: str, fields: str = "") -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>{fields}"
        f"<MsgId>{next_msg_id()}</MsgId></xml>"
    )


class WeChatClient:
    """Plays the WeChat server: signs (and encrypts) requests."""

    def __init__(self, server: ChannelServer, api: StandInWeChatAPI, aes_key: Optional[str] = None) -> None:
        self.server = server
        self.api = api
        self.bot = server.bot
        self.channel = server.channel
        self.url = server.base_url + WEBHOOK_PATH
        self.crypto = WeChatCrypto(TOKEN, aes_key, APP_ID) if aes_key else None
        self.http = requests.Session()
        self.http.trust_env = False  # never go through a proxy for 127.0.0.1

    def params(self, timestamp: Optional[int] = None, token: str = TOKEN, **extra: str) -> Dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        nonce = uuid.uuid4().hex[:10]
        params = {"signature": sign(token, ts, nonce), "timestamp": ts, "nonce": nonce}
        params.update(extra)
        return params

    def verify(self, echostr: str = "echo-12345", **kwargs: Any) -> requests.Response:
        return self.http.get(self.url, params=dict(self.params(**kwargs), echostr=echostr), timeout=10)

    def post_raw(
        self, body: Any, params: Optional[Dict[str, str]] = None, timeout: float = 10, **kwargs: Any
    ) -> requests.Response:
        params = self.params() if params is None else params
        headers = {"Content-Type": "text/xml"}
        return self.http.post(self.url, params=params, data=body, headers=headers, timeout=timeout, **kwargs)

    def encrypt_request(self, xml: str) -> Tuple[bytes, Dict[str, str]]:
        """Body and query string of a 安全模式 request, as WeChat sends them."""
        assert self.crypto is not None
        params = self.params(openid="o_ignored", encrypt_type="aes")
        envelope = xmltodict.parse(self.crypto.encrypt_message(xml, params["nonce"], params["timestamp"]))["xml"]
        params["msg_signature"] = envelope["MsgSignature"]
        body = (
            f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
            f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>"
        )
        return body.encode("utf-8"), params

    def post_xml(self, xml: str, aes: bool = False) -> requests.Response:
        if aes:
            return self.post_raw(*self.encrypt_request(xml))
        return self.post_raw(xml.encode("utf-8"))

    def send_text(
        self, content: str, openid: str = "o_user_1", msg_id: Optional[int] = None, aes: bool = False
    ) -> requests.Response:
        return self.post_xml(text_xml(content, openid, msg_id), aes=aes)

    def post_like_wechat(
        self, xml: str, attempt_timeout: float, attempts: int = 4, same_url: bool = False
    ) -> Dict[str, Any]:
        """Delivers one message the way WeChat does: each attempt waits
        ``attempt_timeout`` (WeChat: 5 s) for the reply; after a timeout the
        same message is sent again, up to 3 retries.  Returns the passive
        answer (or None) and how many attempts were made."""
        params = self.params()
        with requests.Session() as http:  # one per caller: callers may be threads
            http.trust_env = False
            for attempt in range(1, attempts + 1):
                if not same_url:
                    params = self.params()
                try:
                    resp = http.post(
                        self.url,
                        params=params,
                        data=xml.encode("utf-8"),
                        headers={"Content-Type": "text/xml"},
                        timeout=attempt_timeout,
                    )
                except requests.exceptions.ReadTimeout:
                    continue
                return {"answer": self.reply_text(resp), "attempts": attempt, "response": resp}
        return {"answer": None, "attempts": attempts, "response": None}

    def reply(self, resp: requests.Response) -> Optional[Dict[str, Any]]:
        """Parses (and decrypts) a passive reply; None for "success"/empty."""
        assert resp.status_code == 200, (resp.status_code, resp.text)
        if resp.text in ("success", ""):
            return None
        data = xmltodict.parse(resp.text)["xml"]
        if "Encrypt" in data:
            assert self.crypto is not None
            plain = self.crypto.decrypt_message(resp.text, data["MsgSignature"], data["TimeStamp"], data["Nonce"])
            data = xmltodict.parse(plain)["xml"]
            data["_encrypted"] = True
        return data

    def reply_text(self, resp: requests.Response) -> Optional[str]:
        data = self.reply(resp)
        return None if data is None else data["Content"]
