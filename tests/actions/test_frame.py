"""The question frame: what one message says, and how a follow-up changes only its own part."""

from __future__ import annotations

from decimal import Decimal

import pytest

from actions.answering.aspects import FORMATTERS, AspectRequest, UnknownAspect, format_aspect
from actions.answering.frame import Frame, Reader, merge
from policy_db.fuzzy import FuzzyMatcher
from policy_db.vocabulary import load_vocabulary


@pytest.fixture(scope="module")
def reader(catalog) -> Reader:
    return Reader(catalog)


def test_a_message_is_read_into_its_parts(reader):
    frame = reader.read("鹰城的国家级小巨人企业奖多少钱")
    assert frame.city == "平顶山" and frame.level == "国家级"
    assert any("小巨人" in t for t in frame.topics)


def test_a_level_follow_up_changes_the_level_only(reader):
    before = reader.read("平顶山国家级示范平台奖多少")
    after = merge(before, reader.read("那市级的呢"))
    assert after.level == "市级" and after.city == "平顶山" and after.topics == before.topics


def test_a_city_follow_up_changes_the_city_only(reader):
    before = reader.read("平顶山小升规奖励多少")
    after = merge(before, reader.read("换成三门峡呢"))
    assert after.city == "三门峡" and after.topics == before.topics


def test_a_figure_follow_up_changes_the_figure_only(reader):
    before = reader.read("滨州上市融资奖补")
    after = merge(before, reader.read("如果募集了二十三亿呢"))
    assert after.figure_yuan == Decimal("2300000000") and after.topics == before.topics and after.city == "滨州"
    assert after.aspect == "amount"


def test_an_aspect_follow_up_keeps_the_subject(reader):
    before = reader.read("三门峡新三板挂牌奖励")
    after = merge(before, reader.read("这个最晚啥时候截止"))
    assert after.aspect == "validity" and after.topics == before.topics and after.city == "三门峡"


def test_a_correction_replaces_the_level(reader):
    before = merge(reader.read("平顶山专精特新奖多少"), reader.read("国家级的"))
    after = merge(before, reader.read("搞错了，是省里的"))
    assert after.level == "省级"


@pytest.mark.parametrize(
    "text, choice",
    [
        ("2", 2),
        ("第二个", 2),
        ("第3条", 3),
        ("第四项吧", 4),
        ("上面那个", 1),
        ("最后一个", -1),
        ("看看第五个", 5),
    ],
)
def test_choices_from_a_list(reader, text, choice):
    assert reader.read(text).choice == choice


@pytest.mark.parametrize("text", ["三", "平顶山专精特新小巨人第二批认定名单里有几家", "2000万"])
def test_not_a_choice(reader, text):
    assert reader.read(text).choice is None


@pytest.mark.parametrize(
    "text, aspect",
    [
        ("那个找谁办理", "contact"),
        ("要满足啥条件", "conditions"),
        ("能执行到哪年", "validity"),
        ("文件的文号是啥", "document"),
        ("怎么申报", "apply"),
        ("原文怎么规定的", "source"),
    ],
)
def test_aspects_come_from_the_vocabulary(reader, text, aspect):
    assert reader.read(text).aspect == aspect


def test_intent_gives_the_aspect_when_the_words_do_not(reader):
    assert reader.read("那这个呢", intent="ask_contact").aspect == "contact"


@pytest.mark.parametrize("typed, topic_part", [("新三版挂牌", "新三板"), ("专精特心企业", "专精特新")])
def test_homophone_typos_find_the_topic(reader, typed, topic_part):
    frame = reader.read(f"三门峡{typed}奖多少" if "新三" in typed else f"平顶山{typed}奖多少")
    assert any(topic_part in t for t in frame.topics)


def test_a_typo_never_maps_to_a_topic_the_city_lacks(reader, catalog):
    # 三明 has no 新三板 reward; a misspelt 新三版 in 三明 must not borrow another city's topic.
    frame = reader.read("三明新三版挂牌奖多少")
    sanming_topics = {t for b in catalog.in_city("三明") for t in b.topics}
    assert set(frame.topics) <= sanming_topics


def test_a_misspelt_place_is_still_our_city(reader):
    assert reader.read("平顶善的小升规奖多少").city == "平顶山"


def test_off_topic_has_no_domain_cue(reader):
    assert not reader.read("今天晚上吃什么好").has_domain_cue


def test_negative_and_zero_figures_are_refused(reader):
    assert reader.read("融资-15亿奖多少").refused_figures
    assert not reader.read("融资-15亿奖多少").figures


def test_fuzzy_matcher_needs_the_same_length_and_one_difference():
    matcher = FuzzyMatcher(["专精特新", "新三板"])
    assert [h.word for h in matcher.find("我们专精特心")] == ["专精特新"]
    assert matcher.find("新三板") == []  # exact words are not typos
    assert matcher.find("专门特别") == []


def test_every_aspect_of_the_vocabulary_has_a_formatter():
    assert set(load_vocabulary().aspect_names) <= set(FORMATTERS)


def test_an_unknown_aspect_is_an_error(catalog):
    with pytest.raises(UnknownAspect):
        format_aspect("weather", AspectRequest(catalog.benefits[:1]))


def test_an_empty_frame_merges_to_the_previous():
    previous = Frame(text="平顶山小升规", city="平顶山", topics=("小升规",))
    assert merge(previous, Frame()).topics == ("小升规",)


def test_framing_words_are_blanked_whatever_their_order():
    """Overlapping framing words (准备什么 / 什么材料) are all blanked: the words left of a message never depend on
    the order they are tried in (it was set order, different in each process)."""
    from actions.answering.frame import _blanked

    words = ("准备什么", "什么材料")
    assert _blanked("要准备什么材料", words) == _blanked("要准备什么材料", words[::-1]) == "要      "


def test_a_cue_inside_a_policy_term_is_no_cue(reader):
    """「稳岗返还有吗」 holds 还有吗 across 返还|有吗: no question about whether it is still on."""
    assert "now" not in reader.read("平顶山稳岗返还有吗").cues
    assert "now" in reader.read("平顶山的稳岗返还现在还有吗").cues
