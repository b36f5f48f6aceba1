"""Conversation stores for production (selected in endpoints.production.yml)."""
from bot.stores.sql_tracker_store import LeanSQLTrackerStore

__all__ = ["LeanSQLTrackerStore"]
