"""Follow-ups the way owners type them, through the trained bot over REST: each changes one part of the
subject (a figure, the level, the city, the aspect) or picks from a list; none gets out-of-scope.

These are this project's own conversations (the development sets in ../shared/eval are never used)."""

from __future__ import annotations

from tests.support.conversations import converse

OUT_OF_SCOPE = "不在我的服务范围内"
NOT_UNDERSTOOD = "没太明白"


def test_a_bare_new_figure_recomputes_the_tier(bot):
    reply = converse(bot, "滨州企业上市融了十二个亿奖多少", "那要是融了25亿呢")
    assert "1200万元" in reply and "滨州" in reply and OUT_OF_SCOPE not in reply


def test_a_correction_of_the_figure(bot):
    reply = converse(bot, "滨州上市募资6亿能奖补多少", "不对，说错了，是16亿")
    assert "700万元" in reply


def test_a_detail_question_about_the_subject_is_answered_from_its_clause(bot):
    reply = converse(bot, "平顶山失业保险交不起可以缓缴吗", "缓缴期间会收滞纳金不")
    assert "滞纳金" in reply and NOT_UNDERSTOOD not in reply and OUT_OF_SCOPE not in reply


def test_the_city_switch_keeps_the_subject(bot):
    reply = converse(bot, "平顶山新三板挂牌奖励多少", "三门峡那边呢")
    assert "80万元" in reply and "200万" not in reply


def test_documents_are_described_with_their_number_or_its_absence(bot):
    assert "平政办〔2022〕15号" in converse(bot, "平顶山那个惠企文件的文号是多少")
    reply = converse(bot, "登封的文件有发文字号吗")
    assert "未载明文号" in reply and "登封市制造业高质量发展三年行动计划" in reply


def test_a_prefecture_over_a_covered_city(bot):
    reply = converse(bot, "郑州的企业有啥补贴")
    assert "登封" in reply and OUT_OF_SCOPE not in reply


def test_a_homophone_typo_in_the_topic(bot):
    reply = converse(bot, "三门峡企业在新三版挂牌能奖多少")
    assert "80万元" in reply


def test_an_enterprise_profile_gets_a_checkup(bot):
    reply = converse(bot, "我们是博兴县的专精特新企业，明年准备上市，能享受哪些政策")
    assert "滨州" in reply and "上市" in reply and "专精特新" in reply
    assert "平顶山" not in reply and "三门峡" not in reply
