"""Who a WeChat message is from, and the sender id Rasa knows that user by.

WeChat identifies a user by an openid (28 characters of ``[A-Za-z0-9_-]`` for
an Official Account).  Rasa keys conversations by sender id, and every channel
shares that key space, so the channel passes ``wechat:<openid>``: a caller of
another channel (REST, Socket.IO) cannot name a WeChat user's conversation by
sending a bare openid.  The customer-service API still gets the bare openid.

Anything that is not a plausible id is refused before any processing: it would
end up in store keys, logs and the reply XML.
"""

import re
from typing import Any, Text

SENDER_PREFIX = "wechat:"

MAX_ID_CHARS = 64
_ID = re.compile(r"[A-Za-z0-9_-]{1,%d}" % MAX_ID_CHARS)
# A MsgId is a 64-bit number; CreateTime is a Unix timestamp.
_NUMBER = re.compile(r"[0-9]{1,32}")


def is_valid_id(value: Any) -> bool:
    """Whether ``value`` is a plausible openid or account id (gh_…)."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def is_valid_number(value: Any) -> bool:
    return isinstance(value, str) and _NUMBER.fullmatch(value) is not None


def sender_id_for(openid: Text) -> Text:
    """The Rasa sender id of the WeChat user ``openid``."""
    return SENDER_PREFIX + openid
