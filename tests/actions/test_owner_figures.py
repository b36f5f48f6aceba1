"""The owner's own figures: a total when the clause pays one benefit on top of another, the vehicle kind
deciding the per-vehicle rate, and a figure question that also mentions validity. Our own phrasings."""

from __future__ import annotations

from actions.policy_answer import ActionAnswerPolicy


def test_a_listing_reward_is_added_to_the_stage_subsidy_it_is_paid_on_top_of(conversation):
    turn = conversation.ask(ActionAnswerPolicy(), "滨州企业上市融资15亿，总共能拿多少奖补", "ask_reward")
    assert "可得：700万元" in turn.text
    assert "合计可得：1000万元" in turn.text and "境内拟上市企业分阶段补助300万元" in turn.text


def test_the_total_follows_a_new_figure(conversation):
    conversation.ask(ActionAnswerPolicy(), "滨州上市融资6亿奖补多少", "ask_reward")
    turn = conversation.ask(ActionAnswerPolicy(), "要是融了25亿呢", "inform_figure")
    assert "可得：1200万元" in turn.text and "合计可得：1500万元" in turn.text


def test_city_buses_get_the_public_sector_rate(conversation):
    turn = conversation.ask(ActionAnswerPolicy(), "滨州公交公司买了8辆新能源公交，最多补多少", "ask_reward")
    assert "公共领域新能源汽车补贴" in turn.text and "51.84万元" in turn.text and "5.04万" not in turn.text


def test_private_cars_keep_the_private_rate(conversation):
    turn = conversation.ask(ActionAnswerPolicy(), "滨州企业买了3辆新能源汽车自用，每辆补多少", "ask_reward")
    assert "非公共领域新能源汽车补贴" in turn.text and "5.04万元" in turn.text


def test_a_figure_question_that_mentions_validity_is_computed(conversation):
    turn = conversation.ask(
        ActionAnswerPolicy(), "平顶山国家级小巨人，资格在有效期内，今年设备软件投资800万，能补多少", "ask_reward"
    )
    assert "最高可得：240万元" in turn.text and "800万元 × 30%" in turn.text


def test_a_correction_from_public_to_private_vehicles(conversation):
    conversation.ask(ActionAnswerPolicy(), "滨州公共领域的新能源车每辆补多少", "ask_reward")
    turn = conversation.ask(ActionAnswerPolicy(), "不对，我要问非公共领域的", "ask_reward")
    assert "非公共领域新能源汽车补贴" in turn.text and "5.04万元" in turn.text and "6.48万" not in turn.text


def test_how_an_energy_increment_is_split_between_city_and_county(conversation):
    turn = conversation.ask(
        ActionAnswerPolicy(), "滨州建光伏电站，投产后新增的能源指标市县怎么分配", "ask_policy_other"
    )
    assert "可再生能源增量市县各50%" in turn.text and "50%" in turn.text


def test_a_negative_or_absurd_figure_is_refused_with_its_reason_and_nothing_computed(conversation):
    negative = conversation.ask(ActionAnswerPolicy(), "滨州上市融资-15亿奖多少", "inform_figure")
    assert "“-15亿”不是有效的金额：金额是负数" in negative.text and "可得" not in negative.text
    absurd = conversation.ask(ActionAnswerPolicy(), "滨州上市融资1e308亿奖多少", "inform_figure")
    assert "“1e308亿”不是有效的金额" in absurd.text and "1万亿元" in absurd.text and "可得" not in absurd.text


def test_a_figure_qualifier_reads_naturally_before_the_figure(conversation):
    turn = conversation.ask(ActionAnswerPolicy(), "平顶山招应届大学生社保补贴能补多久", "ask_social_insurance")
    assert "最长不超过1年" in turn.texts[0].splitlines()[1]


def test_a_countys_target_is_answered_from_the_document(conversation):
    turn = conversation.ask(ActionAnswerPolicy(), "平顶山给叶县下的小升规新增任务是几家", "ask_policy_other")
    assert "叶县18家" in turn.text and "附件2 二" in turn.text


def test_the_first_line_says_whether_the_policy_still_applies(conversation):
    ended = conversation.ask(ActionAnswerPolicy(), "平顶山工伤保险交不上能缓缴吗", "ask_social_insurance")
    assert "（已于2022年12月31日到期，2022年文件）" in ended.texts[0].splitlines()[0]
    open_ended = conversation.ask(ActionAnswerPolicy(), "平顶山小巨人奖多少", "ask_reward")
    assert "（文件未规定期限，发布于2022年，请确认是否仍执行）" in open_ended.texts[0].splitlines()[0]


def test_an_overview_tags_expired_items(conversation):
    turn = conversation.ask(ActionAnswerPolicy(), "三明有啥优惠政策", "ask_reward")
    items = [line for line in turn.texts[0].splitlines() if line[:1].isdigit()]
    assert items and all("（已过期）" in line for line in items)  # 三明's document ended on 2020-12-31
