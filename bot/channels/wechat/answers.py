"""The answer to each WeChat message, kept for WeChat's retries.

WeChat waits 5 s for the reply to a pushed message; without one it hangs up
and sends the same message (same MsgId) again, up to 3 times.  Per message key
(``…msg:<account>:<MsgId>``, events: sender + CreateTime + event) the book
keeps, for ``ttl`` seconds:

* the answer: ``{"state": "pending"}`` while the bot works, then
  ``{"state": "done", "parts": [...]}``.  ``begin`` is ``SET NX``, so exactly
  one request (on one server) runs the bot; every retry reads the answer;
* who delivers it (``claim``): ``passive`` (the XML reply to a request) or
  ``cs`` (the customer-service API).  A passive answer may be given again to
  a later retry, since WeChat only retries when it did not get the reply; an
  answer claimed by ``cs`` is never also given passively, and vice versa;
* whether the 2nd… parts of a long answer were sent (``claim_followups``).

The book lives in the channel's store: memory, or Redis when ``REDIS_URL`` is
set, so that a retry reaching another server gets the answer too.
"""

import asyncio
import json
import logging
from typing import List, Optional, Text

from bot.channels.wechat.store import MemoryStore

logger = logging.getLogger(__name__)

PASSIVE = "passive"
CUSTOMER_SERVICE = "cs"

_PENDING = json.dumps({"state": "pending"})


class AnswerBook:
    def __init__(self, store: MemoryStore, ttl: float, poll_interval: float = 0.1) -> None:
        self.store = store
        self.ttl = ttl
        self.poll_interval = poll_interval

    async def begin(self, key: Text) -> bool:
        """True for the first request of a message: it runs the bot."""
        return await self.store.add_if_absent(key, self.ttl, _PENDING)

    async def finish(self, key: Text, parts: List[Text]) -> None:
        await self.store.set_json(key, {"state": "done", "parts": parts}, self.ttl)

    async def answer(self, key: Text) -> Optional[List[Text]]:
        """The stored answer, or None while it is being computed."""
        data = await self.store.get_json(key)
        if isinstance(data, dict) and data.get("state") == "done":
            parts = data.get("parts")
            if isinstance(parts, list) and all(isinstance(p, str) for p in parts):
                return parts
        return None

    async def wait(self, key: Text, timeout: float) -> Optional[List[Text]]:
        """The answer once another request (maybe on another server) stored
        it, or None if it is not there within ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            parts = await self.answer(key)
            if parts is not None:
                return parts
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            await asyncio.sleep(min(self.poll_interval, remaining))

    async def claim(self, key: Text, how: Text) -> bool:
        """Whether the answer may be delivered ``how`` (PASSIVE or CUSTOMER_SERVICE)."""
        claim_key = key + ":delivery"
        if await self.store.add_if_absent(claim_key, self.ttl, how):
            return True
        return how == PASSIVE and await self.store.get(claim_key) == PASSIVE

    async def claim_followups(self, key: Text) -> bool:
        """True once per message: the caller sends the 2nd… parts."""
        return await self.store.add_if_absent(key + ":followups", self.ttl)
