"""The page and the source pages in headless Chromium: what the header says, where a new answer is
scrolled to, keyboard use of quick replies, and axe-core's accessibility rules.

axe-core (pinned in bot/web/package.json, installed by ``make web``) is read from node_modules and
injected by the test; serve.py never serves it. No ``serious`` or ``critical`` violation is allowed,
on a phone (390x844) and on a desktop screen.

Screenshots (test-artifacts/web/): ``a11y-<screen>-answer`` (the page with an answer),
``a11y-<screen>-source-clause`` (a source page opened at a cited clause) and
``a11y-<screen>-quick-reply-focus`` (keyboard focus on a quick reply).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("selenium")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from test_web_browser import (  # noqa: E402
    bot_replies_after,
    desktop,
    messages,
    open_page,
    phone,
    send_text,
    shot,
    wait_for,
    wait_reply,
)

from policy_db.clauses import best_section, walk  # noqa: E402

AXE = Path(__file__).resolve().parents[2] / "bot" / "web" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
SCREENS = {"phone": phone, "desktop": desktop}
MAX_TABS = 40
PUNCTUATION = re.compile(r"[\s，,。；;：:（）()“”\"、《》]")

JS_AXE = """
const done = arguments[arguments.length - 1];
const brief = v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.any.concat(n.all).map(c => c.message).join(' | '))});
axe.run(document)
  .then(r => done(r.violations.map(brief).concat(
      // contrast axe could not measure (e.g. text on a gradient) is not known to pass: count it too
      r.incomplete.filter(v => v.id === 'color-contrast').map(v => Object.assign(brief(v), {id: 'color-contrast-unmeasured'})))))
  .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
"""

# The first bot bubble after the user's last message: its first line's box, and the list's.
JS_NEWEST_ANSWER = """
const list = document.querySelector('#chat .rw-messages-container');
const all = Array.from(list.querySelectorAll('.rw-message'))
  .filter(m => !m.classList.contains('rw-typing-indication'));
let start = null;
for (let i = all.length - 1; i >= 0 && !all[i].querySelector('.rw-client'); i--) start = all[i];
if (!start) return null;
const bubble = start.querySelector('.rw-response');
const walker = document.createTreeWalker(bubble, NodeFilter.SHOW_TEXT,
  {acceptNode: n => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP});
const range = document.createRange();
range.selectNodeContents(walker.nextNode());
const firstLine = range.getClientRects()[0];
const answerBottom = all[all.length - 1].getBoundingClientRect().bottom;
return {
  text: (bubble.innerText || '').split('\\n')[0],
  lineTop: firstLine.top, lineBottom: firstLine.bottom,
  answerHeight: answerBottom - start.getBoundingClientRect().top,
  list: list.getBoundingClientRect().toJSON(), listHeight: list.clientHeight,
  viewport: window.innerHeight,
};
"""


def _plain(text: str) -> str:
    return PUNCTUATION.sub("", text)


def axe_violations(driver) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now, and text whose contrast it
    could not measure."""
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: run `make web` (npm ci --prefix bot/web)")
    driver.set_script_timeout(90)
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    return [v for v in driver.execute_async_script(JS_AXE) if v["impact"] in BLOCKING_IMPACTS]


def unmeasured_left_out(violations: list[dict], selector: str) -> list[dict]:
    """The violations without `selector`'s unmeasured contrast (which the test measures itself)."""
    kept = []
    for violation in violations:
        if violation["id"] == "color-contrast-unmeasured":
            nodes = [node for node in violation["nodes"] if not node.startswith(selector + ":")]
            if not nodes:
                continue
            violation = {**violation, "nodes": nodes}
        kept.append(violation)
    return kept


def contrast(color: str, background: str) -> float:
    """WCAG contrast ratio of two CSS colours as getComputedStyle gives them (rgb()/rgba())."""

    def luminance(css: str) -> float:
        red, green, blue = (int(v) / 255 for v in re.findall(r"[\d.]+", css)[:3])
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(color), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def list_question(policy_data) -> str:
    """A question answered with a list longer than a phone's screen: what the city with most measures has."""
    per_city = Counter(d.city for d in policy_data.documents for b in d.benefits if not b.is_fact)
    return f"{per_city.most_common(1)[0][0]}有哪些政策？"


def focused(driver) -> dict:
    return driver.execute_script(
        "const e = document.activeElement; const s = getComputedStyle(e);"
        "return {tag: e.tagName, cls: e.className, text: e.innerText, outline: s.outlineStyle,"
        " width: parseFloat(s.outlineWidth)}"
    )


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_the_header_the_newest_answer_and_axe(chrome, web_url, artifacts_dir, policy_data, screen):
    driver = chrome
    SCREENS[screen](driver)
    open_page(driver, web_url)
    wait_reply(driver, -1, "the greeting")

    # the header: how many documents of which years, as in the data, linking to the list of them
    documents = policy_data.documents
    years = sorted(d.published.year for d in documents if d.published)
    link = driver.find_element(By.ID, "sources-link")
    assert link.is_displayed()
    assert link.text.startswith(f"答复依据{len(documents)}份政策文件（{years[0]}—{years[-1]}年发布")
    assert link.get_attribute("href") == web_url + "sources/"
    validity = driver.find_element(By.ID, "validity")
    assert validity.is_displayed() and "项已过文件载明的期限" in validity.text
    note = driver.find_element(By.CSS_SELECTOR, "footer.note")
    bottom = note.rect["y"] + note.rect["height"]
    assert note.is_displayed() and bottom <= driver.execute_script("return window.innerHeight") + 1  # the disclaimer

    # the message list is announced to screen readers
    chat_list = driver.find_element(By.CSS_SELECTOR, "#chat .rw-messages-container")
    assert chat_list.get_attribute("aria-live") == "polite"

    # a long answer arrives: its first line, not its end, is on screen
    i = send_text(driver, list_question(policy_data))
    wait_reply(driver, i, "a reply to the list question")
    time.sleep(2.0)  # the later bubbles and the buttons arrive one by one
    assert bot_replies_after(driver, i)
    newest = driver.execute_script(JS_NEWEST_ANSWER)
    assert newest is not None
    assert newest["answerHeight"] > newest["listHeight"], "the answer fits on screen: nothing to scroll"
    assert newest["list"]["top"] <= newest["lineTop"] and newest["lineBottom"] <= newest["list"]["bottom"], newest
    assert newest["lineTop"] >= 0 and newest["lineBottom"] <= newest["viewport"], newest
    shot(driver, artifacts_dir, f"a11y-{screen}-answer")

    violations = axe_violations(driver)
    assert violations == [], violations


def test_quick_replies_are_buttons_reached_with_tab_and_pressed_with_enter(chrome, web_url, artifacts_dir):
    driver = chrome
    phone(driver)
    open_page(driver, web_url)
    wait_reply(driver, -1, "the greeting")
    replies = wait_for(
        lambda: driver.find_elements(By.CSS_SELECTOR, "#chat .rw-replies .rw-reply button"),
        "the greeting's quick-reply buttons",
    )
    time.sleep(1.0)  # the greeting complete: no later message takes its buttons away
    assert all(b.tag_name == "button" and b.get_attribute("type") == "button" and b.text.strip() for b in replies)

    # from the top of the page, Tab reaches a quick reply, and its focus is visible
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    for _ in range(MAX_TABS):
        now = focused(driver)
        if "rw-reply-button" in now["cls"]:
            break
        driver.switch_to.active_element.send_keys(Keys.TAB)
    else:
        raise AssertionError(f"no quick reply reached with {MAX_TABS} presses of Tab (last: {now})")
    assert now["tag"] == "BUTTON" and now["outline"] != "none" and now["width"] >= 2, now
    shot(driver, artifacts_dir, "a11y-phone-quick-reply-focus")
    desktop(driver)
    shot(driver, artifacts_dir, "a11y-desktop-quick-reply-focus")
    phone(driver)

    # Enter sends it: its title becomes the user's message and the bot answers
    title = now["text"].strip()
    before = len(messages(driver))
    driver.switch_to.active_element.send_keys(Keys.ENTER)

    def sent():
        ms = messages(driver)
        return next((k + 1 for k in range(before, len(ms)) if ms[k]["client"] and ms[k]["text"] == title), None)

    k = wait_for(sent, f"the quick reply {title!r} sent with Enter") - 1
    wait_reply(driver, k, f"a reply to {title!r}")
    # the focus is not lost with the buttons: it goes to the input box
    wait_for(lambda: "rw-new-message" in focused(driver)["cls"], "the focus on the input box")


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_a_source_page_opens_at_the_cited_clause(chrome, web_url, artifacts_dir, policy_data, screen):
    # a record cited under 附件N (the deepest anchors), else any record with a numbered clause
    cited = []
    for document in policy_data.documents:
        sections = [line.section for line in walk(document.full_text) if line.opens_section]
        for benefit in document.benefits:
            section = best_section(benefit.clause_ref, sections)
            if section is not None:
                cited.append((section.anchor.startswith("c-a"), document, benefit, section.anchor))
    _, document, benefit, anchor = max(cited, key=lambda c: c[0])

    driver = chrome
    SCREENS[screen](driver)
    driver.get(f"{web_url}sources/{document.key}#{anchor}")
    assert driver.title == document.title
    # the page's CSP allows its inline style: the highlighted clause is styled, nothing was blocked
    blocked = [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]
    assert blocked == []
    clause = driver.find_element(By.ID, anchor)
    assert driver.execute_script("return document.querySelector(':target') === arguments[0]", clause)
    top, bottom, height = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom, window.innerHeight]", clause
    )
    assert 0 <= top < height, (top, height)  # the clause is on screen, not the top of the page
    assert driver.execute_script("return window.scrollY") > 0
    # the section that starts at the anchor (up to the next clause outside it) holds the record's text
    section_text = driver.execute_script(
        "const start = arguments[0]; let text = start.innerText, e = start.nextElementSibling;"
        "while (e && !(e.classList.contains('clause') && !e.id.startsWith(start.id + '-'))) {"
        "  text += e.innerText; e = e.nextElementSibling; }"
        "return text;",
        clause,
    )
    assert _plain(benefit.clause_text)[:12] in _plain(section_text), (benefit.key, anchor)
    shot(driver, artifacts_dir, f"a11y-{screen}-source-clause")
    # axe cannot measure the highlighted clause (its own background); its colours are measured here
    violations = unmeasured_left_out(axe_violations(driver), f"#{anchor}")
    assert violations == [], violations
    ink, paper = driver.execute_script(
        "const s = getComputedStyle(arguments[0]); return [s.color, s.backgroundColor]", clause
    )
    assert contrast(ink, paper) >= 4.5, (ink, paper)
    assert paper not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"), paper  # highlighted: the style applied

    # the list of documents, from the header's link
    driver.get(f"{web_url}sources/")
    links = driver.find_elements(By.CSS_SELECTOR, "main a")
    assert sorted(a.text for a in links) == sorted(d.title for d in policy_data.documents)
    assert axe_violations(driver) == []
