"""Fact records: figures people ask about that are not money an enterprise receives (fund sizes,
cost shares, targets) are records marked `kind: fact`, each figure taken from its own clause."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from policy_db.completeness import check_document, compact, normalise_figure
from policy_db.loader import DATA_DIR

DOCUMENTS = sorted((DATA_DIR / "documents").glob("*.yml"))


def _facts(catalog):
    return [b for b in catalog.benefits if b.is_fact]


def test_the_curated_documents_have_fact_records(catalog):
    """The five curated documents each state facts (fund sizes, cost shares, targets); a new one need not."""
    assert {b.city for b in _facts(catalog)} >= {"三门峡", "登封", "平顶山", "三明", "滨州"}


def test_each_fact_figure_is_written_in_its_clause(catalog):
    for fact in _facts(catalog):
        clause = normalise_figure(fact.clause_text)
        for figure in fact.figures:
            assert normalise_figure(figure.text) in clause, (fact.key, figure.text)
        assert fact.summary and fact.eligibility and fact.clause_ref, fact.key


def test_fact_marker_defaults_to_benefit(catalog):
    assert not catalog.get(["pds-xjr-national"])[0].is_fact
    assert catalog.get(["df-fact-guide-fund-size"])[0].is_fact


def test_guidance_fund_size_is_a_fact_record(catalog):
    hits = catalog.find_benefits(
        city="登封", topics=catalog.topics_in("产业引导基金规模多大"), text="产业引导基金规模多大", limit=3
    )
    fact = next(h.benefit for h in hits if h.benefit.is_fact)
    fund = [f for f in fact.figures if f.kind == "fund"]
    assert fund and fund[0].value == Decimal(10) and fund[0].unit == "亿元"


@pytest.mark.parametrize(
    "question,city,key",
    [
        ("企业家座谈会是哪天开", "登封", "df-fact-entrepreneur-meeting"),
        ("新增建设用地指标多少用于工业项目", "登封", "df-fact-industrial-land-share"),
        ("奖补资金市里和区里怎么分担", "平顶山", "pds-fact-city-district-cost-share"),
        ("省级技改基金规模多大", "三明", "sm-fact-provincial-techreform-fund"),
        ("省级纾困专项资金有多少", "三明", "sm-fact-relief-fund-size"),
        ("汇率避险担保费省里和市里怎么分担", "滨州", "bz-fact-fx-hedge-local-cap"),
    ],
)
def test_people_find_facts_by_their_own_words(catalog, question, city, key):
    hits = catalog.find_benefits(city=city, topics=catalog.topics_in(question), text=question, limit=3)
    assert key in [h.benefit.key for h in hits], [h.benefit.key for h in hits]


def test_cost_sharing_sentences_are_fact_records(catalog):
    facts = {b.key: b for b in _facts(catalog)}
    for key, words in [
        ("pds-fact-city-district-cost-share", "市区两级各承担50%"),
        ("pds-fact-full-load-cost-share", "1∶1比例分担"),
        ("bz-fact-fx-hedge-local-cap", "由市县两级按财政体制分担"),
        ("sm-fact-cost-sharing", "由受益地政府承担"),
    ]:
        assert words in compact(facts[key].clause_text), key
        assert "资金分担" in facts[key].topics


def test_green_factory_target_is_a_count(catalog):
    fact = catalog.get(["df-fact-quality-green-targets"])[0]
    counts = {f.text: f for f in fact.figures if f.kind == "target" and f.unit == "家"}
    assert counts["3家"].value == Decimal(3) and counts["4家"].value == Decimal(4)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_completeness_counts_fact_records(path: Path):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert check_document(doc).ok
    without_facts = dict(doc, benefits=[b for b in doc["benefits"] if b.get("kind") != "fact"])
    if any(b.get("kind") == "fact" and b.get("figures") for b in doc["benefits"]):
        assert not check_document(without_facts).ok, "fact records must be what covers those figures"


def test_remaining_exclusions_are_few():
    """Only what nobody would ask stays an exclusion (an internal land task, appendix duplicates)."""
    total = sum(len(yaml.safe_load(p.read_text(encoding="utf-8")).get("exclusions") or []) for p in DOCUMENTS)
    assert total <= 5
