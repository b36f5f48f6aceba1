"""Chinese tokenisation shared by the database's full-text search and the bot's jieba dictionary.

jieba splits 专精特新 into 专精/特新 and 中原股权交易中心 into pieces unless told otherwise, so the
policy vocabulary (topics, synonyms, departments, places) is added to a private jieba Tokenizer.
"""

from __future__ import annotations

import logging
import re
from typing import Iterable

import jieba

jieba.setLogLevel(logging.WARNING)

# Words that carry no meaning for finding a policy (question words, particles, politeness).
STOPWORDS = frozenset(
    """
的 了 吗 呢 啊 吧 呀 嘛 么 哦 哈 是 有 在 和 与 及 或 对 给 把 被 就 都 也 还 又 要 会 能 可以 可 请问 请 问 一下 下
我 我们 咱 咱们 你 你们 他 她 它 这 那 这个 那个 什么 啥 多少 几 怎么 怎样 如何 哪 哪个 哪些 有没有 没有 是不是 能不能
个 些 种 么样 一个 一些 多 少 很 太 更 最 比较 非常 啊啊 嗯 呃 好 谢谢 您好 你好 企业 公司 政府 政策 市 的话 现在 如果
""".split()
)
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


class PolicyTokenizer:
    """A jieba tokenizer that knows the policy vocabulary and drops stop words."""

    def __init__(self, vocabulary: Iterable[str] = ()):
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self._terms: set[str] = set()
        for word in vocabulary:
            word = _PUNCT.sub("", word)
            if len(word) >= 2:
                self._jieba.add_word(word, freq=200000)
                self._terms.add(word)

    def tokens(self, text: str) -> list[str]:
        """Search tokens: words and their in-word pieces (cut_for_search), no stop words."""
        out = []
        for token in self._jieba.cut_for_search(_normalise(text)):
            token = token.strip()
            if token and token not in STOPWORDS and not _PUNCT.fullmatch(token):
                out.append(token)
        return out

    def inside_terms(self, text: str) -> frozenset[int]:
        """The positions strictly inside the policy terms of `text` (稳岗返还, 中原股权交易中心 …): a cue phrase
        that begins there is part of a term, not a question (还有吗 is not read in 稳岗返还有吗)."""
        return frozenset(
            i
            for word, start, end in self._jieba.tokenize(text or "")
            if word in self._terms
            for i in range(start + 1, end)
        )


def _normalise(text: str) -> str:
    return (text or "").replace("“", "").replace("”", "").replace('"', "").lower()
