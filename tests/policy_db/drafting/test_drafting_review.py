"""The review page (python -m policy_db review DRAFT.yml): each record beside its clause, the figures it
took highlighted on those very numbers, a number nobody took in red, the review note and the 责任单位;
opened in headless Chromium when it is installed."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from officer.drafting.draft import draft_document
from officer.drafting.review import render
from officer.drafting.yaml_out import to_yaml
from policy_db.loader import DATA_DIR
from tests.support.cli import run_policy_db

DOCUMENTS = Path(__file__).resolve().parents[2] / "fixtures" / "drafting" / "documents"
SOURCE = DOCUMENTS / "yunxi_banfa.txt"


@pytest.fixture
def draft(city):
    text = SOURCE.read_text(encoding="utf-8")
    return draft_document(text, SOURCE.name, city("平顶山"), DATA_DIR), text


def _section(soup: BeautifulSoup, words: str):
    return next(s for s in soup.select("section.record") if words in s.select_one(".clause").get_text())


def test_figures_taken_are_marked_on_their_numbers(draft):
    record_draft, text = draft
    soup = BeautifulSoup(render(record_draft, text), "html.parser")
    bands = _section(soup, "首次突破5亿元")
    assert [m.get_text() for m in bands.select(".clause mark.taken")] == ["5亿元", "20亿元", "三十万元", "八十万元"]
    assert not bands.select("mark.missed")
    assert "市工业和信息化局" in bands.select_one(".departments").get_text()
    assert bands.select_one(".review").get_text()  # the record's review note


def test_a_number_no_record_took_is_red(draft):
    record_draft, text = draft
    record = next(b for b in record_draft["benefits"] if "最高不超过300万元" in b["clause_text"])
    record["figures"] = [f for f in record["figures"] if f["text"] != "300万元"]  # as if the drafter missed it
    soup = BeautifulSoup(render(record_draft, text), "html.parser")
    section = _section(soup, "最高不超过300万元")
    assert [m.get_text() for m in section.select(".clause mark.missed")] == ["300万元"]
    assert section["data-missed"] == "1"
    assert soup.select_one("#summary")["data-missed"] == "1"


def test_review_command_writes_one_html_file(draft, tmp_path):
    record_draft, text = draft
    (tmp_path / "draft.yml").write_text(to_yaml(record_draft, SOURCE.name), encoding="utf-8")
    shutil.copy(SOURCE, tmp_path / SOURCE.name)
    result = run_policy_db("review", tmp_path / "draft.yml")
    assert result.returncode == 0, result.stderr
    page = BeautifulSoup((tmp_path / "draft.html").read_text(encoding="utf-8"), "html.parser")
    assert len(page.select("section.record")) == len(yaml.safe_load(to_yaml(record_draft, "x"))["benefits"])
    missing = run_policy_db("review", tmp_path / "none.yml")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


CHROMIUM, CHROMEDRIVER = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium"), "/usr/bin/chromedriver"


def test_the_page_in_chromium(draft, tmp_path):
    """The marks are where the numbers are when a browser lays the page out."""
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        pytest.skip("chromium or chromedriver is not installed")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    record_draft, text = draft
    page = tmp_path / "review.html"
    page.write_text(render(record_draft, text), encoding="utf-8")
    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--user-data-dir={tmp_path / 'profile'}"):  # fmt: skip
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        browser.get(page.as_uri())
        marks = browser.find_elements(By.CSS_SELECTOR, "mark.taken")
        assert marks and all(m.is_displayed() and m.size["width"] > 0 for m in marks)
        assert "5亿元" in [m.text for m in marks]
        shown = browser.find_elements(By.CSS_SELECTOR, ".clause mark")
        starts = re.compile(r"(?:\d|百分之|千分之|[零〇一二两三四五六七八九十])")
        assert shown and all(starts.match(m.text) and len(m.text) <= 12 for m in shown)  # marks sit on numbers
        clause = browser.find_elements(By.CSS_SELECTOR, "section.record .clause")[0]
        fields = browser.find_elements(By.CSS_SELECTOR, "section.record .fields")[0]
        assert clause.location["x"] > fields.location["x"]  # the clause stands beside its record
    finally:
        browser.quit()


def test_dates_ordinals_item_numbers_and_names_are_not_missed_figures():
    clause = "（1）第三年起每年3月1日至3月31日申报5G项目，奖励10万元"
    draft = {"document": {}, "benefits": [{"id": "x", "clause_text": clause, "figures": []}], "exclusions": []}
    soup = BeautifulSoup(render(draft, clause), "html.parser")
    assert [m.get_text() for m in soup.select(".clause mark.missed")] == ["10万元"]
    assert [m.get_text() for m in soup.select(".clause mark.date")] == ["3月1日", "3月31日"]


def test_a_calendar_year_and_a_plans_name_are_not_missed_figures():
    draft = {
        "document": {"title": "t"},
        "benefits": [
            {"id": "x-1", "clause_text": "实施三年行动计划，2022年新增企业100家以上", "figures": [], "departments": []}
        ],
        "exclusions": [],
    }
    soup = BeautifulSoup(render(draft, "实施三年行动计划，2022年新增企业100家以上。"), "html.parser")
    assert [m.get_text() for m in soup.select(".clause mark.missed")] == ["100"]
    assert [m.get_text() for m in soup.select(".clause mark.date")] == ["2022"]
