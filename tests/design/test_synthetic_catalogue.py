"""The scale run's synthetic cities (bench/synthetic.py): a grown catalogue that passes every check a
curated one does, whose figures are the originals shifted, and that never touches policy_db/data."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bench.scale import rewritten_questions
from bench.synthetic import SyntheticCity, grow_catalogue
from devservers.project_copy import DATA_DIR, SOURCES_DIR, copy_project
from policy_db.build import build_database
from policy_db.completeness import check_document
from policy_db.db import make_engine
from policy_db.loader import load_policy_data
from policy_db.query import PolicyRepository

FACTOR = 3


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    project = Path(__file__).resolve().parents[2]
    before = _digest(project / DATA_DIR), _digest(project / SOURCES_DIR)
    root = copy_project(tmp_path_factory.mktemp("grown"))
    cities = grow_catalogue(root, FACTOR)
    assert (_digest(project / DATA_DIR), _digest(project / SOURCES_DIR)) == before, "the real data was touched"
    return root, cities


def _documents(root: Path) -> dict[str, dict]:
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((root / DATA_DIR / "documents").glob("*.yml"))
    }


def test_every_city_gets_factor_minus_one_copies_with_names_codes_and_counties_of_their_own(grown):
    root, cities = grown
    entries = yaml.safe_load((root / DATA_DIR / "cities.yml").read_text(encoding="utf-8"))["cities"]
    assert len(entries) == 5 * FACTOR and len(cities) == 5 * (FACTOR - 1)
    names = [e["name"] for e in entries]
    counties = [c for e in entries for c in e.get("counties", [])]
    assert len(set(names)) == len(names)
    assert len(set(e["code"] for e in entries)) == len(entries)
    assert len(set(counties)) == len(counties), "a county would map to two cities"
    assert len(set(e["hotline"] for e in entries)) == len(entries)


def test_the_grown_catalogue_loads_and_every_figure_of_every_text_is_covered(grown):
    root, _ = grown
    data = load_policy_data(root / DATA_DIR, root / SOURCES_DIR)
    assert len(data.documents) == 5 * FACTOR
    for name, document in _documents(root).items():
        report = check_document(document, root / SOURCES_DIR)
        assert report.ok, f"{name}: {report.describe()}"


def test_a_synthetic_copy_carries_the_originals_figures_shifted_and_its_own_places(grown):
    root, cities = grown
    documents = _documents(root)
    city = next(c for c in cities if c.original == "平顶山" and c.shift == 2)
    original, copy = documents["pingdingshan"], documents[f"pingdingshan-{city.code}"]
    assert copy["document"]["city"] == city.name and "平顶山" not in yaml.safe_dump(copy, allow_unicode=True)
    pairs = list(zip(original["benefits"], copy["benefits"]))
    assert all(b["id"] == f"{city.code}-{a['id'].split('-', 1)[1]}" for a, b in pairs)
    money = [(fa, fb) for a, b in pairs for fa, fb in zip(a["figures"], b["figures"]) if fa["unit"] == "万元"]
    assert money, "平顶山 has money figures"
    for before, after in money:
        assert Decimal(str(after["value"])) == Decimal(str(before["value"])) + 2, (before, after)
        assert after["text"] == before["text"].replace(str(before["value"]), str(after["value"]), 1)
    days = [(fa, fb) for a, b in pairs for fa, fb in zip(a["figures"], b["figures"]) if fa["unit"] == "个工作日"]
    assert days and all(fa == fb for fa, fb in days), "only money is shifted"
    source = (root / SOURCES_DIR / copy["document"]["source_file"]).read_text(encoding="utf-8")
    assert city.name in source and "平顶山" not in source


def test_rewriting_shifts_money_and_renames_places_but_leaves_dates_days_and_tonnes():
    city = SyntheticCity("鸥川", "平顶山", 3, "pds3", {"平顶山": "鸥川", "郏县": "鸥川东县"})
    text = "平顶山郏县企业融资8亿元的，2022年奖励50万元、最高1.5万元，5个工作日办结，年产10万吨"
    assert (
        city.rewrite(text) == "鸥川鸥川东县企业融资11亿元的，2022年奖励53万元、最高4.5万元，5个工作日办结，年产10万吨"
    )


def test_the_bench_questions_are_asked_again_in_each_synthetic_city_with_shifted_answers(grown):
    _, cities = grown
    questions = [{"city": "滨州", "q": "滨州企业上市融资8亿元能拿多少奖补", "expect": ["200万元"]}]
    rewritten = rewritten_questions(questions, cities)
    copies = [c for c in cities if c.original == "滨州"]
    assert [q["city"] for q in rewritten] == [c.name for c in copies]
    first = rewritten[0]
    assert first["q"] == f"{copies[0].name}企业上市融资{8 + copies[0].shift}亿元能拿多少奖补"
    assert first["expect"] == [f"{200 + copies[0].shift}万元"]


@given(number=st.decimals(min_value=0, max_value=100000, places=2), shift=st.integers(min_value=1, max_value=19))
def test_a_shifted_amount_is_the_amount_plus_the_shift(number, shift):
    written = format(number.normalize(), "f")
    city = SyntheticCity("鸥川", "平顶山", shift, "pds1", {})
    shifted = city.shift_money(f"奖励{written}万元")
    assert Decimal(shifted.removeprefix("奖励").removesuffix("万元")) == number + shift


@pytest.fixture(scope="module")
def grown_catalog(grown, tmp_path_factory):
    root, _ = grown
    url = f"sqlite:///{tmp_path_factory.mktemp('grown-db') / 'policy.db'}"
    build_database(make_engine(url), load_policy_data(root / DATA_DIR, root / SOURCES_DIR))
    return PolicyRepository(make_engine(url)).catalog()


@pytest.mark.parametrize(
    ("city", "topics", "text"),
    [
        ("平顶山", ["专精特新"], "国家级专精特新小巨人一次性奖励多少"),
        ("滨州", [], "重大技改项目贷款贴息最高多少"),
        ("三明", [], "新纳入规上的工业企业奖励"),
        ("三门峡", [], "境内首发上市奖励"),
    ],
)
def test_a_city_gets_the_same_best_benefit_in_the_grown_catalogue_and_its_copy_the_copys(
    catalog, grown, grown_catalog, city, topics, text
):
    _, cities = grown
    [before] = catalog.find_benefits(city=city, topics=topics, text=text, limit=1)
    [after] = grown_catalog.find_benefits(city=city, topics=topics, text=text, limit=1)
    assert after.benefit.key == before.benefit.key
    for copy in (c for c in cities if c.original == city):
        [found] = grown_catalog.find_benefits(city=copy.name, topics=topics, text=copy.rewrite(text), limit=1)
        assert found.benefit.city == copy.name
        assert found.benefit.key == f"{copy.code}-{before.benefit.key.split('-', 1)[1]}"


def test_the_source_search_stays_in_the_city_asked_about(grown, grown_catalog):
    _, cities = grown
    copy = next(c for c in cities if c.original == "平顶山")
    hits = grown_catalog.search_passages("中原股权交易中心交易板挂牌", copy.name)
    assert hits and all(hit.document.city == copy.name for hit in hits)
