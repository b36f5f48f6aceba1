"""Two Rasa servers sharing the PostgreSQL tracker store and the Redis lock store, one action server.

The turns of one conversation go alternately to both servers: the context must carry over, and
every turn must be stored and answered exactly once. Skipped when PostgreSQL or Redis is absent.
"""

from __future__ import annotations

import pytest

from .conftest import Cluster, assert_clean, new_sender, run_threads

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# (message, what the answer must contain); the city the conversation ends on.
SCRIPTS = [
    (
        [
            ("平顶山专精特新有什么奖励", ["【平顶山】", "20万元"]),
            ("那三明呢", ["【三明】", "10万元"]),
            ("找哪个部门", ["【三明】", "市工信局"]),
        ],
        "三明",
    ),
    ([("滨州上市融资15亿奖多少", ["700万元"]), ("找哪个部门", ["【滨州】", "市地方金融监管局"])], "滨州"),
    (
        [
            ("三门峡企业在中原股权交易中心挂牌有奖励吗", ["【三门峡】", "20万元"]),
            ("那平顶山呢", ["【平顶山】", "30万"]),
            ("找哪个部门", ["【平顶山】", "市金融工作局"]),
        ],
        "平顶山",
    ),
    (
        [
            ("平顶山社保能缓交的那个规定", ["3个月"]),
            ("截止到啥时候", ["2022年12月31日"]),
            ("找哪个部门", ["市人力资源和社会保障局"]),
        ],
        "平顶山",
    ),
    (
        [
            ("去新三板挂个牌政府奖不奖", ["三门峡", "平顶山"]),
            ("三门峡", ["【三门峡】", "80万元"]),
            ("找哪个部门", ["【三门峡】", "市金融工作局"]),
        ],
        "三门峡",
    ),
    (
        [("平顶山企业升规入统了给啥奖励", ["5万元"]), ("要什么条件", ["5000万元"]), ("找哪个部门", ["市统计局"])],
        "平顶山",
    ),
    ([("滨州重大技改项目贷款贴息怎么算", ["35%"]), ("找哪个部门", ["人民银行滨州市中心支行"])], "滨州"),
    (
        [
            ("我们公司注册在滨州", ["滨州"]),
            ("要是上市募资13个亿奖补多少", ["700万元"]),
            ("找哪个部门", ["市地方金融监管局"]),
        ],
        "滨州",
    ),
]


def assert_stored_once(cluster: Cluster, sender: str, sent: list[str], replies: list[list[str]]) -> None:
    """PostgreSQL holds each user message once, in order, each followed by exactly the bot messages
    the user received for that turn (no turn lost, none answered twice)."""
    turns = cluster.turns(sender)
    assert [user for user, _ in turns] == sent, turns
    assert [bot for _, bot in turns] == replies, turns


def test_context_carries_over_between_servers(healthy: Cluster):
    a, b = healthy.servers
    sender = new_sender("scale")
    first = a.say(sender, "平顶山专精特新有什么奖励")
    assert_clean(first)
    assert "【平顶山】" in first.text and "20万元" in first.text
    second = b.say(sender, "那三明呢")
    assert_clean(second)
    assert "【三明】" in second.text and "10万元" in second.text, second.text
    third = a.say(sender, "找哪个部门")
    assert_clean(third)
    assert "【三明】" in third.text and "市工信局" in third.text, third.text
    assert b.slots(sender)["city"] == "三明" == a.slots(sender)["city"]
    assert_stored_once(
        healthy,
        sender,
        ["平顶山专精特新有什么奖励", "那三明呢", "找哪个部门"],
        [[m["text"] for m in r.messages] for r in (first, second, third)],
    )


def test_twenty_concurrent_conversations_alternating_servers(healthy: Cluster):
    count = 20
    senders = [new_sender(f"conc{i}") for i in range(count)]
    results: dict[int, list] = {}

    def converse(index: int) -> None:
        script, _ = SCRIPTS[index % len(SCRIPTS)]
        replies = []
        for turn, (message, _) in enumerate(script):
            server = healthy.servers[(index + turn) % 2]  # alternate, half of them starting on B
            replies.append(server.say(senders[index], message, timeout=60))
        results[index] = replies

    errors = run_threads(converse, count, seconds=150)
    assert not errors, errors
    for index in range(count):
        script, city = SCRIPTS[index % len(SCRIPTS)]
        replies = results[index]
        for (message, expected), reply in zip(script, replies):
            assert_clean(reply)
            for text in expected:
                assert text in reply.text, (senders[index], message, reply.text)
        assert_stored_once(
            healthy, senders[index], [m for m, _ in script], [[m["text"] for m in r.messages] for r in replies]
        )
        assert healthy.servers[index % 2].slots(senders[index])["city"] == city


@pytest.mark.parametrize("burst", [4])
def test_simultaneous_messages_of_one_sender_are_serialised(healthy: Cluster, burst: int):
    """The Redis lock: the same sender hitting both servers at once still gets every turn stored once
    and answered once (turns may be processed in any order)."""
    sender = new_sender("burst")
    healthy.a.say(sender, "平顶山专精特新有什么奖励")
    messages = ["要什么条件", "截止到啥时候", "找哪个部门", "要什么条件"][:burst]
    replies: dict[int, object] = {}

    def send(index: int) -> None:
        replies[index] = healthy.servers[index % 2].say(sender, messages[index], timeout=60)

    errors = run_threads(send, burst, seconds=90)
    assert not errors, errors
    for index in range(burst):
        assert_clean(replies[index])
        assert "【平顶山】" in replies[index].text
    turns = healthy.turns(sender)
    assert sorted(user for user, _ in turns[1:]) == sorted(messages)
    assert all(len(bot) >= 1 for _, bot in turns), turns
    # Each stored turn's answer is exactly one of the answers sent back (no mixing or doubling).
    sent_back = sorted(tuple(m["text"] for m in r.messages) for r in replies.values())
    assert sorted(tuple(bot) for _, bot in turns[1:]) == sent_back
