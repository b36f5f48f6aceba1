"""The conversation engine and the owner's own case, through the trained bot over REST: short follow-ups
answered from the state, figures given late or in the question, validity today, honest how-to, verdicts,
comparisons, ranks and totals. The project's own conversations (the development sets are never used)."""

from __future__ import annotations

import re

from tests.support.conversations import converse

NOT_UNDERSTOOD = "没太明白"
OUT_OF_SCOPE = "不在我的服务范围内"


def first_line(reply: str) -> str:
    return reply.strip().splitlines()[0]


# -- follow-ups from the state -------------------------------------------------------------------------
def test_a_bare_amount_question_after_a_subject(bot):
    reply = converse(bot, "滨州公司打算IPO，政府补不补", "给多少钱")
    assert "万元" in reply and "滨州" in reply and NOT_UNDERSTOOD not in reply


def test_a_figure_given_late_is_computed(bot):
    reply = converse(bot, "滨州企业搞智能化改造，购置设备能补贴吗", "设备和软件加起来花了两千万", "那能补多少")
    assert "200万元" in reply and NOT_UNDERSTOOD not in reply  # 2000万 × 10%


def test_a_figure_in_the_question_is_used_in_the_same_turn(bot):
    reply = converse(bot, "平顶山个体户租国有门面，疫情期间停业，每月租金六千，能减多少")
    assert "3.6万元" in reply or "36000" in reply  # 6000 × 3 + 6000 × 6 × 50%


def test_a_change_of_level_keeps_the_subject(bot):
    reply = converse(bot, "鹰城企业被工信部评为小巨人，奖金多少", "省级的呢")
    assert "20万元" in reply and "500万" not in first_line(reply)


def test_a_change_of_city_keeps_the_subject(bot):
    reply = converse(bot, "三门峡公司去股转系统挂牌，奖金多少", "滨州呢")
    assert "滨州" in reply and "80万元" not in reply


def test_who_and_until_when_after_a_subject(bot):
    reply = converse(bot, "平顶山规上工业企业一季度满负荷生产，有奖励吗", "归谁管")
    assert "市财政局" in reply or "市工业和信息化局" in reply
    reply = converse(bot, "平顶山规上工业企业一季度满负荷生产，有奖励吗", "现在还能申请不")
    assert "不能申请" in first_line(reply) and "2022年第一季度" in first_line(reply)


# -- validity today, how to apply ---------------------------------------------------------------------
def test_an_undated_measure_of_an_old_document_gets_a_caveat_not_valid(bot):
    reply = converse(bot, "滨州技术改造贷款给贴息那条，今年还能报吗")
    assert "文件未写明期限" in first_line(reply) and "2022" in first_line(reply)
    assert "目前仍在有效期内" not in reply


def test_how_to_apply_says_first_what_the_document_does_not_say(bot):
    reply = converse(bot, "三明的企业重点实验室奖励怎么申报，要准备哪些材料")
    assert first_line(reply).startswith("文件未写明") and "12345" in first_line(reply)


# -- verdicts ---------------------------------------------------------------------------------------------
def test_a_verdict_below_a_limit_that_includes_the_boundary(bot):
    yes = converse(bot, "平顶山小规模纳税人，按季度申报，本季度销售额45万，符合免征增值税的条件吗")
    assert first_line(yes).startswith("符合")
    no = converse(bot, "平顶山小规模纳税人，按季度申报，本季度销售额46万，符合免征增值税的条件吗")
    assert first_line(no).startswith("不符合") and "45万元" in first_line(no) and "46万元" in first_line(no)


def test_a_verdict_for_another_kind_of_enterprise(bot):
    reply = converse(bot, "我们是平顶山的服装零售商贸公司，今年首次入库，小升规的奖励能拿吗")
    assert first_line(reply).startswith("不符合") and "工业企业" in first_line(reply)


def test_a_verdict_that_needs_a_fact_asks_for_it(bot):
    reply = converse(bot, "滨州一家人力资源服务公司新来设机构，那个50万资助我们够格吗")
    assert first_line(reply).startswith("还需确认") and "排名" in first_line(reply)


def test_a_follow_up_about_the_kind_of_enterprise(bot):
    reply = converse(bot, "鹰城服务行业的小微企业，免抵押的信用贷上限多少", "我是个体户，也能贷吗")
    assert first_line(reply).startswith("符合") and "30万元" in reply


# -- compare, rank, total -------------------------------------------------------------------------------
def test_two_cities_compared_with_each_citys_own_figure(bot):
    reply = converse(bot, "新三板挂牌，三门峡跟平顶山哪里奖得多，差多少")
    smx = next(line for line in reply.splitlines() if line.startswith("· 三门峡"))
    pds = next(line for line in reply.splitlines() if line.startswith("· 平顶山"))
    assert "80万元" in smx and "200万元" in pds and "120万元" in reply


def test_one_measure_at_two_figures(bot):
    reply = converse(bot, "滨州上市奖补看募资，募八个亿跟募十二个亿，差几档差多少")
    assert "200万元" in reply and "700万元" in reply and "500万元" in reply


def test_a_total_equals_its_parts(bot):
    reply = converse(bot, "平顶山刚被工信部认定为小巨人，市里奖金给多少", "设备软件投了800万，加上这个一共能拿多少")
    head = next(line for line in reply.splitlines() if line.startswith("合计"))
    parts = [line for line in reply.splitlines() if line.startswith("· ") and "未计入" not in line]
    total = float(re.findall(r"([0-9.]+)万元", head)[0])
    assert abs(sum(float(re.findall(r"([0-9.]+)万元", p.rsplit("：", 1)[1])[0]) for p in parts) - total) < 1e-6


def test_what_the_owner_still_pays(bot):
    reply = converse(bot, "平顶山开面馆的个体户，承租国有门面月租5000，疫情停业那阵，减免后我自己还得付多少房租")
    assert "1.5万元" in first_line(reply) or "15000" in first_line(reply)  # 5000 × 9 − 30000
