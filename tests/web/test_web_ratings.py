"""满意 / 不满意 under every answer (issue 23, item 2): one tap stores the rating, an optional reason follows,
everything is reached with the keyboard, and ``python -m policy_db report`` lists the 不满意 answer beside the
unanswered questions with its question, reason, the records its 查看原文 link cites and the conversation id
(the page's socket session, as Rasa names the sender). Phone and desktop; axe-core stays clean.

Screenshots (test-artifacts/web/): ``rating-<screen>-*.png``.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

pytest.importorskip("selenium")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from test_web_accessibility import SCREENS, axe_violations  # noqa: E402
from test_web_browser import QUESTION, open_page, send_text, shot, wait_for, wait_reply  # noqa: E402

MAX_TABS = 40
JS_BOXES = """
const bar = arguments[0];
const group = bar.previousElementSibling;
const bubbles = group.querySelectorAll('.rw-response');
return {answerBottom: bubbles[bubbles.length - 1].getBoundingClientRect().bottom,
        bar: bar.getBoundingClientRect().toJSON(),
        buttons: Array.from(bar.querySelectorAll('button')).map(b => [b.innerText, b.getBoundingClientRect().height])};
"""


def report(database_url: str, tmp_path) -> str:
    """`python -m policy_db report` on an empty tracker store (no conversation to read) and the test database."""
    tracker = tmp_path / "tracker.db"
    with sqlite3.connect(tracker) as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT,"
            " timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)"
        )
    return subprocess.run(
        [sys.executable, "-m", "policy_db", "--database-url", database_url, "report", "--since", "1h"]
        + ["--tracker-url", f"sqlite:///{tracker}"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout


def tab_to(driver, text: str) -> None:
    """Press Tab until the focused element's text is `text`."""
    for _ in range(MAX_TABS):
        if driver.switch_to.active_element.text.strip() == text:
            return
        driver.switch_to.active_element.send_keys(Keys.TAB)
    raise AssertionError(f"{text!r} not reached with {MAX_TABS} presses of Tab")


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_an_answer_is_rated_with_one_tap_and_listed_in_the_report(
    chrome, web_url, policy_db_url, policy_data, artifacts_dir, tmp_path, screen
):
    driver = chrome
    SCREENS[screen](driver)
    open_page(driver, web_url)
    wait_reply(driver, -1, "the greeting")
    assert driver.find_elements(By.CSS_SELECTOR, "#chat .answer-tools") == []  # the greeting is not an answer
    question = QUESTION if screen == "phone" else "平顶山小规模纳税人增值税怎么减免？"
    i = send_text(driver, question)
    wait_reply(driver, i, "the answer")
    bar = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#chat .answer-tools"), "the rating bar")[-1]
    wait_for(lambda: bar.find_elements(By.CSS_SELECTOR, "button"), "its buttons")
    boxes = driver.execute_script(JS_BOXES, bar)
    assert [text for text, _ in boxes["buttons"]] == ["满意", "不满意", "复制"]
    assert all(height >= 44 for _, height in boxes["buttons"]), boxes
    assert 0 <= boxes["bar"]["top"] - boxes["answerBottom"] <= 40, boxes  # right under the answer
    assert bar.get_attribute("aria-label") == "这条答复对您有帮助吗？"

    # keyboard: from the message list, Tab reaches 不满意; Enter stores it at once
    driver.find_element(By.CSS_SELECTOR, "#chat .rw-messages-container").click()
    tab_to(driver, "不满意")
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    status = bar.find_element(By.CSS_SELECTOR, ".answer-status")
    wait_for(lambda: status.text == "谢谢您的评价。", "the thanks")
    unsatisfied = bar.find_element(By.CSS_SELECTOR, "[data-verdict='不满意']")
    assert unsatisfied.get_attribute("aria-pressed") == "true"
    # the optional reasons: the focus is on the first; Tab, Enter chooses the second
    reasons = bar.find_elements(By.CSS_SELECTOR, ".answer-reasons button")
    assert [r.text for r in reasons] == ["没有回答我的问题", "数字或条件不对", "看不懂", "政策已过时"]
    assert driver.switch_to.active_element == reasons[0]
    shot(driver, artifacts_dir, f"rating-{screen}-reasons")
    assert axe_violations(driver) == []
    driver.switch_to.active_element.send_keys(Keys.TAB)
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for(lambda: status.text == "已记下原因，谢谢。", "the reason saved")
    shot(driver, artifacts_dir, f"rating-{screen}-rated")
    session = driver.execute_script("return window.POLICY_SESSION_ID()").split(".")[0]

    # a reload shows the rating given, and does not offer it again
    driver.refresh()
    open_page(driver, web_url)
    bar = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#chat .answer-tools"), "the bar after a reload")[-1]
    assert bar.find_element(By.CSS_SELECTOR, "[data-verdict='不满意']").get_attribute("aria-pressed") == "true"
    assert not bar.find_element(By.CSS_SELECTOR, "[data-verdict='满意']").is_enabled()

    listed = report(policy_db_url, tmp_path)
    assert "用户对答复的评价：" in listed and "不满意的答复（最新在前）：" in listed, listed
    entry = listed.split(question, 1)[1].split("\n  · ", 1)[0]
    assert "原因：数字或条件不对" in entry and f"会话：socketio:{session}" in entry, entry
    records = entry.split("记录：", 1)[1].split("；", 1)[0].split("、")
    cited = {b.key: b for d in policy_data.documents for b in d.benefits}
    assert records and all(cited[r].city == "平顶山" for r in records), records
    assert any("小规模" in cited[r].clause_text for r in records), records
    assert listed.index("没能回答的问题") < listed.index("用户对答复的评价")  # beside the unanswered questions


def test_a_satisfied_answer_is_one_click_and_counted(chrome, web_url, policy_db_url, artifacts_dir, tmp_path):
    driver = chrome
    SCREENS["desktop"](driver)
    open_page(driver, web_url)
    wait_reply(driver, -1, "the greeting")
    before = report(policy_db_url, tmp_path)
    count = int(before.split("满意 ", 1)[1].split(" 条", 1)[0]) if "用户对答复的评价：满意" in before else 0
    i = send_text(driver, QUESTION)
    wait_reply(driver, i, "the answer")
    bar = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#chat .answer-tools button"), "the bar")
    bar[0].click()
    status = driver.find_element(By.CSS_SELECTOR, "#chat .answer-tools .answer-status")
    wait_for(lambda: status.text == "谢谢您的评价。", "the thanks")
    assert driver.find_elements(By.CSS_SELECTOR, "#chat .answer-reasons") == []  # no reasons asked for 满意
    after = report(policy_db_url, tmp_path)
    assert f"用户对答复的评价：满意 {count + 1} 条" in after, after
