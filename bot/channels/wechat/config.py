"""Configuration of the WeChat Official Account channel.

Every value comes from the environment (``WECHAT_*`` / ``REDIS_URL``) so that no
secret ever has to live in ``credentials.yml``.  A key given in the channel's
``credentials.yml`` section (``token``, ``app_id``, ``app_secret``,
``encoding_aes_key``, ``api_base``, ``redis_url``, ``reply_timeout``) takes
precedence over the environment when it is non-empty; this is meant for
non-secret tuning and for tests, not for secrets.

Other fields can be set in the same section, in particular ``menu_questions``
(menu ``CLICK`` EventKey -> the question it asks)::

    bot.channels.wechat.WeChatInput:
      menu_questions:
        ZJTX_REWARD: "专精特新有什么奖励"
"""

import base64
import binascii
import dataclasses
import os
from typing import Any, Dict, Mapping, Optional, Text

DEFAULT_API_BASE = "https://api.weixin.qq.com"
DEFAULT_REPLY_TIMEOUT = 4.5

# credentials.yml key -> environment variable
ENV_VARS: Dict[Text, Text] = {
    "token": "WECHAT_TOKEN",
    "app_id": "WECHAT_APP_ID",
    "app_secret": "WECHAT_APP_SECRET",
    "encoding_aes_key": "WECHAT_ENCODING_AES_KEY",
    "api_base": "WECHAT_API_BASE",
    "redis_url": "REDIS_URL",
    "reply_timeout": "WECHAT_REPLY_TIMEOUT",
}

WELCOME_TEXT = (
    "您好，欢迎关注政策通！\n"
    "我可以为企业解答政府扶持政策相关问题，例如：\n"
    "· 有哪些适合本企业的补贴、奖励和税收优惠政策\n"
    "· 某项政策的申报条件、支持标准和所需材料\n"
    "· 申报时间、办理流程和受理部门\n"
    "请直接用文字提问，例如“平顶山市高新技术企业认定有什么奖励？”"
)
UNSUPPORTED_TEXT = (
    "抱歉，目前仅支持文字提问，暂时无法处理图片、语音、视频、位置、链接等消息。请直接用文字描述您想咨询的政策问题。"
)
# Appended to the one passive reply when an answer is too long for it and
# there is no customer-service API to send the rest.
LONG_ANSWER_NOTE = "（答复较长，这里只显示了前一部分。请把问题问得更具体一些。）"
ERROR_TEXT = "抱歉，系统暂时出现故障，未能回答您的问题，请稍后再试。给您带来不便，敬请谅解。"
NO_ANSWER_TEXT = "抱歉，暂时没有找到相关答复，请换一种说法再试试。"


class WeChatConfigError(ValueError):
    """Raised when the channel is misconfigured (e.g. WECHAT_TOKEN missing)."""


@dataclasses.dataclass
class WeChatConfig:
    token: Text
    app_id: Text = ""
    app_secret: Text = ""
    encoding_aes_key: Text = ""
    api_base: Text = DEFAULT_API_BASE
    redis_url: Text = ""
    # Seconds to wait for the bot before answering "success" and delivering the
    # answer later through the customer-service message API (WeChat allows 5 s).
    reply_timeout: float = DEFAULT_REPLY_TIMEOUT
    # Without the customer-service API (no AppID/AppSecret) an answer can only
    # go out as a passive reply.  A request then waits this long for it: more
    # than WeChat's 5 s, so that WeChat hangs up and retries (the retry gets
    # the stored answer) instead of receiving "success" and giving up.
    hold_timeout: float = 6.0
    # Request hardening.  A signed URL's timestamp must be within
    # max_clock_skew seconds of the server clock; in plaintext mode each
    # (timestamp, nonce) is accepted with one body only (replay.py), and at
    # most max_seen_nonces of them are remembered in memory.
    max_body_bytes: int = 64 * 1024
    max_clock_skew: float = 300.0
    max_seen_nonces: int = 100_000
    # De-duplication of WeChat retries (same MsgId, up to 3 retries ~15 s).
    dedupe_ttl: int = 300
    key_prefix: Text = "wechat:"
    # How long a numbered button list stays valid for a user.
    buttons_ttl: int = 24 * 3600
    # WeChat text messages are limited to 2048 bytes (UTF-8).
    text_limit_bytes: int = 2048
    # Delay before sending the 2nd.. parts of a split reply through the
    # customer-service API, so that they arrive after the passive reply.
    followup_delay: float = 0.5
    # aiohttp timeout for calls to the WeChat API, and the access-token refresh
    # margin (refresh this many seconds before the token expires).
    http_timeout: float = 10.0
    token_refresh_margin: float = 300.0
    # Menu CLICK events: EventKey -> the question it asks the bot.  Clicks on
    # other keys get no reply.
    menu_questions: Dict[Text, Text] = dataclasses.field(default_factory=dict)
    # Texts.  welcome_text is used when the bot's own greeting (/greet) fails.
    welcome_text: Text = WELCOME_TEXT
    unsupported_text: Text = UNSUPPORTED_TEXT
    error_text: Text = ERROR_TEXT
    no_answer_text: Text = NO_ANSWER_TEXT
    long_answer_note: Text = LONG_ANSWER_NOTE

    def __post_init__(self) -> None:
        self.token = (self.token or "").strip()
        self.app_id = (self.app_id or "").strip()
        self.app_secret = (self.app_secret or "").strip()
        self.encoding_aes_key = (self.encoding_aes_key or "").strip()
        self.api_base = ((self.api_base or "").strip() or DEFAULT_API_BASE).rstrip("/")
        self.redis_url = (self.redis_url or "").strip()
        self.validate()

    @property
    def aes_enabled(self) -> bool:
        return bool(self.encoding_aes_key)

    @property
    def customer_service_enabled(self) -> bool:
        return bool(self.app_id and self.app_secret)

    def validate(self) -> None:
        if not self.token:
            raise WeChatConfigError("WeChat channel: WECHAT_TOKEN is not set (see docs/wechat.md).")
        try:
            self.reply_timeout = float(self.reply_timeout)
        except (TypeError, ValueError):
            raise WeChatConfigError(
                f"WeChat channel: WECHAT_REPLY_TIMEOUT must be a number of seconds, got {self.reply_timeout!r}."
            )
        if not 0 < self.reply_timeout < 5:
            raise WeChatConfigError(
                "WeChat channel: WECHAT_REPLY_TIMEOUT must be between 0 and 5 seconds (WeChat gives up after 5 s)."
            )
        try:
            self.hold_timeout = float(self.hold_timeout)
        except (TypeError, ValueError):
            raise WeChatConfigError("WeChat channel: hold_timeout must be a number of seconds.")
        if not self.reply_timeout <= self.hold_timeout <= 60:
            raise WeChatConfigError(
                "WeChat channel: hold_timeout must be between the reply timeout "
                "and 60 seconds (more than 5 s lets WeChat retry)."
            )
        self._validate_menu_questions()
        if self.text_limit_bytes < 16:
            raise WeChatConfigError("WeChat channel: text_limit_bytes is too small.")
        if self.encoding_aes_key:
            if len(self.encoding_aes_key) != 43:
                raise WeChatConfigError(
                    "WeChat channel: WECHAT_ENCODING_AES_KEY must be the 43 "
                    "characters shown in the Official Account settings."
                )
            try:
                key = base64.b64decode(self.encoding_aes_key + "=", validate=True)
            except (binascii.Error, ValueError):
                key = b""
            if len(key) != 32:
                raise WeChatConfigError("WeChat channel: WECHAT_ENCODING_AES_KEY is not a valid key.")
            if not self.app_id:
                raise WeChatConfigError(
                    "WeChat channel: WECHAT_APP_ID is required when WECHAT_ENCODING_AES_KEY is set (安全模式/兼容模式)."
                )

    def _validate_menu_questions(self) -> None:
        menu = self.menu_questions if self.menu_questions is not None else {}
        if not isinstance(menu, Mapping):
            raise WeChatConfigError("WeChat channel: menu_questions must map menu EventKeys to questions.")
        cleaned: Dict[Text, Text] = {}
        for key, question in menu.items():
            if not isinstance(key, str) or not key.strip() or len(key.encode("utf-8")) > 128:
                raise WeChatConfigError(f"WeChat channel: menu key {key!r} must be a text of 1-128 bytes.")
            if not isinstance(question, str) or not question.strip():
                raise WeChatConfigError(f"WeChat channel: the question of menu key {key!r} must be a text.")
            cleaned[key.strip()] = question.strip()
        self.menu_questions = cleaned

    @classmethod
    def from_sources(
        cls,
        credentials: Optional[Mapping[Text, Any]] = None,
        environ: Optional[Mapping[Text, Text]] = None,
        **overrides: Any,
    ) -> "WeChatConfig":
        """Builds the config from credentials.yml values, then the environment."""
        credentials = credentials or {}
        environ = os.environ if environ is None else environ
        values: Dict[Text, Any] = {}
        for key, env_name in ENV_VARS.items():
            value = credentials.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                value = environ.get(env_name, "")
            if key == "reply_timeout":
                if value is None or (isinstance(value, str) and not value.strip()):
                    value = DEFAULT_REPLY_TIMEOUT
            values[key] = value
        field_names = {f.name for f in dataclasses.fields(cls)}
        # Non-secret tuning knobs may also be given in credentials.yml.
        for key, value in credentials.items():
            if key in field_names and key not in ENV_VARS and value is not None:
                values[key] = value
        values.update(overrides)
        return cls(**values)

    def __repr__(self) -> Text:  # never print secrets
        return (
            f"WeChatConfig(app_id={self.app_id!r}, api_base={self.api_base!r}, "
            f"aes={self.aes_enabled}, redis={bool(self.redis_url)}, "
            f"reply_timeout={self.reply_timeout}, menu_keys={sorted(self.menu_questions)})"
        )
