"""The one telephone number the bot ever gives: a city's 12345 政务服务便民热线 (cities.yml `hotline`).

Asked for a person, a phone number or where to complain, the bot names the conversation's city's
hotline, or every city's when no city is known. The policy data holds no department phone numbers,
so none is ever said: a question about a department's phone gets its 责任单位 and the hotline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from policy_db.query import Catalog
from policy_db.vocabulary import load_vocabulary

from . import wording

if TYPE_CHECKING:  # for annotations only, so formatting and the lookup can import this module
    from .context import Turn
    from .reply import Reply


def asks_for_phone(text: str) -> bool:
    """Whether `text` asks for a number to call (vocabulary.yml contact.phone_words: 电话多少, 怎么联系)."""
    return any(word in text for word in load_vocabulary().phone_words)


def hotlines(catalog: Catalog | None) -> dict[str, str]:
    """City -> hotline, in the order of cities.yml (cities without one are left out)."""
    return {c.name: c.hotline for c in catalog.cities if c.hotline} if catalog is not None else {}


def hotline_text(catalog: Catalog | None, city: str | None) -> str:
    """「平顶山12345政务服务便民热线:0375-12345(在当地可直接拨打12345)」, or every city's hotline when
    `city` is None; without the catalogue (database down), the local hotline without a number."""
    numbers = hotlines(catalog)
    if city in numbers:
        return wording.HOTLINE_OF_CITY.format(city=city, hotline=wording.HOTLINE_NAME, number=numbers[city])
    if not numbers:
        return wording.HOTLINE_LOCAL.format(hotline=wording.HOTLINE_NAME)
    listed = "、".join(f"{name} {number}" for name, number in numbers.items())
    return wording.HOTLINE_EVERY_CITY.format(hotline=wording.HOTLINE_NAME, listed=listed)


def add_hotline_when_asked(reply: Reply, catalog: Catalog, turn: Turn) -> Reply:
    """A policy answer to a message that also asks for a phone number (「技改补贴找哪个部门,电话多少」)
    gets the hotline after it: the answer names the 责任单位, the data has no number of theirs."""
    if asks_for_phone(turn.message.text):
        city = reply.changes.get("city") or turn.merged.city
        reply.say(
            wording.PHONE_ASKED.format(no_phones=wording.NO_DEPARTMENT_PHONES, hotline=hotline_text(catalog, city))
        )
    return reply
