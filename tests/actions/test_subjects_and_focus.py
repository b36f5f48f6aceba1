"""Several subjects in one question, picking from the list that answers them, follow-ups that ask about
one figure of the subject (「那高级工呢」「上限多少」), descriptions that end in a question, and
questions about a document that also name a topic. Our own phrasings, run through the actions."""

from __future__ import annotations

from actions.fallback import ActionHandleFallback
from actions.policy_answer import ActionAnswerPolicy
from tests.support.in_process import Conversation


def test_a_broad_question_naming_three_subjects_gets_each_figure(conversation):
    turn = conversation.ask(
        ActionAnswerPolicy(),
        "三门峡的企业，准备先挂新三板，以后冲击主板，另外还搞了省外技术引进转化，都有啥奖励",
        "ask_reward",
    )
    assert "80万元" in turn.text  # 新三板挂牌
    assert "500万元" in turn.text  # 境内首发上市
    assert "10%" in turn.text and "100万元" in turn.text  # 技术转移转化后补助
    assert "三门峡" in turn.text and "平顶山" not in turn.text
    assert len(turn.buttons) == 3


def test_a_spelled_out_ordinal_picks_from_that_list(conversation):
    conversation.ask(ActionAnswerPolicy(), "三门峡企业挂牌新三板，后面还想上主板，有哪些奖励", "ask_reward")
    turn = conversation.ask(ActionHandleFallback(), "第二个", "nlu_fallback")
    assert "【三门峡】" in turn.text and "出处" in turn.text
    picked = "境内首发上市奖励" if "境内首发上市奖励" in turn.text else "新三板挂牌奖励"
    assert turn.text.count("【三门峡】") == 1 and picked in turn.text


def test_a_question_about_one_subject_is_still_one_card(conversation):
    turn = conversation.ask(ActionAnswerPolicy(), "三门峡新三板挂牌奖励多少", "ask_reward")
    assert "80万元" in turn.text and "您问到的" not in turn.text


def test_another_trade_level_after_a_per_head_rate(conversation):
    conversation.ask(ActionAnswerPolicy(), "平顶山新型学徒制每人补贴标准", "ask_reward")
    turn = conversation.ask(ActionHandleFallback(), "那高级工呢", "nlu_fallback")
    first_figure_line = turn.texts[0].splitlines()[1]
    assert first_figure_line.startswith("**高级工每人每年补贴：6000元")  # bold, on its own line


def test_the_ceiling_of_the_subject(conversation):
    conversation.ask(ActionAnswerPolicy(), "滨州企业智能化技改买检测设备，省里支持比例多少", "ask_reward")
    turn = conversation.ask(ActionHandleFallback(), "每户最多给多少", "nlu_fallback")
    assert turn.texts[0].splitlines()[1].startswith("**单户企业最高") or "500万元" in turn.texts[0].splitlines()[1]
    assert "【滨州】" in turn.text and "不在我的服务范围" not in turn.text


def test_a_cap_question_does_not_jump_to_another_record(conversation):
    conversation.ask(ActionAnswerPolicy(), "滨州重大技改项目贷款贴息比例多少", "ask_finance")
    turn = conversation.ask(ActionAnswerPolicy(), "贴息上限是多少", "ask_finance")
    assert turn.texts[0].splitlines()[1].startswith("**贴息最高额：2000万元")


def test_a_description_that_ends_in_one_question_gets_the_answer(conversation):
    turn = conversation.ask(
        ActionAnswerPolicy(), "我在平顶山开了家小饭店，新招了三个高校毕业生，社保能补贴多久", "inform_profile"
    )
    assert "1年" in turn.text and "社会保险补贴" in turn.text and "政策体检" not in turn.text


def test_a_description_asking_what_it_can_get_is_still_a_checkup(conversation):
    turn = conversation.ask(
        ActionAnswerPolicy(), "我们是邹平的专精特新企业，打算上市，能享受哪些政策", "inform_profile"
    )
    assert "政策体检" in turn.text and "300万元" in turn.text


def test_the_date_of_a_document_named_by_its_topic(conversation):
    turn = conversation.ask(ActionAnswerPolicy(), "平顶山惠企纾困那个通知啥时候发的", "ask_document")
    assert "2022年6月7日" in turn.text and "平政办〔2022〕15号" in turn.text


def test_the_joint_issuers_of_a_document(conversation):
    turn = conversation.ask(ActionAnswerPolicy(), "滨州那个稳增长方案是哪些部门联合发的", "ask_document")
    assert "发展和改革委员会" in turn.text and "工业和信息化局" in turn.text and "16部门" in turn.text


def test_a_figure_the_document_states_is_not_answered_with_the_document_list(conversation):
    turn = conversation.ask(ActionAnswerPolicy(), "三明政策文件中提到福建省技改基金的规模是多少亿", "ask_document")
    assert "200亿" in turn.text and "收录的政策文件" not in turn.text


def test_a_broad_question_naming_two_kinds_of_help_gets_one_of_each(conversation):
    turn = conversation.ask(
        ActionAnswerPolicy(), "三明的小微制造企业，没有裁员，社保和电费上有哪些减负", "ask_social_insurance"
    )
    assert "5%" in turn.text  # 工商业电价降低5%
    assert "失业保险费全额返还" in turn.text
    assert "三明" in turn.text and "【平顶山】" not in turn.text


def test_figures_named_in_a_several_subject_question_are_computed_for_their_own_benefit(conversation):
    turn = conversation.ask(
        ActionAnswerPolicy(), "滨州企业上市融资15亿，另外搞智能化技改买设备花了2000万，都有哪些支持", "ask_reward"
    )
    assert "成功上市企业按融资额奖补：可得：700万元" in turn.text
    assert "智能化技改设备软件购置支持：可得：200万元" in turn.text


def test_a_bare_figure_of_a_description_is_not_applied_to_every_listed_benefit(conversation):
    turn = conversation.ask(
        ActionAnswerPolicy(), "平顶山开小超市的，小规模纳税人，每月卖十万左右，税和贷款方面有什么优惠", "ask_tax_fee"
    )
    assert "15万元" in turn.text and "您问到的" in turn.text
    assert "可得：1000元" not in turn.text


def test_what_the_owner_spends_on_picks_the_records_computed_from_it(conversation):
    turn = conversation.ask(
        ActionAnswerPolicy(),
        "滨州一家做轮胎的，准备上重大技改项目，找银行贷款又找了担保机构，还要换一批智能化设备，有什么资金支持",
        "ask_finance",
    )
    assert "0.5%" in turn.text  # 担保费补助
    assert "35%" in turn.text and "2000万元" in turn.text  # 贷款贴息
    assert "10%" in turn.text and "500万元" in turn.text  # 智能化设备购置


def test_facets_of_one_subject_named_in_a_broad_question_are_each_listed(conversation):
    turn = conversation.ask(
        ActionAnswerPolicy(),
        "我们是大中华区50强的人力资源企业，准备来滨州设分支机构，入驻产业园，还要办高端论坛，另外打算上市，有哪些支持",
        "ask_reward",
    )
    assert "您问到的" in turn.text
    assert "95%" in turn.text  # 产业园入驻机构税收奖补
    assert "20万元" in turn.text  # 高端人力资源活动
    assert "300万元" in turn.text  # 境内拟上市企业分阶段补助


def test_a_citys_overview_lists_what_an_enterprise_can_get_not_facts(conversation, repository):
    turn = conversation.ask(ActionAnswerPolicy(), "三明有啥优惠政策", "ask_reward")
    assert "三明的主要政策" in turn.text
    facts = [b.name for b in repository.catalog().in_city("三明") if b.is_fact]
    assert facts and not any(name in turn.text for name in facts)


def test_a_broad_question_is_answered_by_a_benefit_before_a_fact(conversation, repository):
    turn = conversation.ask(ActionAnswerPolicy(), "平顶山小微企业贷款有哪些优惠", "ask_finance")
    first_line = turn.texts[0].splitlines()[0]
    facts = [b.name for b in repository.catalog().in_city("平顶山") if b.is_fact]
    assert first_line.startswith("【平顶山】") and not any(name in first_line for name in facts)


def test_a_loan_falling_due_is_asked_in_owners_words(conversation):
    """「贷款快到期」「还贷压力大」 (topics.yml) name renewing a loan without repaying its principal first."""
    for text in (
        "平顶山小升规的企业，贷款快到期了，还贷压力大，有什么办法",
        "三明的制造企业贷款要到期了，能不能借新还旧",
    ):
        turn = Conversation().ask(ActionAnswerPolicy(), text, "ask_finance")
        assert "无还本续贷" in "\n".join(turn.texts[0].splitlines()[:2]), turn.text


def test_the_ceiling_asked_after_a_computed_amount_comes_first(conversation):
    answer = ActionAnswerPolicy()
    conversation.ask(answer, "滨州企业搞智能化技改，买设备有补贴吗", "ask_reward")
    conversation.ask(answer, "我们设备花了900万，能补多少", "ask_reward")
    turn = conversation.ask(answer, "最多能给到多少，封顶多少", "ask_reward")
    head = turn.texts[0].splitlines()[1]
    assert "500万元" in head, turn.text  # the clause's ceiling first
    assert "90万元" in turn.text  # and the owner's amount still shown
