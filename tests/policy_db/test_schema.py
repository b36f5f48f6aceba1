"""The data files are checked against the records' schema: a misspelt key, a text where a list belongs,
a value outside its choices or a date that is not one is an error naming the file and the record,
and every such error of the data set is reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from policy_db.loader import SOURCES_DIR, DataError, load_policy_data, read_cities
from tests.support.policy_files import GOOD_BENEFIT, write_doc

WHERE = "documents/test.yml benefits[0] (pds-test-reward)"


def problems(data_dir: Path) -> list[str]:
    with pytest.raises(DataError) as err:
        load_policy_data(data_dir, SOURCES_DIR)
    return err.value.problems


def test_a_misspelt_key_is_an_error_with_the_key_it_should_be(data_dir):
    write_doc(data_dir, {**GOOD_BENEFIT, "valid_untill": "2022-12-31"})
    assert problems(data_dir) == [f"{WHERE}: 未知字段 valid_untill(是否应为 valid_until?)"]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"topics": "专精特新"}, "topics 应为文本列表: '专精特新'"),
        ({"name": ["测试", "奖励"]}, "name 应为文本: ['测试', '奖励']"),
        ({"valid_until": "2022-02-30"}, "valid_until 不是日期 (YYYY-MM-DD): '2022-02-30'"),
        (
            {"category": "gift"},
            "未知的 category 'gift',可选: reward, finance, social_insurance, tax_fee, rent_utility, other",
        ),
        ({"kind": "goal"}, "未知的 kind 'goal',可选: benefit, fact"),
        ({"summary": "  "}, "缺少 summary"),
        ({"tiers": ["bracket"]}, "应为映射 (key: value),实际是 列表"),
    ],
)
def test_wrong_shapes_and_values_name_the_field(data_dir, change, message):
    write_doc(data_dir, {**GOOD_BENEFIT, **change})
    assert any(p.startswith(WHERE) and p.endswith(message) for p in problems(data_dir)), problems(data_dir)


def test_nested_records_are_checked_with_their_place(data_dir):
    figure = {**GOOD_BENEFIT["figures"][0], "unit": "万", "lable": "奖励"}
    tiers = {"basis": "融资额", "unit": "亿元", "mode": "bracket", "steps": [{"min": 0, "amount": "50万元", "cap": 1}]}
    write_doc(data_dir, {**GOOD_BENEFIT, "figures": [figure], "tiers": tiers})
    found = problems(data_dir)
    assert f"{WHERE} figures[0] (50万元): 未知字段 lable(是否应为 label?)" in found
    assert any(p.startswith(f"{WHERE} figures[0] (50万元): 未知的 unit '万'") for p in found)
    assert any(p.startswith(f"{WHERE} tiers steps[0]: 无法解析的金额: '1'") for p in found)


def test_every_problem_of_every_file_is_reported_at_once(data_dir):
    write_doc(
        data_dir,
        {**GOOD_BENEFIT, "valid_untill": "2022-12-31", "category": "gift"},
        published="yesterday",
        issuer_name="测试",
    )
    path = data_dir / "documents" / "test.yml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["benefit"] = []  # a section that does not exist
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    (data_dir / "topics.yml").write_text("topics:\n  - name: 社保缓缴\n    synonyms: 社保缓交\n", encoding="utf-8")
    found = problems(data_dir)
    assert found == [
        "topics.yml topics[0] (社保缓缴): synonyms 应为文本列表: '社保缓交'",
        "documents/test.yml: 未知字段 benefit(是否应为 benefits?)",
        "documents/test.yml document: 未知字段 issuer_name(是否应为 issuer?)",
        "documents/test.yml document: published 不是日期 (YYYY-MM-DD): 'yesterday'",
        f"{WHERE}: 未知字段 valid_untill(是否应为 valid_until?)",
        f"{WHERE}: 未知的 category 'gift',可选: reward, finance, social_insurance, tax_fee, rent_utility, other",
    ]


def test_cities_file_is_checked_too(tmp_path):
    path = tmp_path / "cities.yml"
    path.write_text(
        "cities:\n  - name: 平顶山\n    full_name: 平顶山市\n    province: 河南省\n    countys: [郏县]\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        read_cities(path)
    assert err.value.problems == [
        "cities.yml cities[0] (平顶山): 未知字段 countys(是否应为 counties?)",
        "cities.yml cities[0] (平顶山): 缺少 code",
    ]


def test_the_real_cities_read_as_records():
    pingdingshan = next(c for c in read_cities() if c.name == "平顶山")
    assert pingdingshan.code == "pds" and "郏县" in pingdingshan.places and "平顶山市" in pingdingshan.places
