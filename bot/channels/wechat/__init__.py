"""WeChat Official Account (微信公众号) channel for Rasa.

Enable it in credentials.yml with::

    bot.channels.wechat.WeChatInput:

and configure it through environment variables (see docs/wechat.md).
"""

from bot.channels.wechat.channel import WeChatInput
from bot.channels.wechat.config import WeChatConfig, WeChatConfigError

__all__ = ["WeChatInput", "WeChatConfig", "WeChatConfigError"]
