"""Every money amount, ratio, month and working-day count in the sources is a record or an explained exclusion."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from policy_db.completeness import check_document, compact, find_figures
from policy_db.loader import DATA_DIR, read_cities

DOCUMENTS = sorted((DATA_DIR / "documents").glob("*.yml"))


def test_every_city_has_a_curated_document():
    cities = {yaml.safe_load(p.read_text(encoding="utf-8"))["document"]["city"] for p in DOCUMENTS}
    assert cities == {city.name for city in read_cities()}


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_every_figure_is_covered(path: Path):
    report = check_document(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert report.ok, "\n" + report.describe()


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_exclusions_give_a_reason(path: Path):
    for exclusion in yaml.safe_load(path.read_text(encoding="utf-8")).get("exclusions") or []:
        assert str(exclusion.get("reason", "")).strip(), exclusion


def test_scanner_finds_each_kind_of_figure():
    text = compact(
        "给予50万元奖励,最高10%,缓缴3个月,或三个月,审批5个工作日,按2‰,融资1.5亿元,新增5G基站700个,消化0.8万亩"
    )
    found = [f.text for f in find_figures(text)]
    assert found == ["50万元", "10%", "3个月", "三个月", "5个工作日", "2‰", "1.5亿元"]


def test_uncovered_figure_is_reported(tmp_path: Path):
    (tmp_path / "s.txt").write_text("对首次认定的企业给予一次性奖励50万元。对入规企业奖励5万元。", encoding="utf-8")
    doc = {
        "document": {"source_file": "s.txt"},
        "benefits": [
            {"id": "x-1", "clause_text": "对首次认定的企业给予一次性奖励50万元", "figures": [{"text": "50万元"}]}
        ],
    }
    report = check_document(doc, sources_dir=tmp_path)
    assert [f.text for f in report.uncovered] == ["5万元"]
    doc["exclusions"] = [{"context": "对入规企业奖励5万元", "reason": "测试"}]
    assert check_document(doc, sources_dir=tmp_path).ok


def test_figure_listed_with_the_wrong_text_does_not_count(tmp_path: Path):
    (tmp_path / "s.txt").write_text("奖励50万元。", encoding="utf-8")
    doc = {
        "document": {"source_file": "s.txt"},
        "benefits": [{"id": "x-1", "clause_text": "奖励50万元", "figures": [{"text": "60万元"}]}],
    }
    assert not check_document(doc, sources_dir=tmp_path).ok


def test_a_number_grouped_by_thousands_is_one_figure():
    """「1,000万元」 is one figure (the check and the drafter both read it whole), not 「000万元」; a comma that
    ends a clause (「给予,5万元」) is punctuation."""
    texts = [f.text for f in find_figures(compact("奖励1,000万元,补贴2,500.5万元，再给予,5万元"))]
    assert texts == ["1,000万元", "2,500.5万元", "5万元"]
