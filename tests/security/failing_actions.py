"""An action package for tests/security/test_log_bounds_live.py: one action that always raises, with
a long message that contains a newline (as an action failing on a user's value would)."""

from __future__ import annotations

from rasa_sdk import Action


class ActionThatFails(Action):
    def name(self) -> str:
        return "action_that_fails"

    def run(self, dispatcher, tracker, domain):  # noqa: ANN001 - rasa_sdk's signature
        raise ValueError("slot city is not a string: 12345\n2030-01-01 00:00:00,000 ERROR forged " + "9" * 20000)
