"""Conversation stores: for production (endpoints.production.yml) and for ``make run`` (endpoints.yml)."""

from bot.stores.memory import BoundedInMemoryTrackerStore, QuickInMemoryLockStore
from bot.stores.redis_lock_store import ResilientRedisLockStore
from bot.stores.sql_tracker_store import LeanSQLTrackerStore

__all__ = ["BoundedInMemoryTrackerStore", "LeanSQLTrackerStore", "QuickInMemoryLockStore", "ResilientRedisLockStore"]
