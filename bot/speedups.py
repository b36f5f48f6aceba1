"""CPU savings per message in Rasa 3.6 that change no result, installed by ``python -m bot.server``.

Found by profiling one Rasa server under load with py-spy (docs/production.md, "Speed"). Each replaces a
function whose cost is repeated work, and returns exactly what Rasa's own function returns:

1. **Validating the action server's response.** ``RemoteAction._validate_action_result`` checks
   the response against a schema whose ``events`` items are a ``oneOf`` of 23 event schemas.
   ``jsonschema`` tries all 23 for every event (building an error object for each of the 22 that
   fail) after re-checking the schema itself: ~60 ms per custom action as shipped, ~3 ms with the
   validator built once. Every alternative pins ``event`` to a different constant, so "exactly one
   alternative matches" is the same as "the alternative named by ``event`` matches"; that one is
   checked directly (~0.3 ms). Only when that says invalid is the full ``oneOf`` validation run, to
   raise the same error (Rasa's best match and hint) as before. If a future schema broke the
   one-constant-per-alternative rule, the full validation is used for everything.
2. **Looking up an event class by name.** ``Event.resolve_by_type`` walks the whole ``Event``
   class tree (with ``inspect.isabstract`` on each class) for every event deserialised: each event
   of a tracker read from the tracker store, and each event an action returns. The class found for
   a name is remembered; unknown names still go through Rasa's function (and its error).
3. **Full garbage collections.** A loaded model brings millions of long-lived Python objects (Rasa,
   TensorFlow, scikit-learn, the graph). Each full (generation 2) collection walks all of them,
   100-270 ms measured in the server, during which no message is served: the slowest 1 % of
   replies. Once the model is loaded (``rasa.core.run.load_agent_on_start``), they are moved to
   the permanent generation with :func:`gc.freeze`; objects made later are collected as before.

Each is a replacement of a Rasa 3.6 function, installed only after :mod:`bot.patching` has checked
that Rasa is 3.6.x and that the function still takes the same parameters (else the server refuses
to start and names it). *No seam* for any of them: the response schema is checked inside
``RemoteAction.run`` (no option, no validator hook); ``Event.resolve_by_type`` is called by
``Event.from_parameters`` for every event, wherever it comes from; and the model is loaded by the
``before_server_start`` listener Rasa registers itself (``rasa.core.run.serve_application``), with
no hook after it (a channel's blueprint could add a listener, but that would tie the server's
memory management to one chat channel being configured).

``install()`` is idempotent; :func:`uninstall` restores Rasa's functions (for tests).
"""

from __future__ import annotations

import copy
import gc
import logging
from typing import Any, Dict, List, Optional, Text, Type

from bot.patching import PatchSet, RasaPatch

logger = logging.getLogger(__name__)

_patches = PatchSet("bot.speedups")


def patches() -> List[RasaPatch]:
    """What :func:`install` replaces, with the parameters of Rasa 3.6's functions."""
    import rasa.core.run
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    return [
        RasaPatch(RemoteAction, "_validate_action_result", _validate_action_result, "(self, result)"),
        RasaPatch(Event, "resolve_by_type", _resolve_by_type, "(type_name, default=None)", wrap=staticmethod),
        RasaPatch(
            rasa.core.run,
            "load_agent_on_start",
            _load_agent_then_freeze,
            "(model_path, endpoints, remote_storage, app, loop)",
        ),
    ]


def install() -> None:
    """Raises :class:`bot.patching.IncompatibleRasa` (and changes nothing) on another Rasa."""
    if _patches.installed():
        return
    _patches.install(patches())
    logger.info("bot.speedups installed: action response validation, event type lookup, gc.freeze after loading")


def uninstall() -> None:
    _patches.uninstall()
    _event_classes.clear()


def original(owner: Any, name: str) -> Any:
    """Rasa's function replaced by ``owner.name`` (for tests comparing results)."""
    return _patches.original(owner, name)


# -- 1. action response validation --------------------------------------------------------------
class ActionResponseValidator:
    """Validates action server responses against a JSON schema with Rasa's ``oneOf`` of events."""

    def __init__(self, schema: Dict[Text, Any]) -> None:
        from jsonschema.validators import validator_for

        cls = validator_for(schema)
        cls.check_schema(schema)
        self.full = cls(schema)
        self._outer: Optional[Any] = None
        self._by_event: Dict[Any, Any] = {}
        items = schema.get("properties", {}).get("events", {}).get("items", {})
        alternatives = items.get("oneOf") or []
        names = [alternative.get("properties", {}).get("event", {}).get("const") for alternative in alternatives]
        if alternatives and None not in names and len(set(names)) == len(names):
            outer = copy.deepcopy(schema)
            del outer["properties"]["events"]["items"]["oneOf"]
            self._outer = cls(outer)
            self._by_event = {name: cls(alternative) for name, alternative in zip(names, alternatives)}
        else:
            logger.warning(
                "action response schema without one `event` constant per alternative: "
                "validating every response with the full schema"
            )

    def is_valid(self, result: Any) -> bool:
        if self._outer is None:
            return self.full.is_valid(result)
        if not self._outer.is_valid(result):
            return False
        for event in result.get("events") or []:
            validator = self._by_event.get(event.get("event"))
            if validator is None or not validator.is_valid(event):
                return False
        return True

    def best_error(self, result: Any) -> Optional[Any]:
        """The error ``jsonschema.validate`` would raise (None when the response is valid)."""
        from jsonschema.exceptions import best_match

        return best_match(self.full.iter_errors(result))


_validator: Optional[ActionResponseValidator] = None


def response_validator() -> ActionResponseValidator:
    global _validator
    if _validator is None:
        from rasa.core.actions.action import RemoteAction

        _validator = ActionResponseValidator(RemoteAction.action_response_format_spec())
    return _validator


def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    """``RemoteAction._validate_action_result`` of Rasa 3.6, same result and same error."""
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    validator = response_validator()
    if validator.is_valid(result):
        return True
    try:
        error = validator.best_error(result)
        if error is not None:
            raise error
        return True
    except ValidationError as e:
        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


# -- 2. event class by type name ----------------------------------------------------------------
_event_classes: Dict[Text, Type[Any]] = {}


def _resolve_by_type(type_name: Text, default: Optional[Type[Any]] = None) -> Optional[Type[Any]]:
    """``Event.resolve_by_type``: the class for a name is looked up once, then remembered."""
    found = _event_classes.get(type_name)
    if found is None:
        from rasa.shared.core.events import Event

        found = _patches.original(Event, "resolve_by_type")(type_name, default)
        if found is not None and found is not default:
            _event_classes[type_name] = found
    return found


# -- 3. long-lived objects out of full garbage collections -----------------------------------------
def freeze_loaded_objects() -> int:
    """Collect once, then exempt every object alive now from later collections (returns how many)."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


async def _load_agent_then_freeze(*args: Any, **kwargs: Any) -> Any:
    import rasa.core.run

    agent = await _patches.original(rasa.core.run, "load_agent_on_start")(*args, **kwargs)
    logger.info("model loaded: %d objects frozen out of full garbage collections", freeze_loaded_objects())
    return agent
