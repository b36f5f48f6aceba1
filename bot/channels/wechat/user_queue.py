"""One user's messages are handled one after the other, in arrival order.

Rasa locks a conversation while it handles a message; a second message of the
same sender waits for the lock by polling it once a second.  When a user sends
several messages at once, that polling alone can push an answer past WeChat's
5-second window.  The channel therefore queues one user's messages itself (an
``asyncio.Lock`` per user, which is fair: first come, first served), so Rasa's
lock is free whenever a message reaches it.  This covers one Rasa process;
between several servers Rasa's (Redis) lock store still serialises.
"""

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator, Dict, List, Text


class UserQueue:
    """An ``asyncio.Lock`` per user, dropped as soon as nobody holds or waits for it."""

    def __init__(self) -> None:
        # user -> [lock, number of holders and waiters]
        self._locks: Dict[Text, List] = {}

    @asynccontextmanager
    async def turn(self, user: Text) -> AsyncIterator[None]:
        entry = self._locks.get(user)
        if entry is None:
            entry = self._locks[user] = [asyncio.Lock(), 0]
        entry[1] += 1
        try:
            async with entry[0]:
                yield
        finally:
            entry[1] -= 1
            if entry[1] == 0 and self._locks.get(user) is entry:
                del self._locks[user]

    def __len__(self) -> int:
        return len(self._locks)
