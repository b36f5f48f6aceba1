"""An action package for tests/security/test_log_bounds_live.py and test_action_server.py: one action that always raises, with
a long message that contains a newline (as an action failing on a user's value would)."""

from __future__ import annotations

from rasa_sdk import Action


class ActionThatFails(Action):
    def name(self) -> str:
        return "action_that_fails"

    def run(self, dispatcher, tracker, domain):  # noqa: ANN001 - rasa_sdk's signature
        raise ValueError("slot city is not a string: 12345\n2030-01-01 00:00:00,000 ERROR forged " + "9" * 20000)


class ActionThatAnswers(Action):
    """Says who it answered, for the caller checks of tests/security/test_action_server.py."""

    def name(self) -> str:
        return "action_that_answers"

    def run(self, dispatcher, tracker, domain):  # noqa: ANN001 - rasa_sdk's signature
        dispatcher.utter_message(text=f"answered {tracker.sender_id}")
        return []


class ActionThatTakesLong(Action):
    """A synchronous action that holds its thread for a while, as a costly message would."""

    def name(self) -> str:
        return "action_that_takes_long"

    def run(self, dispatcher, tracker, domain):  # noqa: ANN001 - rasa_sdk's signature
        import time

        time.sleep(3)
        return []
