"""Follow-ups apply to the last subject; naming a city re-asks the question there; profiles are remembered."""

from __future__ import annotations

from actions.fallback import ActionHandleFallback
from actions.policy_answer import ActionAnswerPolicy
from actions.profile import ActionRememberProfile


def test_contact_after_an_answer(conversation):
    conversation.ask(ActionAnswerPolicy(), "平顶山工伤保险交不上可以缓一缓吗", "ask_social_insurance")
    turn = conversation.ask(ActionAnswerPolicy(), "那这个去哪办", "ask_contact")
    assert "市人力资源和社会保障局" in turn.text


def test_conditions_after_an_answer(conversation):
    conversation.ask(ActionAnswerPolicy(), "平顶山满负荷生产奖励", "ask_reward")
    turn = conversation.ask(ActionAnswerPolicy(), "需要满足啥条件", "ask_condition")
    assert "10%" in turn.text and "规模以上工业企业" in turn.text


def test_validity_after_an_answer(conversation):
    conversation.ask(ActionAnswerPolicy(), "平顶山商贸企业贷款还不上能延期吗", "ask_finance")
    turn = conversation.ask(ActionAnswerPolicy(), "最晚到哪天", "ask_validity")
    assert "2022年12月31日" in turn.text


def test_contact_question_with_its_own_subject(conversation):
    turn = conversation.ask(ActionAnswerPolicy(), "滨州上市补助归哪个部门管", "ask_contact")
    assert "市地方金融监管局" in turn.text


def test_switch_city_reasks_the_last_question(conversation):
    first = conversation.ask(ActionAnswerPolicy(), "三门峡企业到新三板挂牌奖励多少", "ask_reward")
    assert "80万元" in first.text
    turn = conversation.ask(
        ActionAnswerPolicy(), "换成平顶山呢", "inform_city", [{"entity": "city", "value": "平顶山"}]
    )
    assert "200万元" in turn.text and "三门峡" not in turn.text and "80万" not in turn.text


def test_city_given_after_the_question(conversation):
    ask = conversation.ask(ActionAnswerPolicy(), "专精特新小巨人奖励有多少", "ask_reward")
    assert "平顶山" in ask.text
    turn = conversation.ask(ActionAnswerPolicy(), "平顶山的", "inform_city", [{"entity": "city", "value": "平顶山"}])
    assert "50万元" in turn.text and conversation.state["pending_question"] is None


def test_city_without_a_question_asks_what_to_look_up(conversation):
    turn = conversation.ask(ActionAnswerPolicy(), "三明", "inform_city", [{"entity": "city", "value": "三明"}])
    assert "三明" in turn.text and turn.buttons and "万" not in turn.text


def test_profile_then_question_uses_the_city_and_computes(conversation):
    conversation.ask(ActionRememberProfile(), "我们公司是滨州博兴的", "inform_profile")
    assert conversation.slots["city"] == "滨州"
    turn = conversation.ask(ActionAnswerPolicy(), "要是上市融资二十五亿能奖多少", "ask_reward")
    assert "1200万元" in turn.text


def test_profile_answers_a_pending_question(conversation):
    conversation.ask(ActionAnswerPolicy(), "到新三板挂牌政府给不给奖励", "ask_reward")
    turn = conversation.ask(
        ActionRememberProfile(), "我们是三门峡的企业", "inform_profile", [{"entity": "city", "value": "三门峡"}]
    )
    assert "80万元" in turn.text


def test_fallback_searches_when_a_topic_is_named(conversation):
    turn = conversation.ask(ActionHandleFallback(), "平顶山 电力接入 审批 几天", "nlu_fallback")
    assert "5个工作日" in turn.text


def test_fallback_without_topic_asks_to_rephrase(conversation):
    turn = conversation.ask(ActionHandleFallback(), "嗯嗯嗯那个啥", "nlu_fallback")
    assert "换个说法" in turn.text


def test_a_new_figure_recomputes_the_last_tier(conversation):
    first = conversation.ask(ActionAnswerPolicy(), "滨州企业上市融资额奖补怎么算", "ask_reward")
    assert "1200万元" in first.text
    turn = conversation.ask(ActionAnswerPolicy(), "那融资额8亿呢", "ask_reward")
    assert "可得：200万元" in turn.text and "10亿元以下" in turn.text


def test_validity_of_a_citys_documents(conversation):
    turn = conversation.ask(ActionAnswerPolicy(), "三明那边的政策现在还有效吗", "ask_validity")
    assert "2020年12月31日，已过期" in turn.text and "三明" in turn.text


def test_a_bare_new_figure_recomputes_too(conversation):
    conversation.ask(ActionAnswerPolicy(), "滨州上市融资15亿奖补多少", "ask_reward")
    turn = conversation.ask(ActionAnswerPolicy(), "25亿呢", "ask_reward")
    assert "可得：1200万元" in turn.text


def test_who_leads_this_after_an_explanation(conversation):
    conversation.ask(ActionAnswerPolicy(), "三明那个N+1+N供应链金融是啥意思", "ask_finance")
    turn = conversation.ask(ActionAnswerPolicy(), "这事谁牵头", "ask_contact")
    assert "市银保监分局" in turn.text and "没有找到" not in turn.text


def test_a_sibling_subject_after_that_is_ranked_with_the_last_subject_in_mind(conversation):
    conversation.ask(ActionAnswerPolicy(), "平顶山企业投资项目审批全程要几天", "ask_policy_other")
    turn = conversation.ask(ActionAnswerPolicy(), "那承诺制备案项目开工前的审批呢", "ask_policy_other")
    assert "40个工作日" in turn.texts[0].splitlines()[1] and "【平顶山】" in turn.text


def test_which_department_leads_it_after_an_explanation(conversation):
    conversation.ask(ActionAnswerPolicy(), "三明推广N+1+N供应链融资是什么情况", "ask_finance")
    turn = conversation.ask(ActionAnswerPolicy(), "这个归哪个部门牵头", "ask_contact")
    assert "市银保监分局" in turn.text and "访企业" not in turn.text
