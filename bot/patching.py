"""Replacing a Rasa function, only on the Rasa it was written for.

A replacement is written against one Rasa version: it calls the original with the same arguments,
or repeats what it does. :class:`PatchSet` installs a group of :class:`RasaPatch` only after
checking that ``rasa.__version__`` is a 3.6 release and that every function it replaces still has
the parameters the replacement was written for (names, kinds and defaults, via
:func:`inspect.signature`). On a mismatch nothing is replaced and :class:`IncompatibleRasa` is
raised with the function's name; ``python -m bot.server`` then exits with that message instead of
starting a server whose guards call Rasa wrongly.
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass
from typing import Any, Dict, Optional, Sequence, Tuple

logger = logging.getLogger(__name__)

SUPPORTED_RASA = "3.6"


class IncompatibleRasa(RuntimeError):
    """The installed Rasa is not the one a patch was written for; the text names what differs."""


@dataclass(frozen=True)
class RasaPatch:
    """``owner.name`` (a class attribute or a module function) replaced by ``replacement``.

    ``signature`` is the parameter list of Rasa's function the replacement was written for, as
    :func:`bare_signature` prints it, e.g. ``"(self, message)"``. ``wrap`` turns the replacement
    into what is stored on the owner (``staticmethod`` for a static method)."""

    owner: Any
    name: str
    replacement: Any
    signature: str
    wrap: Any = None

    @property
    def qualified_name(self) -> str:
        owner = self.owner
        if inspect.ismodule(owner):
            return f"{owner.__name__}.{self.name}"
        return f"{owner.__module__}.{owner.__qualname__}.{self.name}"


def bare_signature(function: Any) -> str:
    """The parameters of ``function`` without annotations: ``(self, output_channel, nlg, tracker, domain)``."""
    if isinstance(function, (staticmethod, classmethod)):
        function = function.__func__
    signature = inspect.signature(function)
    parameters = [p.replace(annotation=inspect.Parameter.empty) for p in signature.parameters.values()]
    return str(signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty))


def check_rasa_version(installed: Optional[str] = None, patcher: str = "bot") -> None:
    """Raise :class:`IncompatibleRasa` unless the installed Rasa is a 3.6 release."""
    if installed is None:
        import rasa

        installed = str(getattr(rasa, "__version__", "unknown"))
    if installed.split(".")[:2] != SUPPORTED_RASA.split("."):
        raise IncompatibleRasa(
            f"{patcher} replaces functions of Rasa {SUPPORTED_RASA}.x, but Rasa {installed} is installed: "
            f"install the Rasa of requirements.txt, or check every patch of bot/resilience.py and "
            f"bot/speedups.py against Rasa {installed} first."
        )


def check_patch(patch: RasaPatch, patcher: str) -> None:
    """Raise :class:`IncompatibleRasa` if Rasa's function is missing or has other parameters."""
    original = _current(patch)
    if original is None:
        raise IncompatibleRasa(
            f"{patcher}: Rasa has no {patch.qualified_name}, which it replaces "
            f"(Rasa {SUPPORTED_RASA}.x has it): the patch must be rewritten for this Rasa."
        )
    found = bare_signature(original)
    if found != patch.signature:
        raise IncompatibleRasa(
            f"{patcher}: Rasa's {patch.qualified_name} takes {found}, but the replacement was "
            f"written for {patch.signature} (Rasa {SUPPORTED_RASA}.x): the patch must be "
            f"checked against this Rasa before the server can start."
        )


def _current(patch: RasaPatch) -> Any:
    """Rasa's function as the owner exposes it now (also when a class inherits it); None if absent."""
    if inspect.isclass(patch.owner):
        for klass in patch.owner.__mro__:
            if patch.name in klass.__dict__:
                return klass.__dict__[patch.name]
        return None
    return getattr(patch.owner, patch.name, None)


class PatchSet:
    """A group of patches installed and removed together (``patcher`` names them in messages)."""

    def __init__(self, patcher: str) -> None:
        self.patcher = patcher
        self._originals: Dict[Tuple[int, str], Tuple[RasaPatch, Any]] = {}

    def installed(self) -> bool:
        return bool(self._originals)

    def install(self, patches: Sequence[RasaPatch]) -> None:
        """Check the Rasa version and every signature, then replace them all (idempotent)."""
        if self._originals:
            return
        check_rasa_version(patcher=self.patcher)
        for patch in patches:
            check_patch(patch, self.patcher)
        for patch in patches:
            own = (
                patch.owner.__dict__.get(patch.name)
                if inspect.isclass(patch.owner)
                else getattr(patch.owner, patch.name)
            )
            self._originals[(id(patch.owner), patch.name)] = (patch, own)
            setattr(patch.owner, patch.name, patch.wrap(patch.replacement) if patch.wrap else patch.replacement)

    def uninstall(self) -> None:
        """Put Rasa's functions back."""
        for patch, own in self._originals.values():
            if own is None:
                delattr(patch.owner, patch.name)  # the class inherited it
            else:
                setattr(patch.owner, patch.name, own)
        self._originals.clear()

    def original(self, owner: Any, name: str) -> Any:
        """Rasa's function that ``owner.name`` replaced (a plain function, also for a static method)."""
        entry = self._originals.get((id(owner), name))
        if entry is None:
            raise LookupError(f"{self.patcher}: {name} of {owner!r} is not patched")
        patch, own = entry
        if own is None:
            for klass in patch.owner.__mro__[1:]:
                if name in klass.__dict__:
                    own = klass.__dict__[name]
                    break
        return own.__func__ if isinstance(own, (staticmethod, classmethod)) else own
