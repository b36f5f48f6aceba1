"""Whole conversations with the trained bot over Rasa's REST channel: the figures users would check.

These are this project's own conversations (the development set in ../shared/eval is never used)."""

from __future__ import annotations

import pytest

from tests.support.conversations import converse, new_sender


@pytest.mark.parametrize(
    "messages, must_have, must_not_have",
    [
        (["鹰城评上国家级专精特新小巨人的企业，一次性奖励是多少"], ["50万元", "平顶山", "市财政局"], ["三明"]),
        (["滨州企业上市募集了18个亿，能拿多少奖补"], ["700万元"], ["1200万元可得"]),
        (["滨州企业上市融资二十五亿奖补多少"], ["可得：1200万元"], []),
        (["三明市新认定的省级专精特新奖多少"], ["10万元", "已于2020年12月31日到期", "这项政策已结束"], []),
        (["平顶山工伤保险实在交不起了，可以缓几个月"], ["3个月", "市人力资源和社会保障局"], []),
        (["三门峡公司在新三板挂牌奖励多少"], ["80万元"], ["200万"]),
        (["平顶山企业上新三板挂牌奖励"], ["200万元"], ["80万"]),
        (["平顶山的小规模纳税人按季度申报，卖多少以内免增值税"], ["45万元"], []),
        (["平顶山电力接入审批最多几个工作日"], ["5个工作日"], []),
        (["滨州重大技改项目贷款贴息怎么算"], ["35%", "2000万元"], []),
        (["三明市N+1+N供应链融资的核心企业能奖多少"], ["200万元"], []),
    ],
)
def test_single_questions(bot, messages, must_have, must_not_have):
    reply = converse(bot, *messages)
    for text in must_have:
        assert text in reply, reply
    for text in must_not_have:
        assert text not in reply, reply


def test_follow_up_contact_applies_to_the_last_subject(bot):
    reply = converse(bot, "平顶山企业升规入统了给啥奖励", "那这个找哪个部门办")
    assert "市工业和信息化局" in reply or "市统计局" in reply


def test_follow_up_validity(bot):
    reply = converse(bot, "平顶山社保能缓交的那个规定", "截止到啥时候")
    assert "2022年12月31日" in reply


def test_switching_city_keeps_the_question(bot):
    reply = converse(bot, "三门峡企业在中原股权交易中心挂牌有奖励吗", "那平顶山呢")
    assert "30万" in reply and "三门峡" not in reply


def test_city_given_after_the_question(bot):
    reply = converse(bot, "去新三板挂个牌政府奖不奖", "三门峡")
    assert "80万元" in reply


def test_question_without_city_asks_for_it(bot):
    reply = converse(bot, "公司要是上市了政府给什么奖")
    assert sum(city in reply for city in ("三门峡", "登封", "平顶山", "三明", "滨州")) >= 2


def test_profile_then_tiered_question(bot):
    reply = converse(bot, "我们公司注册在滨州", "要是上市募资13个亿奖补多少")
    assert "700万元" in reply


def test_out_of_scope_and_greeting_give_no_figures(bot):
    assert "万" not in converse(bot, "帮我查一下明天去上海的高铁票")
    greeting = converse(bot, "你好")
    assert greeting and "万" not in greeting


def test_help_lists_what_the_bot_answers(bot):
    reply = converse(bot, "你能帮我做什么")
    assert "奖励" in reply and "社保" in reply


def test_button_payload_is_understood(bot):
    sender = new_sender()
    bot.text(sender, "专精特新小巨人有什么奖励")
    reply = bot.text(sender, '/inform_city{"city": "平顶山"}')
    assert "50万元" in reply
