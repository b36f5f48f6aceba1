"""Small curated-data files for loader tests: one good benefit and a document around it."""

from __future__ import annotations

from pathlib import Path

import yaml

GOOD_BENEFIT = {
    "id": "pds-test-reward",
    "name": "测试奖励",
    "category": "reward",
    "topics": ["专精特新"],
    "summary": "奖励50万元",
    "eligibility": "企业",
    "clause_ref": "附件3 二(二)",
    "clause_text": "对首次认定的国家级专精特新“小巨人”企业给予一次性财政资金奖励50万元",
    "figures": [{"kind": "amount", "value": 50, "unit": "万元", "label": "奖励", "text": "50万元"}],
    "departments": ["市财政局"],
}


def write_doc(data_dir: Path, benefit: dict, **document) -> Path:
    """documents/test.yml in `data_dir`: a 平顶山 document holding `benefit` (source: pingdingshan.txt)."""
    doc = {
        "document": {
            "key": "pds-test",
            "city": "平顶山",
            "title": "测试文件",
            "issuer": "测试",
            "published": "2022-06-07",
            "source_file": "pingdingshan.txt",
            **document,
        },
        "departments": [{"name": "市财政局", "aliases": ["财政局"]}],
        "topics": [{"name": "专精特新", "synonyms": []}],
        "benefits": [benefit],
    }
    path = data_dir / "documents" / "test.yml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path
