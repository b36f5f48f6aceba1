"""A person always at hand (issue 23, item 3): 人工·12345 and 重新开始 on screen at every moment, every
city's 12345 hotline as a tel: link, and, when Rasa cannot be reached, one offline state (the status pill
and one notice in place of the input box) offering the hotline and the message form, which the page server
stores for the officers (``python -m policy_db messages``) with the privacy notice beside the phone field.

Screenshots (test-artifacts/web/): ``person-<screen>-<state>.png``.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import uuid

import pytest

pytest.importorskip("selenium")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from test_web_accessibility import SCREENS, axe_violations  # noqa: E402
from test_web_browser import QUESTION, messages, open_page, send_text, shot, wait_for, wait_reply  # noqa: E402

from devservers import free_port  # noqa: E402
from officer.messages import DEFAULT_RETENTION_DAYS  # noqa: E402

JS_ON_SCREEN = """
const r = arguments[0].getBoundingClientRect();
return r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
"""


def on_screen(driver, element) -> bool:
    return driver.execute_script(JS_ON_SCREEN, element)


def policy_messages(database_url: str) -> list[dict]:
    listed = subprocess.run(
        [sys.executable, "-m", "policy_db", "--database-url", database_url, "messages", "--csv", "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(listed)))


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_the_hotlines_are_one_tap_away_before_and_after_a_question(chrome, web_url, artifacts_dir, policy_data, screen):
    driver = chrome
    SCREENS[screen](driver)
    open_page(driver, web_url)
    wait_reply(driver, -1, "the greeting")
    person = driver.find_element(By.ID, "help-open")
    assert on_screen(driver, person) and on_screen(driver, driver.find_element(By.ID, "restart"))
    i = send_text(driver, QUESTION)
    wait_reply(driver, i, "the answer")
    assert on_screen(driver, person) and person.text == "人工·12345"
    assert on_screen(driver, driver.find_element(By.ID, "restart"))

    # from the keyboard: Enter opens the dialog, every city's hotline is a tel: link, Escape closes it
    person.send_keys(Keys.ENTER)
    dialog = driver.find_element(By.ID, "help")
    wait_for(lambda: dialog.get_attribute("open") is not None, "the 人工 dialog")
    links = {a.text: a.get_attribute("href") for a in dialog.find_elements(By.CSS_SELECTOR, "a.hotline")}
    expected = {f"{c.name}：{c.hotline}": f"tel:{c.hotline.replace('-', '')}" for c in policy_data.cities if c.hotline}
    assert links == expected and len(links) == len(policy_data.cities)
    first = dialog.find_element(By.CSS_SELECTOR, "a.hotline")
    assert driver.switch_to.active_element == first and on_screen(driver, first)
    assert dialog.find_element(By.ID, "message-form").is_displayed()
    shot(driver, artifacts_dir, f"person-{screen}-dialog")
    assert axe_violations(driver) == []
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait_for(lambda: dialog.get_attribute("open") is None, "the dialog closed")
    assert driver.switch_to.active_element == person  # the focus goes back where it was


def test_restart_starts_a_new_conversation(chrome, web_url, artifacts_dir):
    driver = chrome
    SCREENS["phone"](driver)
    open_page(driver, web_url)
    wait_reply(driver, -1, "the greeting")
    i = send_text(driver, QUESTION)
    wait_reply(driver, i, "the answer")
    session = driver.execute_script("return window.POLICY_SESSION_ID()")
    driver.find_element(By.ID, "restart").click()
    open_page(driver, web_url)
    wait_reply(driver, -1, "a new greeting")
    assert [m["text"] for m in messages(driver) if m["client"]] == []
    assert QUESTION not in driver.find_element(By.ID, "chat").text
    new_session = wait_for(
        lambda: (s := driver.execute_script("return window.POLICY_SESSION_ID()")) != session and s, "a new session"
    )
    assert not new_session.startswith("web:")
    shot(driver, artifacts_dir, "person-phone-restarted")


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_with_rasa_down_one_offline_state_offers_12345_and_the_message_form(
    chrome, page_server, policy_db_url, artifacts_dir, screen
):
    down = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    page = page_server(env={"RASA_PUBLIC_URL": down, "DATABASE_URL": policy_db_url}) + "/"
    driver = chrome
    SCREENS[screen](driver)
    driver.get(page)
    status = driver.find_element(By.ID, "status")
    wait_for(lambda: status.get_attribute("data-state") == "offline", "the offline state")
    notice = driver.find_element(By.ID, "offline")
    wait_for(notice.is_displayed, "the offline notice")
    assert status.text == "未连接"
    assert "暂时连不上政策通服务" in notice.text and "12345" in notice.text
    # said in one place: no second, contradicting banner, and no input box that sends nowhere
    assert "正在连接" not in driver.find_element(By.TAG_NAME, "body").text
    assert not any(e.is_displayed() for e in driver.find_elements(By.CSS_SELECTOR, "#chat .rw-new-message"))
    assert on_screen(driver, notice)
    shot(driver, artifacts_dir, f"person-{screen}-offline")
    assert axe_violations(driver) == []

    # 留言 opens the form at the question; the phone field has its privacy notice
    notice.find_element(By.CSS_SELECTOR, "[data-help=message]").click()
    question_box = driver.find_element(By.ID, "message-question")
    wait_for(lambda: driver.switch_to.active_element == question_box, "the focus on the question")
    privacy = driver.find_element(By.ID, "privacy-notice")
    assert driver.find_element(By.ID, "message-phone").get_attribute("aria-describedby") == "privacy-notice"
    assert (
        "回电" in privacy.text
        and "工作人员" in privacy.text
        and f"保存{DEFAULT_RETENTION_DAYS}天后删除" in privacy.text
    ), privacy.text
    question = f"贷款贴息怎么申请，请回电（{uuid.uuid4().hex[:6]}）"
    question_box.send_keys(question)
    driver.find_element(By.ID, "message-phone").send_keys("139 0000 1111")
    driver.find_element(By.ID, "message-city").send_keys("平顶山")
    driver.find_element(By.CSS_SELECTOR, "#message-form button[type=submit]").click()
    result = driver.find_element(By.ID, "message-result")
    wait_for(lambda: "留言已提交" in result.text, "the message confirmed")
    shot(driver, artifacts_dir, f"person-{screen}-offline-message-sent")

    rows = [row for row in policy_messages(policy_db_url) if row["问题"] == question]
    assert len(rows) == 1
    assert rows[0]["电话"] == "13900001111" and rows[0]["城市"] == "平顶山"
    assert rows[0]["会话"].startswith("web:")
    assert f"编号{rows[0]['编号']}" in result.text


def test_a_connection_lost_mid_conversation_shows_the_same_offline_state_and_comes_back(
    chrome, page_server, policy_db_url, artifacts_dir
):
    from standin_rasa import REPLY, StandinRasa

    port = free_port()
    page = page_server(env={"RASA_PUBLIC_URL": f"http://127.0.0.1:{port}", "DATABASE_URL": policy_db_url})
    rasa = StandinRasa(port, origin=page).start()
    try:
        driver = chrome
        SCREENS["phone"](driver)
        open_page(driver, page + "/")
        i = send_text(driver, "你好")
        wait_reply(driver, i, "the stand-in's reply")
        status = driver.find_element(By.ID, "status")
        notice = driver.find_element(By.ID, "offline")
        assert not notice.is_displayed()

        rasa.stop()  # Rasa goes away mid-conversation
        wait_for(lambda: status.get_attribute("data-state") == "offline", "the connection lost", 60)
        assert status.text == "未连接" and notice.is_displayed() and "12345" in notice.text
        assert not driver.find_element(By.CSS_SELECTOR, "#chat .rw-new-message").is_displayed()
        assert "正在连接" not in driver.find_element(By.TAG_NAME, "body").text
        assert REPLY in driver.find_element(By.ID, "chat").text  # the conversation stays readable
        shot(driver, artifacts_dir, "person-phone-connection-lost")

        rasa.start()  # and comes back: the page reconnects by itself
        wait_for(lambda: status.get_attribute("data-state") == "online", "the connection back", 60)
        assert not notice.is_displayed()
        assert driver.find_element(By.CSS_SELECTOR, "#chat .rw-new-message").is_displayed()
    finally:
        rasa.stop()
