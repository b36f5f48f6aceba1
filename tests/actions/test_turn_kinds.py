"""The turn table: its order, and each kind of turn on conversations of our own."""

from __future__ import annotations

import re

from actions.answering.turn_kinds import TURN_KINDS
from actions.fallback import ActionHandleFallback, ActionReplyOutOfScope
from actions.policy_answer import ActionAnswerPolicy
from policy_db import outcomes
from tests.support.in_process import Conversation

ANSWER = ActionAnswerPolicy()
NAMES = [kind.name for kind in TURN_KINDS]


def before(first: str, then: str) -> bool:
    return NAMES.index(first) < NAMES.index(then)


def test_the_order_of_the_table():
    assert NAMES[0] == "refused_figure" and NAMES[-1] == "lookup"
    assert before("choose", "lookup") and before("checkup", "judge")
    # 「这份通知里给钱最多的是哪条」 is a rank, not a question about the documents.
    assert all(before(kind, "documents") for kind in ("compare", "rank", "still_pay", "total"))
    assert before("still_pay", "total")  # 「自己还要掏多少」 is not the relief's sum
    # A verdict, today's validity, how to apply and a duration come before a plain follow-up about the subject.
    assert all(before(kind, "follow_up") for kind in ("judge", "now", "how_to", "measure"))
    assert before("follow_up", "switch_city") and before("switch_city", "city_alone")
    # a question of a kind with nothing in play is asked back only when no earlier kind (a city alone) took it
    assert before("city_alone", "which_measure") and before("which_measure", "lookup")
    assert len(set(NAMES)) == len(NAMES)


def test_every_kind_says_what_the_owner_says():
    assert all(kind.doc and "「" in kind.doc for kind in TURN_KINDS)


# -- follow-ups from the state ------------------------------------------------------------------------
def test_a_short_amount_question_after_a_subject_is_answered(conversation):
    conversation.ask(ANSWER, "三门峡的公司挂牌新三板，政府给钱不", "ask_reward")
    turn = conversation.ask(ActionHandleFallback(), "给多少钱", "nlu_fallback")
    assert "80万元" in turn.text and turn.outcomes[0] == outcomes.ANSWERED


def test_a_figure_given_late_is_computed_for_the_subject(conversation):
    conversation.ask(ANSWER, "滨州这边做智能化技改，采购设备政府补多少", "ask_reward")
    turn = conversation.ask(ActionReplyOutOfScope(), "设备软件我们花了3000万", "out_of_scope")
    assert "300万元" in turn.text  # 3000万 × 10%, under the 500万 cap
    again = conversation.ask(ActionHandleFallback(), "那能拿多少", "nlu_fallback")
    assert "300万元" in again.text


def test_a_figure_in_the_question_is_used_in_the_same_turn(conversation):
    turn = conversation.ask(ANSWER, "在滨州上市，募了十二个亿，奖补按哪一档给多少", "ask_reward")
    assert "700万元" in turn.text and "滨州" in turn.text


def test_a_level_change_keeps_the_subject(conversation):
    conversation.ask(ANSWER, "鹰城的国字号小巨人企业，市里奖金多少", "ask_reward")
    turn = conversation.ask(ANSWER, "那省级的呢", "ask_reward")
    assert "20万元" in turn.text and "专精特新" in turn.text


def test_a_cue_after_a_subject_is_never_out_of_scope(conversation):
    first = conversation.ask(ANSWER, "平顶山的工伤保险暂时交不起，可以缓缴不", "ask_social_insurance")
    assert first.outcomes[0] == outcomes.ANSWERED
    for text in ("谁管", "多久", "行吗", "截止到啥时候", "那三门峡呢"):
        turn = conversation.ask(ActionReplyOutOfScope(), text, "out_of_scope")
        assert turn.outcomes[0] not in (outcomes.OUT_OF_SCOPE, outcomes.NOT_UNDERSTOOD), text


# -- judge --------------------------------------------------------------------------------------------
def test_judge_a_kind_of_enterprise_the_clause_does_not_name_is_a_no(conversation):
    turn = conversation.ask(
        ANSWER, "我们是平顶山搞五金批发的商贸企业，今年首次入库了，小升规奖励有我们份吗", "ask_reward"
    )
    first = turn.first_line
    assert first.startswith("不符合") and "工业企业" in first and "商贸企业" in first


def test_judge_below_a_tier_threshold_gets_only_the_lower_amount(conversation):
    turn = conversation.ask(ANSWER, "今年第一次入规的平顶山工业企业，主营收入3900万，小升规的钱拿得到吗", "ask_reward")
    assert "可得：5万元" in turn.text and "3900万元" in turn.text and "可得：8万元" not in turn.text


def test_judge_exactly_at_a_threshold_that_includes_it_is_a_yes(conversation):
    turn = conversation.ask(
        ANSWER, "小升规这块，平顶山的工业企业首次入库，主营业务收入卡在5000万这条线上，够格吗", "ask_reward"
    )
    assert turn.texts[0].startswith("符合") and "可得：8万元" in turn.text


def test_judge_an_enterprise_type_after_a_subject(conversation):
    conversation.ask(ANSWER, "平顶山做服务的小微企业，不用抵押的信用贷能贷到多少", "ask_finance")
    turn = conversation.ask(ANSWER, "我这是个体工商户，也能贷吗", "ask_finance")
    assert turn.texts[0].startswith("符合") and "30万元" in turn.text


def test_judge_with_an_unknown_fact_names_the_fact_to_give(conversation):
    turn = conversation.ask(ANSWER, "我们是鹰城的制造企业，升规那个奖金我们能领不", "ask_reward")
    first = turn.first_line
    assert first.startswith("还需确认") and "首次" in first


# -- compare, rank, total ------------------------------------------------------------------------------
def _amount(line: str) -> float:
    """The amount after the entry's name (「· 名称：最高300万元（…）」)."""
    return float(re.findall(r"([0-9.]+)万元", line.rsplit("：", 1)[1])[0])


def test_compare_two_cities_gives_each_city_its_own_figure(conversation, catalog):
    turn = conversation.ask(ANSWER, "新三板挂牌，三门峡和平顶山哪边奖得多", "ask_reward")
    lines = turn.text.splitlines()
    smx = next(line for line in lines if line.startswith("· 三门峡"))
    pds = next(line for line in lines if line.startswith("· 平顶山"))
    assert "80万元" in smx and "80万元" not in pds
    assert turn.outcomes[0] == outcomes.COMPARED


def test_compare_after_switching_city(conversation):
    conversation.ask(ANSWER, "三门峡公司去全国股转系统挂牌，市里奖金多少", "ask_reward")
    conversation.ask(ANSWER, "那平顶山呢", "inform_city", [{"entity": "city", "value": "平顶山"}])
    turn = conversation.ask(ANSWER, "哪边多，差多少", "ask_reward")
    assert "三门峡" in turn.text and "平顶山" in turn.text and "多" in turn.text


def test_rank_within_a_city_leaves_out_facts(conversation, catalog):
    turn = conversation.ask(ANSWER, "滨州哪项奖励钱最多", "ask_reward")
    facts = {b.name for b in catalog.in_city("滨州") if b.is_fact}
    assert not any(name in turn.text for name in facts)
    assert turn.texts[0].splitlines()[1].startswith("1.")


def test_a_total_equals_the_sum_of_its_parts(conversation):
    conversation.ask(ANSWER, "平顶山刚拿到国家级小巨人称号，市里奖金是多少", "ask_reward")
    turn = conversation.ask(ANSWER, "设备投资1000万，加上设备补助一共多少", "ask_reward")
    head = turn.first_line
    total = _amount(head)
    parts = [line for line in turn.texts[0].splitlines() if line.startswith("· ") and "未计入" not in line]
    assert len(parts) >= 2 and abs(sum(_amount(line) for line in parts) - total) < 1e-6


def test_what_the_owner_still_pays_is_the_cost_less_the_relief(conversation):
    turn = conversation.ask(
        ANSWER, "平顶山个体户，疫情停业，承租国有经营用房月租3000，减免之后自己还要掏多少房租", "ask_rent_utility"
    )
    first = turn.first_line
    assert "9000元" in first or "9千元" in first  # 3000 × 9 − (3000 × 3 + 3000 × 6 × 50%) = 9000


def test_two_figures_of_one_measure_are_compared(conversation):
    turn = conversation.ask(ANSWER, "要是在滨州上市，募集9亿元或者募集15亿元，这两种情况奖补差多少", "ask_reward")
    assert "200万元" in turn.text and "700万元" in turn.text and "相差：500万元" in turn.text


def test_staged_amounts_add_up_in_a_comparison(conversation):
    turn = conversation.ask(ANSWER, "平顶山和三门峡企业上市奖励各是多少，哪个多", "ask_reward")
    pds = next(line for line in turn.text.splitlines() if line.startswith("· 平顶山"))
    assert "1000万元" in pds


# -- now, how to, duration -------------------------------------------------------------------------------
def test_a_passed_period_is_over_although_the_clause_gives_no_end_date(conversation):
    turn = conversation.ask(ANSWER, "平顶山满负荷生产奖励现在还能申请吗", "ask_validity")
    first = turn.first_line
    assert "不能申请" in first and "2022年第一季度" in first and "有效期内" not in turn.text


def test_an_undated_measure_of_an_old_document_is_not_called_valid(conversation):
    turn = conversation.ask(ANSWER, "三门峡新三板挂牌那项奖励，到今天还有效吗", "ask_validity")
    first = turn.first_line
    assert first.startswith("文件未写明期限") and "2022年" in first and "仍在有效期内" not in turn.text


def test_how_to_says_first_that_the_document_gives_no_procedure(conversation):
    turn = conversation.ask(ANSWER, "平顶山小巨人奖励怎么申请，要什么材料", "ask_contact")
    first = turn.first_line
    assert first.startswith("文件未写明") and "市财政局" in first and "0375-12345" in first


def test_a_duration_the_clause_does_not_give_is_said_plainly(conversation, catalog):
    conversation.ask(ANSWER, "平顶山的工伤保险暂时交不起，可以缓缴不", "ask_social_insurance")
    turn = conversation.ask(ANSWER, "能缓多久", "ask_validity")
    subject = catalog.get(conversation.state["subject"])[0]
    if any(f.kind in ("months", "days", "years") for f in subject.figures):
        assert any(f.text in turn.text for f in subject.figures)
    else:
        assert turn.texts[0].startswith("文件未写明")


# -- mends found on conversations of our own ---------------------------------------------------------------
def test_a_figure_of_the_subjects_measure_is_a_follow_up_whatever_else_the_message_says(conversation):
    conversation.ask(ANSWER, "滨州搞人力资源高端活动（论坛、研修）的单位，政府有补贴没有", "ask_reward")
    turn = conversation.ask(ANSWER, "我们明年准备搞两场", "inform_figure")
    assert "40万元" in turn.text  # 20万元 × 2场
    again = conversation.ask(ActionHandleFallback(), "一共最多多少", "nlu_fallback")
    assert "40万元" in again.text


def test_a_rent_given_without_a_unit_is_yuan(conversation):
    turn = conversation.ask(ANSWER, "平顶山个体户租国有门面，疫情影响停业了，月租5000能少交多少", "ask_rent_utility")
    assert "30000元" in turn.text or "3万元" in turn.text  # 5000 × 3 + 5000 × 6 × 50%


def test_stages_the_clause_does_not_give_are_said_plainly(conversation):
    conversation.ask(ANSWER, "三门峡公司在国内A股首次公开发行，奖金怎么给", "ask_reward")
    turn = conversation.ask(ANSWER, "分几次给", "ask_reward")
    assert turn.texts[0].startswith("文件未写明")


def test_a_fact_about_the_policy_is_answered_from_its_paragraph_not_judged(conversation):
    turn = conversation.ask(ANSWER, "滨州新上的光伏电站投运后，新增可再生能源算不算各县能源消费总量", "ask_condition")
    assert not turn.texts[0].startswith(("符合", "不符合", "还需确认"))
    assert "不纳入" in turn.texts[0].splitlines()[1]  # the sentence that answers it, right under the title


def test_the_words_kind_of_help_ranks_before_the_classifiers_guess(conversation):
    turn = conversation.ask(ANSWER, "平顶山的税交不上了能不能延后", "ask_finance")
    assert "纳税" in turn.first_line


def test_a_description_that_asks_something_is_answered(conversation):
    from actions.profile import ActionRememberProfile

    turn = conversation.ask(
        ActionRememberProfile(), "我们在平顶山开了家小超市，商场的户外大屏可以免费用吗", "inform_profile"
    )
    assert "大屏" in turn.text and "免费" in turn.text


# -- overviews that fit the question ---------------------------------------------------------------------
def test_an_overview_of_rewards_lists_money_not_deadlines_or_rates(conversation, catalog):
    turn = conversation.ask(ANSWER, "平顶山都有哪些奖励补贴", "ask_reward")
    listed = catalog.get(conversation.state["listed"])
    assert listed and all(any(f.kind in ("amount", "cap") for f in b.figures) or b.tier or b.formula for b in listed)
    assert "工作日" not in turn.text


def test_the_last_topic_does_not_narrow_a_new_broad_question(conversation):
    conversation.ask(ANSWER, "三门峡挂新三板的企业，市里给不给奖金", "ask_reward")
    turn = conversation.ask(ANSWER, "平顶山有哪些奖励补贴", "ask_reward")
    assert "平顶山" in turn.text and len(conversation.state["listed"]) > 2
    assert not all("挂牌" in line or "上市" in line for line in turn.text.splitlines()[1:])


def test_a_checkup_for_a_small_enterprise_leaves_out_what_needs_scale(conversation, catalog):
    from actions.profile import ActionRememberProfile

    turn = conversation.ask(
        ActionRememberProfile(), "我们是平顶山的小微企业，开了个小工厂，能享受哪些政策", "inform_profile"
    )
    listed = catalog.get(conversation.state["listed"])
    assert listed and not any(r.field == "recognition" and "规上" in r.value for b in listed for r in b.requires)
    assert "规模以上" in turn.text  # said once


# -- stacking rules and where an enterprise would get the most ----------------------------------------------
def test_a_documents_stacking_rule_counts_only_the_highest(catalog):
    from actions.answering.amounts import amount_of, stacked
    from policy_db.user_figures import UserFigures

    sanming = [b for b in catalog.in_city("三明") if amount_of(b, UserFigures())][:3]
    assert sanming and all(b.document.stacking == "就高不重复" for b in sanming)
    parts = [(b, amount_of(b, UserFigures())) for b in sanming]
    result = stacked(parts)
    assert len(result.counted) == 1 and result.total == max(a.yuan for _, a in parts)
    assert {r.key for r, _, _, rule in result.left_out} == {b.key for b in sanming} - {result.counted[0][0].key}


def test_where_an_enterprise_would_get_the_most(conversation):
    turn = conversation.ask(
        ANSWER,
        "我们是准备上市的专精特新企业，预计募资12亿，平顶山和滨州之间选址，落户哪边总共能拿的支持多",
        "ask_reward",
    )
    text = turn.text
    cities = [line for line in text.splitlines() if line.startswith("【")]
    assert [c[1 : c.index("】")] for c in cities][:2] in (["平顶山", "滨州"], ["滨州", "平顶山"])
    totals = [float(re.findall(r"约([0-9.]+)万元", c)[0]) for c in cities]
    assert totals == sorted(totals, reverse=True)  # the most first
    assert "估算最多" in text and set(turn.outcomes) == {outcomes.COMPARED}
    binzhou = text[text.index("【滨州】") :].split("【")[1]
    assert "700万元" in binzhou  # 募资12亿: the 10亿–20亿 tier
    # an item the owner has not shown to qualify says what it depends on, not just 待确认
    assert re.search(r"小巨人.*（待确认：.*国家级", text) and "（待确认：）" not in text


def test_where_the_most_is_a_table_for_the_web_page_whose_totals_add_up(conversation):
    turn = conversation.ask(
        ANSWER, "我们是一家专精特新企业，打算上市，募资约6亿，在三明、平顶山、滨州里选址，落户在哪最划算", "ask_reward"
    )
    [table] = [t for t in turn.tables if t]
    assert table["columns"] == ["城市", "项目", "估算金额", "取决于"]
    by_city: dict[str, list] = {}
    for row in table["rows"]:
        by_city.setdefault(row[0], []).append(row)
    assert set(by_city) == {"三明", "平顶山", "滨州"}
    # 三明's listing and 专精特新 rewards have ended: no amount to estimate, said so rather than 「0元」
    assert by_city.pop("三明") == [["三明", "", "", "没有仍有效、可估算金额的项目"]]
    assert "合计约0元" not in turn.text
    for city, rows in by_city.items():
        *items, total_row = rows
        assert total_row[1] == "合计" and total_row[3] == f"{len(items)}项"
        parts = sum(float(re.findall(r"([0-9.]+)万元", r[2])[0]) for r in items)
        assert float(re.findall(r"([0-9.]+)万元", total_row[2])[0]) == parts, (city, rows)  # the total is its parts
        # the text channels' lines say the same total for the city
        assert f"【{city}】合计约{total_row[2]}" in turn.text
        assert all(r[3].startswith(("符合：", "待确认：", "以条件原文为准：")) for r in items)
    # 募资6亿 in 滨州: the 「10亿元以下」 tier of the listing reward, read from the owner's figure
    assert any("融资额" in r[1] and r[2] == "200万元" for r in by_city["滨州"]), by_city["滨州"]
    # the table message's text is what WeChat shows: the same cities, line by line
    table_message = turn.texts[turn.tables.index(table)]
    assert table_message.startswith("【") and "估算最多" not in table_message


def test_not_found_names_the_units_of_the_topic_asked(conversation):
    """Two questions the city has no record for name different units: those that lead the topic elsewhere."""
    jobs = conversation.ask(ANSWER, "登封企业招用高校毕业生有社保补贴吗", "ask_social_insurance")
    tax = conversation.ask(ANSWER, "登封企业出口退税能快点吗", "ask_tax_fee")
    assert jobs.outcomes == [outcomes.NOT_FOUND] and tax.outcomes == [outcomes.NOT_FOUND]
    assert "人社局" in jobs.text and "税务局" in tax.text and "人社局" not in tax.text


def test_a_kind_of_help_compared_across_cities_without_a_topic(conversation):
    turn = conversation.ask(ANSWER, "税费方面，平顶山和滨州各有什么优惠，有啥不同", "ask_tax_fee")
    lines = turn.texts[0].splitlines()
    assert any(line.startswith("· 平顶山") for line in lines) and any(line.startswith("· 滨州") for line in lines)
    assert "没有对应条款" not in turn.text


def test_a_total_of_one_subject_adds_its_paying_records(conversation):
    turn = conversation.ask(
        ANSWER, "鹰城刚认定的国家级小巨人，买机器和软件花了600万，奖金连同设备补助合起来多少", "ask_reward"
    )
    head = turn.first_line
    assert head.startswith("合计") and "230万元" in head  # 600万 × 30% + 50万


def test_two_kinds_of_money_asked_together_are_added_up(conversation):
    turn = conversation.ask(
        ANSWER,
        "我们是大中华区排名第20的人力资源机构，刚在滨州开了分公司，年内搞两场高端论坛，资助和补贴合起来封顶多少",
        "ask_reward",
    )
    head = turn.first_line
    assert head.startswith("合计") and "90万元" in head  # 50万 + 20万 × 2
    assert turn.texts[0].count("出处") == 1  # one document, cited once


def test_a_rank_of_the_items_a_fact_lists(conversation):
    turn = conversation.ask(ANSWER, "平顶山各县区新增小升规工业企业预期目标，哪个县最多", "ask_policy_other")
    lines = turn.texts[0].splitlines()
    assert (
        lines[1].startswith("1.")
        and "24家" in lines[1]
        and "138" not in turn.texts[0].split("出处")[0].split("已结束")[0]
    )


def test_a_deferred_sum_is_said_as_deferred_not_received(conversation):
    turn = conversation.ask(
        ANSWER, "平顶山的厂子，失业和工伤保险每月要交5000，申请缓缴的话总共能缓多少", "ask_social_insurance"
    )
    assert "可缓缴：1.5万元" in turn.text and "可得" not in turn.text  # 5000 × 3个月


def test_a_city_switch_after_a_follow_up_asks_the_subjects_question(conversation):
    conversation.ask(ANSWER, "新三板上挂牌的平顶山公司，市里给多少奖金", "ask_reward")
    conversation.ask(ANSWER, "找谁办", "ask_contact")
    turn = conversation.ask(ANSWER, "那三门峡呢", "inform_city", [{"entity": "city", "value": "三门峡"}])
    # the same subject and the same aspect, in the other city: who handles 新三板 listing in 三门峡
    assert "【三门峡】新三板挂牌奖励" in turn.text and "市金融工作局" in turn.text and "找谁办" not in turn.text


def test_named_subjects_ranked_by_their_own_sums(conversation):
    turn = conversation.ask(ANSWER, "平顶山的新三板挂牌和国家级小巨人认定，哪个奖励更多", "ask_reward")
    lines = turn.texts[0].splitlines()
    assert lines[1].startswith("1.") and "200万元" in lines[1] and "50万元" in lines[2]


def test_a_rank_with_nothing_to_rank_is_never_an_empty_list(conversation):
    turn = conversation.ask(ANSWER, "登封三年计划里哪个产业目标最高", "ask_policy_other")
    assert len(turn.texts[0].splitlines()) > 2


def test_who_pays_by_the_owners_place(conversation):
    urban = conversation.ask(ANSWER, "我们在平顶山新华区，这笔奖励资金是市里和区里各出一半吗", "ask_reward")
    assert urban.texts[0].startswith("是的") and "50%" in urban.first_line
    county = conversation.ask(ANSWER, "我们厂在平顶山郏县，奖励资金是不是市县各出一半", "ask_reward")
    assert county.texts[0].startswith("不是") and "当地财政" in county.first_line
    unknown = conversation.ask(ANSWER, "平顶山这些奖励资金是哪级财政出的", "ask_reward")
    assert unknown.texts[0].startswith("要看企业在哪个县")


def test_the_owners_words_are_never_echoed_as_markdown(conversation):
    turn = conversation.ask(ANSWER, "三明有[免费领取](http://evil.example)低空**经济**补贴吗", "ask_reward")
    assert "](" not in turn.text and "http://evil" not in turn.text and "**经济**" not in turn.text


def test_a_threshold_the_clause_states_but_does_not_type_is_never_assumed_met(conversation):
    """平顶山's first-quarter full-load reward also asks for revenue growth of 10%, which its record does not
    type: an enterprise meeting the typed conditions (规上, 工业) hears 还需确认 with that condition, not 符合."""
    turn = conversation.ask(ANSWER, "平顶山一季度满负荷生产的那个奖励，我们厂是规上工业企业，够条件吗", "ask_reward")
    ended, verdict = turn.texts[0].splitlines()[:2]  # a 2022 first-quarter reward: its end is said first
    assert ended.startswith("现在已不能申请"), ended
    assert verdict.startswith("还需确认") and "主营业务收入同比增长10%以上" in verdict, verdict
    assert not any(line.startswith("符合") for line in turn.text.splitlines())
    assert turn.outcomes[0] == outcomes.VERDICT


def test_unchecked_thresholds_are_the_clauses_own_sentences(catalog):
    from decimal import Decimal

    from policy_db.eligibility import EnterpriseProfile, assess
    from policy_db.untyped import unchecked_thresholds

    full_load = next(b for b in catalog.benefits if b.key == "pds-full-load-q1-reward")
    assert unchecked_thresholds(full_load) == ("主营业务收入同比增长10%以上",)
    factory = EnterpriseProfile(
        city="平顶山", recognitions=frozenset({"规上"}), enterprise_types=frozenset({"工业企业"})
    )
    assessment = assess(full_load, factory)
    assert assessment.unknown and assessment.unchecked == ("主营业务收入同比增长10%以上",) and not assessment.missing
    # a record whose thresholds are typed has nothing left unchecked
    typed = [b for b in catalog.benefits if any(isinstance(r.value, Decimal) for r in b.requires)]
    assert typed and all(not unchecked_thresholds(b) for b in typed)


def test_a_message_pointing_back_at_the_subject_stays_on_it(conversation):
    """「这个」 refers to the measure in play: the owner's words about the enterprise (where it is listed) are
    facts for the verdict, not words to select another measure of the same topic by."""
    conversation.ask(ANSWER, "平顶山在中原股权交易中心挂牌的企业，再融资奖励是多少", "ask_reward")
    turn = conversation.ask(ANSWER, "我们公司已经在中原股权交易中心挂牌了，这个我们能享受吗", "ask_reward")
    assert "再融资2‰奖励" in turn.first_line and "交易板挂牌奖励30万" not in turn.text
    assert conversation.state["subject"][0] == "pds-zyequity-refinancing-reward"


def test_a_share_of_two_figures_decides_the_verdict_at_and_below_the_threshold(conversation):
    """「募集资金80%以上投资于我市」 (以上 includes 80%): the share comes from the owner's two amounts; the amount is
    computed from the sum raised, and under 不符合 said as what the measure would give."""
    below = conversation.ask(
        ANSWER,
        "我们在中原股权交易中心挂牌，今年再融资8000万，6000万投在平顶山，其余去了外省，平顶山的再融资奖励能拿吗",
        "ask_reward",
    )
    first = below.first_line
    assert first.startswith("不符合") and "80%" in first and "75%" in first, first
    assert "若符合条件，可得：16万元" in below.text  # 8000万 × 2‰
    at = Conversation().ask(
        ANSWER,
        "我们在中原股权交易中心挂牌，今年再融资8000万，6400万投在平顶山，其余去了外省，平顶山的再融资奖励能拿吗",
        "ask_reward",
    )
    first = at.first_line
    assert first.startswith("符合") and "80%" in first, first
    assert "可得：16万元" in at.text and "若符合条件" not in at.text


def test_how_many_shares_the_city_may_take_is_answered_in_shares(conversation):
    """A how-much question with a modal word (「最多能占多少股」) asks for the figure, not a verdict; the stake is
    computed from the owner's share capital in shares, and a follow-up with another figure recomputes it."""
    turn = conversation.ask(
        ANSWER,
        "滨州这边，我们是专精特新，计划两年后上市，总股本8000万股，市里的股权投资最多能占我们多少股",
        "ask_finance",
    )
    assert turn.outcomes == [outcomes.ANSWERED]
    assert "最高可参股：2000万股" in turn.text and "总股本8000万股 × 25% = 2000万股" in turn.text
    assert "万元" not in turn.text.split("计算：")[1].splitlines()[0]  # shares are never money
    again = conversation.ask(ANSWER, "要是总股本有3亿股呢", "ask_finance")
    assert "最高可参股：7500万股" in again.text


def test_a_verdict_follows_the_figure_the_owner_says_last_exact_or_approximate(conversation):
    """In a conversation about the VAT exemption (月销售额不超过15万元): each later figure, with or without its
    word, exact or approximate, is judged; an approximation across the threshold asks for the exact sum."""
    conversation.ask(ANSWER, "平顶山那个小规模纳税人免增值税，具体什么条件", "ask_tax_fee")
    turns = [
        conversation.ask(ANSWER, text, "ask_tax_fee").texts[0].splitlines()[0]
        for text in (
            "我们小店每月流水11万，这个能免吗",
            "那17万呢，能免吗",
            "要是每个月营业额十几万，还能免吗",
            "那七八万呢，也能免吗",
        )
    ]
    assert turns[0].startswith("符合") and "11万元" in turns[0], turns[0]
    assert turns[1].startswith("不符合") and "17万元" in turns[1], turns[1]
    assert turns[2].startswith("还需确认") and "十几万" in turns[2] and "15万元" in turns[2], turns[2]
    assert turns[3].startswith("符合") and "七八万" in turns[3], turns[3]


def test_a_broad_question_naming_facets_of_one_topic_lists_each_and_no_ended_measure(conversation):
    """「能享受什么」 about two things one topic offers (入驻园区的税收, 办研修培训): a record for each; a kind of help
    (税收) named along adds no record that only shares a common word (an ended truck-toll discount)."""
    turn = conversation.ask(
        ANSWER, "滨州的人力资源服务产业园，入驻以后的税收和办研修培训班，各能享受什么", "ask_reward"
    )
    listed = [line for line in turn.text.splitlines() if re.match(r"\d\. ", line)]
    assert any("95%" in line for line in listed) and any("20万元" in line for line in listed), listed
    assert not any("已过期" in line for line in listed), listed


def test_what_one_record_offers_is_its_card_not_a_list_of_one(conversation):
    turn = conversation.ask(ANSWER, "三门峡技术合同成交能享受什么", "ask_reward")
    assert "共列1条" not in turn.text and "10%" in turn.texts[0].splitlines()[1], turn.text


def test_still_open_asked_with_a_modal_word_is_about_validity_not_the_owner(conversation):
    """「现在还能申请吗」 after a 2020 measure: whether it is still on (no), not a verdict on the owner."""
    conversation.ask(ANSWER, "三明新认定的省级专精特新企业奖多少", "ask_reward")
    turn = conversation.ask(ANSWER, "那现在还能申请吗", "ask_reward")
    assert turn.texts[0].startswith("现在已不能申请") and "2020年12月31日" in turn.first_line
    assert not any(line.startswith("符合") for line in turn.text.splitlines())


def test_a_verdict_on_a_measure_that_has_ended_says_so_first(conversation):
    conversation.ask(ANSWER, "三明新认定的省级专精特新企业奖多少", "ask_reward")
    turn = conversation.ask(ANSWER, "我们去年刚被认定为省级专精特新，第一次评上，这个我们能拿吗", "ask_reward")
    first, second = turn.texts[0].splitlines()[:2]
    assert first.startswith("现在已不能申请") and "2020年12月31日" in first
    assert second.startswith("按条件您本来符合") and "不能再按它申请" in second
    assert turn.outcomes[0] == outcomes.VERDICT


def test_a_compare_naming_one_city_compares_it_with_the_subjects_city(conversation):
    conversation.ask(ANSWER, "平顶山新三板挂牌奖励多少", "ask_reward")
    turn = conversation.ask(ANSWER, "跟三门峡比，哪边给得多", "ask_reward")
    lines = turn.texts[0].splitlines()
    assert turn.outcomes[0] == outcomes.COMPARED
    assert any(line.startswith("· 平顶山") and "200万" in line for line in lines), lines
    assert any(line.startswith("· 三门峡") and "80万" in line for line in lines), lines


def test_who_pays_for_a_measure_whose_document_does_not_say_is_said_first(conversation):
    conversation.ask(ANSWER, "三门峡企业在新三板挂牌能奖多少", "ask_reward")
    turn = conversation.ask(ANSWER, "这笔钱是谁出的", "ask_reward")
    first = turn.first_line
    assert first.startswith("文件未写明") and "新三板挂牌奖励" in first and "财政" in first, first
    assert "市金融工作局" in turn.text  # whom to ask


def test_a_pointer_word_does_not_stop_a_yes_no_question_from_being_judged(conversation):
    """「这笔融资能拿奖励吗」: 这笔 qualifies the question (a modifier cue), it asks no other question."""
    turn = conversation.ask(
        ANSWER,
        "平顶山的公司，在中原股权交易中心挂牌，这次融资5000万，3800万投在平顶山，这笔融资能拿奖励吗",
        "ask_reward",
    )
    first = turn.first_line
    assert first.startswith("不符合") and "76%" in first and "80%" in first, first


def test_a_question_of_a_kind_with_nothing_in_play_asks_which_measure(conversation):
    """「要准备哪些材料」 after a question the city has nothing for: of which measure? (never a record that
    happens to contain 材料, such as 新材料)."""
    conversation.ask(ANSWER, "三明的企业社保能缓缴吗", "ask_social_insurance")
    turn = conversation.ask(ANSWER, "那需要准备什么材料", "ask_social_insurance")
    assert turn.outcomes == [outcomes.ASKED_TOPIC] and turn.texts[0].startswith("您问的是三明哪一项政策")
    assert turn.buttons and "新材料" not in turn.text


def test_a_ratio_asked_of_a_clause_that_gives_none_is_said_plainly(conversation):
    conversation.ask(ANSWER, "平顶山失业保险稳岗返还还在执行吗", "ask_social_insurance")
    turn = conversation.ask(ANSWER, "返还比例是多少", "ask_social_insurance")
    assert turn.texts[0].startswith("文件未写明比例") and "市人力资源和社会保障局" in turn.text, turn.text
    # a clause that gives one: its figure
    conversation.ask(ANSWER, "滨州智能化技改买设备有支持吗", "ask_reward")
    turn = conversation.ask(ANSWER, "支持比例是多少", "ask_reward")
    assert "10%" in turn.texts[0].splitlines()[1], turn.text
