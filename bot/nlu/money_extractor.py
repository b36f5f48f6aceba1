"""A Rasa NLU component that extracts money figures (15亿, 15个亿, 一千五百万, 6000万元) as `money`
entities whose value is the amount in yuan, so tiers can be computed from what the user typed.

It is rule-based on purpose: amounts follow a closed grammar that cn2an and one regular expression
cover exactly, and DIET is not asked to learn entities (see config.yml).

An NLU component never raises: an exception here would fail the whole message on Rasa's server
(the user gets nothing). A figure the reader cannot take is logged and the message goes on without
money entities; the action still reads and refuses it with a reason (policy_db/user_figures.py)."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from policy_db.money import money_mentions

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class MoneyEntityExtractor(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MoneyEntityExtractor:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text: Optional[str] = message.get(TEXT)
            if not text:
                continue
            try:
                found = [
                    {"entity": "money", "start": m.start, "end": m.end, "value": str(m.yuan)}
                    for m in money_mentions(text)
                ]
            except Exception as exc:  # noqa: BLE001 - a component that raises loses the whole message
                logger.warning(
                    "money figures not read (%s: %s) in a message of %d characters",
                    type(exc).__name__,
                    str(exc)[:200],
                    len(text),
                )
                continue
            if found:
                message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(found), add_to_output=True)
        return messages
