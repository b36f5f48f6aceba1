"""The 责任单位 of a clause, however the text names them: labelled lists in any brackets or none, units
with their roles in brackets, 由…牵头/会同, and units that are the subject of the sentence."""

from __future__ import annotations

import pytest

from officer.drafting.draft import draft_document
from policy_db.loader import DATA_DIR

CASES = [
    (
        "（一）对企业给予奖励10万元。（市发展改革委牵头，市财政局、市工信局配合）",
        ["市发展改革委", "市财政局", "市工信局"],
    ),
    ("（一）对企业给予奖励10万元。（牵头单位：市商务局，配合单位：市财政局）", ["市商务局", "市财政局"]),
    ("（一）对企业给予奖励10万元。责任单位：市科技局、市财政局。", ["市科技局", "市财政局"]),
    ("（一）对企业给予奖励10万元，资金由市、县两级财政按5:5比例分担。（市财政局负责）", ["市财政局"]),
    (
        "（一）对企业给予奖励10万元。（责任单位：市人社局，各县〔市、区〕人民政府）",
        ["市人社局", "各县〔市、区〕人民政府"],
    ),
    ("（一）市市场监管局会同市财政局对企业给予奖励10万元。", ["市市场监管局", "市财政局"]),
    ("（一）对企业给予奖励10万元，具体由市工业和信息化局组织实施。", ["市工业和信息化局"]),
    ("（一）对企业给予奖励10万元。【责任单位：市金融局】", ["市金融局"]),
    (
        "（一）对企业给予奖励10万元。（市工信局、市财政局，各县〔市、区〕政府）",
        ["市工信局", "市财政局", "各县〔市、区〕政府"],
    ),
    ("（一）对企业给予奖励10万元。（人行某某中支、市金融办）", ["人行某某中支", "市金融办"]),
    ("（一）对企业给予奖励10万元。（责任单位：县商务局、财政局）", ["县商务局", "县财政局"]),
    (
        "（一）对企业给予奖励10万元。由市工业和信息化局牵头，市财政局、市统计局配合，各区人民政府负责具体实施。",
        ["市工业和信息化局", "市财政局", "市统计局", "各区人民政府"],
    ),
]


@pytest.mark.parametrize(("clause", "expected"), CASES, ids=[c for c, _ in CASES])
def test_departments_of_the_clause(city, clause, expected):
    draft = draft_document(f"某市措施\n一、总则\n{clause}\n", "x.txt", city("平顶山"), DATA_DIR)
    reward = next(b for b in draft["benefits"] if "10万元" in b["clause_text"])
    assert sorted(reward["departments"]) == sorted(expected)
    if "由" not in clause:  # a list is not part of the clause the record quotes
        assert "责任单位" not in reward["clause_text"] and "牵头" not in reward["clause_text"]


def test_a_task_table_whose_header_has_no_number_column(city):
    text = "某市措施\n一、总则\n工作任务 | 牵头单位 | 配合单位\n1 | 对企业给予奖励10万元 | 市商务局 | 市财政局\n"
    draft = draft_document(text, "x.txt", city("平顶山"), DATA_DIR)
    (row,) = [b for b in draft["benefits"] if "10万元" in b["clause_text"]]
    assert row["clause_text"] == "对企业给予奖励10万元" and row["departments"] == ["市商务局", "市财政局"]
