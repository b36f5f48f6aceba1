"""Shared answering logic: no Rasa specifics beyond reading a Tracker, no SQL (policy_db does that)."""
