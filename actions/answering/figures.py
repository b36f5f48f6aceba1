"""Whether a figure the user gave is the figure a tier is computed from.

「贷款500万」 must not be fed into a tier based on a bank's 普惠小微贷款余额增量, and 「营收6000万」 must
not be read as a financing amount: a tier is computed only when the user's words name its basis."""
from __future__ import annotations

# A word in the tier's basis (as curated) -> words enterprise owners use for it.
BASIS_WORDS = {
    "融资": ("融资", "募资", "募集", "融了", "融到", "发行", "上市融资"),
    "收入": ("收入", "营收", "营业额", "销售额", "产值", "主营", "年销售"),
    "成交额": ("成交", "合同"),
    "购置": ("购置", "购买", "买设备", "设备", "软件", "采购", "投入"),
    "评估": ("评估",),
    "余额增量": ("余额增量", "贷款增量", "增量"),
}


def figure_fits_basis(text: str, basis: str) -> bool:
    groups = [words for key, words in BASIS_WORDS.items() if key in basis]
    if not groups:
        return any(basis[i:i + 2] in text for i in range(len(basis) - 1))
    return any(word in text for words in groups for word in words)
