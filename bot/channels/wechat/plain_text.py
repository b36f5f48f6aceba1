"""The bot's Markdown replies as WeChat plain text.

Replies are written for the web page, which renders Markdown; a WeChat text message shows every
character as typed. The actions write two Markdown constructs only
(actions/answering/formatting.py): a bold figure line, ``**50万元**``, which WeChat shows as
【50万元】, and a link to a clause of the source page, ``[查看原文](https://…)``, which becomes its
label and address, 「查看原文：https://…」 (WeChat makes the address tappable).
"""

import re
from typing import Text

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(((?:https?://)[^()\s]+)\)")


def plain_text(markdown: Text) -> Text:
    """``**x**`` -> 【x】 and ``[label](url)`` -> ``label：url``; everything else is kept as it is."""
    text = _LINK.sub(lambda m: f"{m.group(1)}：{m.group(2)}", markdown)
    return _BOLD.sub(lambda m: f"【{m.group(1)}】", text)
