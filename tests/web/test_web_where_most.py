"""Where an enterprise would get the most (issue 20, item 4), in the web page: the estimate per city is a
table (city, item, amount, what it depends on, and each city's total) that fits a phone without scrolling
the page sideways, and passes axe. The same answer on WeChat and REST is text (tests/actions/test_turn_kinds.py).

Screenshots (test-artifacts/web/): ``where-most-<screen>.png``.
"""

from __future__ import annotations

import re

import pytest

pytest.importorskip("selenium")

from test_web_accessibility import SCREENS, axe_violations  # noqa: E402
from test_web_browser import open_page, send_text, shot, wait_for, wait_reply  # noqa: E402

# our own wording: an enterprise weighing two cities before it moves
QUESTION = "我们做新材料的，是专精特新，明年准备上市，融资大概15亿，滨州和平顶山两个地方选一个落户，去哪里拿得最多"

JS_TABLE = """
const t = Array.from(document.querySelectorAll('#chat .rw-response table')).pop();
if (!t) return null;
const cells = r => Array.from(r.querySelectorAll('th, td')).map(c => c.innerText.trim());
return {head: cells(t.querySelector('thead tr')), rows: Array.from(t.querySelectorAll('tbody tr')).map(cells),
        right: t.getBoundingClientRect().right};
"""


def yuan(text: str) -> float:
    return float(re.findall(r"([0-9.]+)万元", text)[0])


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_where_an_enterprise_gets_the_most_is_a_table(chrome, web_url, artifacts_dir, screen):
    driver = chrome
    SCREENS[screen](driver)
    open_page(driver, web_url)
    wait_reply(driver, -1, "the greeting")
    send_text(driver, QUESTION)
    table = wait_for(lambda: driver.execute_script(JS_TABLE), "the table of cities")
    assert table["head"] == ["城市", "项目", "估算金额", "取决于"]
    by_city: dict[str, list] = {}
    for row in table["rows"]:
        by_city.setdefault(row[0], []).append(row)
    assert set(by_city) == {"滨州", "平顶山"}
    for rows in by_city.values():
        *items, total = rows
        assert total[1] == "合计" and total[3] == f"{len(items)}项"
        assert yuan(total[2]) == sum(yuan(r[2]) for r in items), rows  # the total is the sum of its items
    # 融资15亿 in 滨州: the 10亿（含）–20亿 tier, from the owner's figure
    assert any(r[2] == "700万元" and "融资额" in r[1] for r in by_city["滨州"])
    # the most first, and said under the table
    totals = [yuan(rows[-1][2]) for rows in by_city.values()]
    assert totals == sorted(totals, reverse=True)
    wait_for(
        lambda: any(
            "估算最多" in t
            for t in driver.execute_script(
                "return Array.from(document.querySelectorAll('#chat .rw-response')).map(e => e.innerText)"
            )
        ),
        "the best city",
    )

    # on a phone the table wraps inside the chat: the page never scrolls sideways
    width = driver.execute_script("return document.documentElement.clientWidth")
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width
    assert table["right"] <= width
    shot(driver, artifacts_dir, f"where-most-{screen}")
    assert [v["id"] for v in axe_violations(driver)] == []
