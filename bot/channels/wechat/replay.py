"""Refusing replayed signed URLs in plaintext mode (明文模式).

In plaintext mode WeChat signs only ``token + timestamp + nonce``: the body is
not covered.  Whoever sees one signed URL (a proxy log, a browser history) can
post any message, as any openid, with it for as long as the timestamp is
accepted (``max_clock_skew``, 5 minutes either way).  The guard remembers each
accepted (timestamp, nonce) with a hash of its body until its timestamp can no
longer be accepted, and refuses the pair with another body.  The very same
body again is let through: that is indistinguishable from WeChat retrying its
own request, and the channel answers it from the stored answer of the first
attempt without running the bot again.

安全模式 (AES) does not need this: its ``msg_signature`` covers the encrypted
body, which is why it is required in production (docs/wechat.md).

Pairs live in Redis when the channel uses Redis (shared by all servers), else
in a bounded in-memory store that refuses new pairs when full of live ones
instead of forgetting pairs that could then be replayed.
"""

import hashlib
import logging
import time
from typing import Callable, Text

from bot.channels.wechat.store import MemoryStore, StoreFull

logger = logging.getLogger(__name__)


class ReplayGuard:
    def __init__(
        self,
        store: MemoryStore,
        window: float,
        key_prefix: Text,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.window = window
        self.key_prefix = key_prefix
        self.wall_clock = wall_clock

    async def admit(self, timestamp: Text, nonce: Text, body: bytes) -> bool:
        """False when (timestamp, nonce) was already used with another body, or
        when there is no room to remember it.  ``timestamp`` must already have
        been checked to be an integer inside the window."""
        digest = hashlib.sha256(body).hexdigest()
        key = f"{self.key_prefix}nonce:{timestamp}:{nonce}"
        # Remember the pair until its timestamp falls out of the window.
        ttl = max(1.0, int(timestamp) + self.window - self.wall_clock() + 1)
        try:
            if await self.store.add_if_absent(key, ttl, digest):
                return True
        except StoreFull:
            logger.error(
                "WeChat channel: the memory of signed URLs is full; refusing "
                "plaintext requests until some expire (use 安全模式 or Redis)."
            )
            return False
        return await self.store.get(key) == digest
