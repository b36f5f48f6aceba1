"""Source sentences keep the section they stand in, for citations of the full-text fallback."""

from __future__ import annotations

from policy_db.loader import SOURCES_DIR
from policy_db.passages import split_passages


def passages(name: str):
    return split_passages(name, (SOURCES_DIR / f"{name}.txt").read_text(encoding="utf-8"))


def test_annex_and_numbered_sections():
    hit = next(p for p in passages("pingdingshan") if "按照中级工每人每年5000元" in p.text)
    assert hit.section == "四"
    annex = next(
        p for p in passages("pingdingshan") if "免收3个月房租,减半收取6个月房租" in p.text and "商贸" in p.text
    )
    assert annex.section == "附件1 三"


def test_items_numbered_within_sections():
    hit = next(p for p in passages("binzhou") if "保障煤炭库存天数7天以上" in p.text)
    assert hit.section == "二 第4项"


def test_sentences_are_verbatim():
    source = (SOURCES_DIR / "sanmenxia.txt").read_text(encoding="utf-8")
    assert all(p.text in source for p in passages("sanmenxia"))
