"""Conversation stores for production (selected in endpoints.production.yml)."""

from bot.stores.redis_lock_store import ResilientRedisLockStore
from bot.stores.sql_tracker_store import LeanSQLTrackerStore

__all__ = ["LeanSQLTrackerStore", "ResilientRedisLockStore"]
