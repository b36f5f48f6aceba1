"""Configuration of the WeChat channel and how Rasa loads it."""

import pytest
from sanic import Sanic

from bot.channels.wechat import WeChatConfig, WeChatConfigError, WeChatInput
from bot.channels.wechat.config import DEFAULT_API_BASE, ENV_VARS

from .conftest import AES_KEY, APP_ID, APP_SECRET, TOKEN


@pytest.fixture
def clean_env(monkeypatch):
    for name in ENV_VARS.values():
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize("credentials", [None, {}])
def test_from_credentials_reads_everything_from_env(clean_env, credentials):
    clean_env.setenv("WECHAT_TOKEN", TOKEN)
    clean_env.setenv("WECHAT_APP_ID", APP_ID)
    clean_env.setenv("WECHAT_APP_SECRET", APP_SECRET)
    clean_env.setenv("WECHAT_ENCODING_AES_KEY", AES_KEY)
    clean_env.setenv("WECHAT_API_BASE", "http://127.0.0.1:9/")
    clean_env.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    clean_env.setenv("WECHAT_REPLY_TIMEOUT", "3.5")

    channel = WeChatInput.from_credentials(credentials)
    config = channel.config
    assert config.token == TOKEN
    assert config.app_id == APP_ID and config.app_secret == APP_SECRET
    assert config.encoding_aes_key == AES_KEY and channel.crypto is not None
    assert config.api_base == "http://127.0.0.1:9"
    assert config.redis_url == "redis://127.0.0.1:6379/3"
    assert config.reply_timeout == 3.5
    assert channel.name() == "wechat"
    assert channel.url_prefix() == "wechat"


def test_defaults(clean_env):
    clean_env.setenv("WECHAT_TOKEN", TOKEN)
    channel = WeChatInput.from_credentials(None)
    assert channel.config.api_base == DEFAULT_API_BASE
    assert channel.config.reply_timeout == 4.5
    assert channel.config.redis_url == ""
    assert channel.crypto is None
    assert channel.config.max_body_bytes == 64 * 1024
    assert channel.config.text_limit_bytes == 2048


def test_credentials_values_override_env(clean_env):
    clean_env.setenv("WECHAT_TOKEN", "from-env")
    clean_env.setenv("WECHAT_REPLY_TIMEOUT", "2")
    config = WeChatConfig.from_sources(
        {"token": "from-yaml", "reply_timeout": 1.5, "followup_delay": 0.1, "api_base": ""}
    )
    assert config.token == "from-yaml"
    assert config.reply_timeout == 1.5
    assert config.followup_delay == 0.1
    assert config.api_base == DEFAULT_API_BASE


def test_missing_token_is_a_clear_error(clean_env):
    with pytest.raises(WeChatConfigError, match="WECHAT_TOKEN"):
        WeChatInput.from_credentials(None)


@pytest.mark.parametrize(
    "env,match",
    [
        ({"WECHAT_REPLY_TIMEOUT": "soon"}, "WECHAT_REPLY_TIMEOUT"),
        ({"WECHAT_REPLY_TIMEOUT": "6"}, "WECHAT_REPLY_TIMEOUT"),
        ({"WECHAT_ENCODING_AES_KEY": "tooshort", "WECHAT_APP_ID": APP_ID}, "43"),
        ({"WECHAT_ENCODING_AES_KEY": "!" * 43, "WECHAT_APP_ID": APP_ID}, "not a valid key"),
        ({"WECHAT_ENCODING_AES_KEY": AES_KEY}, "WECHAT_APP_ID"),
    ],
)
def test_invalid_values_are_rejected(clean_env, env, match):
    clean_env.setenv("WECHAT_TOKEN", TOKEN)
    for name, value in env.items():
        clean_env.setenv(name, value)
    with pytest.raises(WeChatConfigError, match=match):
        WeChatInput.from_credentials({})


def test_repr_does_not_leak_secrets(clean_env):
    config = WeChatConfig(token=TOKEN, app_id=APP_ID, app_secret=APP_SECRET, encoding_aes_key=AES_KEY)
    assert APP_SECRET not in repr(config)
    assert TOKEN not in repr(config) and AES_KEY not in repr(config)


def test_rasa_loads_channel_from_credentials_yml(clean_env, tmp_path):
    # What rasa.core.run._create_single_channel does for a custom channel
    # (importing rasa.core.run itself would pull in TensorFlow: ~15 s).
    from rasa.shared.utils.common import class_from_module_path
    from rasa.shared.utils.io import read_config_file

    clean_env.setenv("WECHAT_TOKEN", TOKEN)
    credentials = tmp_path / "credentials.yml"
    credentials.write_text("rest:\nbot.channels.wechat.WeChatInput:\n", encoding="utf-8")
    all_credentials = read_config_file(str(credentials))
    assert all_credentials["bot.channels.wechat.WeChatInput"] is None
    channel_class = class_from_module_path("bot.channels.wechat.WeChatInput")
    wechat = channel_class.from_credentials(all_credentials["bot.channels.wechat.WeChatInput"])
    assert isinstance(wechat, WeChatInput)
    assert wechat.config.token == TOKEN


def test_rasa_register_mounts_webhook_route(clean_env):
    from rasa.core.channels.channel import register

    clean_env.setenv("WECHAT_TOKEN", TOKEN)
    app = Sanic("wechat_register_test")
    register([WeChatInput.from_credentials(None)], app, route="/webhooks/")
    routes = {(route.path, method) for route in app.router.routes for method in route.methods}
    assert ("webhooks/wechat/webhook", "GET") in routes
    assert ("webhooks/wechat/webhook", "POST") in routes
