"""Source pages readable on a phone (issue 23, item 6): a cited clause is highlighted whole (its heading, its
text, its 责任单位 line and sub-clauses), sentences broken across lines in the copied text are whole again, and a
document whose source text states its official address links to it (``url:`` in its data, else nothing).

Screenshots (test-artifacts/web/): ``source-<screen>-whole-clause.png``.
"""

from __future__ import annotations

import re

import pytest

from bot.web.source_pages import CONTINUED_ENDS, SourceDocument, paragraphs, render
from policy_db.clauses import best_section, walk

PUNCTUATION = re.compile(r"[\s，,。；;：:（）()“”\"、《》]")


def plain(text: str) -> str:
    return PUNCTUATION.sub("", text)


def test_every_character_is_kept_and_no_sentence_is_cut(policy_data):
    for document in policy_data.documents:
        lines = [line.text for line in walk(document.full_text)]
        joined = paragraphs(document.full_text)
        assert "".join(p.text for p in joined) == "".join(lines), document.key  # nothing lost, nothing added
        for this, following in zip(joined, joined[1:]):
            if this.text.endswith(CONTINUED_ENDS):  # a paragraph ending in a comma goes on in a table or clause
                assert following.opens_section or "|" in this.text + following.text, (document.key, this.text[-30:])
    sanmenxia = next(d for d in policy_data.documents if d.city == "三门峡")
    opening = next(p.text for p in paragraphs(sanmenxia.full_text) if p.text.startswith("为认真贯彻落实"))
    assert "着力促进工业经济平稳增长,结合我市实际" in opening and opening.endswith("制定本通知。")


def test_an_official_address_is_linked_only_when_known(policy_data):
    document = SourceDocument.of(policy_data.documents[0])
    assert "政府网站上的原文" not in render(document)
    linked = render(SourceDocument(**{**document.__dict__, "url": "https://www.example.gov.cn/a?b=1&c=2"}))
    assert '<a href="https://www.example.gov.cn/a?b=1&amp;c=2" rel="noreferrer">政府网站上的原文</a>' in linked
    for record in policy_data.documents:  # an address in the data is one the source text itself gives
        assert record.url is None or record.url in record.full_text, record.key


def cited_with_more_than_its_heading(policy_data):
    """A record whose clause goes on past its heading line (a 责任单位 line, sub-clauses): (document, record, anchor)."""
    for document in policy_data.documents:
        sections = [line.section for line in walk(document.full_text) if line.opens_section]
        for record in document.benefits:
            section = best_section(record.clause_ref, sections)
            if section is None:
                continue
            lines = [
                line
                for line in paragraphs(document.full_text)
                if line.section == section or line.section.anchor.startswith(section.anchor + "-")
            ]
            if len(lines) >= 2 and any(line.text.startswith("责任单位") for line in lines):
                return document, record, section.anchor, lines
    raise AssertionError("no cited clause with a 责任单位 line")


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_the_cited_clause_is_highlighted_whole(chrome, web_url, artifacts_dir, policy_data, screen):
    pytest.importorskip("selenium")
    from selenium.webdriver.common.by import By
    from test_web_accessibility import SCREENS, axe_violations, contrast, unmeasured_left_out
    from test_web_browser import shot

    document, record, anchor, lines = cited_with_more_than_its_heading(policy_data)
    driver = chrome
    SCREENS[screen](driver)
    driver.get(f"{web_url}sources/{document.key}#{anchor}")
    clause = driver.find_element(By.ID, anchor)
    assert driver.execute_script("return document.querySelector(':target') === arguments[0]", clause)
    paper = clause.value_of_css_property("background-color")
    assert paper == "rgba(255, 243, 176, 1)" and contrast(clause.value_of_css_property("color"), paper) >= 4.5
    # every paragraph of the clause, its 责任单位 line included, lies inside the highlighted box
    box = driver.execute_script("return arguments[0].getBoundingClientRect().toJSON()", clause)
    inner = driver.execute_script(
        "return Array.from(arguments[0].querySelectorAll('p')).map(p => [p.innerText, p.getBoundingClientRect().toJSON()])",
        clause,
    )
    assert [text for text, _ in inner] == [line.text for line in lines]
    for _, rect in inner:
        assert box["top"] <= rect["top"] and rect["bottom"] <= box["bottom"], (rect, box)
    assert plain(record.clause_text) in plain(clause.text)  # the whole clause, not only its heading
    head = clause.find_element(By.CSS_SELECTOR, ".clause-head")
    title = head.find_element(By.TAG_NAME, "strong").text
    assert head.text.startswith(title) and len(title) <= 40 < len(head.text)  # the title bold, not the whole text
    following = driver.execute_script("return arguments[0].nextElementSibling", clause)
    if following is not None:  # the next clause is not highlighted
        assert following.value_of_css_property("background-color") != paper
    assert 0 <= box["top"] < driver.execute_script("return window.innerHeight")
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    shot(driver, artifacts_dir, f"source-{screen}-whole-clause")
    assert unmeasured_left_out(axe_violations(driver), f"#{anchor}") == []
