"""action_answer_policy: the figure, conditions, validity, contact units and source, per city."""

from __future__ import annotations

from actions.policy_answer import ActionAnswerPolicy

ANSWER = ActionAnswerPolicy()


def test_little_giant_reward_in_pingdingshan(conversation):
    turn = conversation.ask(ANSWER, "鹰城那边评上国家级小巨人能奖多少钱", "ask_reward")
    assert "50万元" in turn.text and "【平顶山】" in turn.text
    assert "市财政局" in turn.text and "市工业和信息化局" in turn.text
    assert "平政办〔2022〕15号" in turn.text and "附件3" in turn.text
    assert conversation.slots["city"] == "平顶山"


def test_county_maps_to_its_city(conversation):
    turn = conversation.ask(
        ANSWER, "我们在郏县，新三板挂牌奖多少", "ask_reward", [{"entity": "city", "value": "平顶山"}]
    )
    assert "200万元" in turn.text and "80万" not in turn.text


def test_tiered_amount_is_computed_from_the_users_figure(conversation):
    turn = conversation.ask(ANSWER, "滨州这边公司上市募资十八个亿，奖补给多少", "ask_reward")
    assert "可得：700万元" in turn.text
    assert "10亿元（含）至20亿元" in turn.text


def test_tier_table_shown_without_a_figure(conversation):
    turn = conversation.ask(ANSWER, "滨州上市按融资额怎么奖补", "ask_reward")
    assert "200万元" in turn.text and "700万元" in turn.text and "1200万元" in turn.text
    assert "告诉我融资额" in turn.text


def test_expired_policy_says_so(conversation):
    turn = conversation.ask(ANSWER, "三明省级专精特新有多少奖励", "ask_reward")
    assert "10万元" in turn.text
    assert "已于2020年12月31日到期，这项政策已结束" in turn.text
    # Whom to ask about a successor policy: the record's units, the lead unit first.
    assert "有没有接续的新政策，请咨询牵头单位市工信局，或市财政局" in turn.text


def test_no_city_lists_figures_per_city_and_offers_buttons(conversation):
    turn = conversation.ask(ANSWER, "挂牌新三板政府给奖励不", "ask_reward")
    assert "三门峡" in turn.text and "平顶山" in turn.text
    assert "80万元" in turn.text and "200万元" in turn.text
    # Only the cities that have such a policy are offered.
    assert {b["title"] for b in turn.buttons} == {"三门峡", "平顶山"}
    assert conversation.state["pending_question"] == "挂牌新三板政府给奖励不"


def test_never_a_figure_from_another_city(conversation):
    turn = conversation.ask(ANSWER, "滨州的小巨人企业一次性奖励多少", "ask_reward")
    assert "50万" not in turn.text and "平顶山" not in turn.text
    assert "没有找到滨州" in turn.text


def test_uncovered_city_is_said_plainly(conversation):
    turn = conversation.ask(ANSWER, "杭州的专精特新有什么奖励", "ask_reward")
    assert "暂未收录杭州" in turn.text and "万" not in turn.text


def test_a_prefecture_over_one_of_our_cities_points_to_it(conversation):
    turn = conversation.ask(ANSWER, "郑州的专精特新有什么奖励", "ask_reward")
    assert "登封" in turn.text and "郑州" in turn.text and "万" not in turn.text
    assert turn.buttons[0]["title"] == "登封"


def test_nothing_matching_names_a_department(conversation):
    turn = conversation.ask(ANSWER, "平顶山对养殖场有什么补贴", "ask_reward")
    assert "没有找到平顶山" in turn.text and "可咨询平顶山" in turn.text and "局" in turn.text


def test_clause_point_answers_a_yes_no_question(conversation):
    turn = conversation.ask(ANSWER, "平顶山社保缓缴期间职工的待遇会受影响吗", "ask_social_insurance")
    assert "3个月" in turn.text and "不影响" in turn.text


def test_broad_question_lists_related_supports(conversation):
    turn = conversation.ask(ANSWER, "登封对制造业企业贷款有哪些支持", "ask_finance")
    # The related supports are buttons of the same reply, not a later bubble.
    assert len(turn.texts) == 1 and "相关政策" in turn.text
    assert any("循环贷款" in b["title"] or "无还本续贷" in b["title"] for b in turn.buttons)


def test_database_down_gives_a_clear_message(conversation, monkeypatch):
    import actions.answering.action_base as action_base
    from policy_db.query import PolicyDatabaseUnavailable

    def down():
        raise PolicyDatabaseUnavailable("connection refused")

    monkeypatch.setattr(action_base, "current_catalog", down)
    turn = conversation.ask(ANSWER, "平顶山小巨人奖多少", "ask_reward")
    assert "暂时无法访问" in turn.text and "人力资源和社会保障局" in turn.text and turn.events == []


def test_no_record_but_a_source_sentence_is_quoted_with_its_citation(conversation):
    turn = conversation.ask(ANSWER, "滨州煤炭库存要保障多少天", "ask_policy_other")
    assert "7天以上" in turn.text and "滨发改工业〔2022〕156号" in turn.text and "二 第4项" in turn.text
    assert "不是给企业的具体奖补标准" in turn.text


def test_bare_topic_lists_several_records(conversation):
    turn = conversation.ask(ANSWER, "三明 贷款", "ask_finance")
    assert "【三明】" in turn.text and "相关政策" in turn.text


def test_money_in_the_question_does_not_block_the_search(conversation):
    turn = conversation.ask(ANSWER, "平顶山小微企业想贷款300万，有啥优惠", "ask_finance")
    assert "【平顶山】" in turn.text and "没有找到" not in turn.text


def test_colloquial_utility_arrears(conversation):
    turn = conversation.ask(ANSWER, "平顶山个体户水电费交不起了会停吗", "ask_rent_utility")
    assert "3个月" in turn.text and "欠费不停供" in turn.text


def test_financial_numerals(conversation):
    turn = conversation.ask(ANSWER, "滨州上市融资壹拾伍亿奖补多少", "ask_reward")
    assert "可得：700万元" in turn.text


def test_a_loan_amount_is_not_fed_into_a_banks_tier(conversation):
    turn = conversation.ask(ANSWER, "平顶山公司想贷款500万，有啥优惠", "ask_finance")
    assert "可得" not in turn.text


def test_revenue_given_earlier_computes_the_upscale_reward(conversation):
    from actions.profile import ActionRememberProfile

    conversation.ask(ActionRememberProfile(), "我们是平顶山的工业企业，去年营收六千万", "inform_profile")
    turn = conversation.ask(ANSWER, "小升规能奖多少", "ask_reward")
    assert "可得：8万元" in turn.text
