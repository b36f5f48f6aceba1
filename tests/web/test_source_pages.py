"""Source pages: every record's citation lands on a clause of its own source that holds its text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from bot.web.source_pages import SourceDocument, render
from policy_db.clauses import Section, best_section, section_of_ref, walk, written_out
from policy_db.loader import load_policy_data

PUNCTUATION = re.compile(r"[\s，,。；;：:（）()“”\"、《》]")


def _plain(text: str) -> str:
    return PUNCTUATION.sub("", text)


@pytest.fixture(scope="module")
def policy_data():
    return load_policy_data()


def test_every_clause_ref_points_into_the_section_that_holds_its_text(policy_data):
    unresolved = []
    for document in policy_data.documents:
        lines = list(walk(document.full_text))
        sections = [line.section for line in lines if line.opens_section]
        for benefit in document.benefits:
            section = best_section(benefit.clause_ref, sections)
            if section is None:
                assert section_of_ref(benefit.clause_ref) is None, benefit.key  # 「结语」-style refs only
                continue
            body = "".join(line.text for line in lines if line.section.contains(section))
            if _plain(benefit.clause_text)[:12] not in _plain(body):
                unresolved.append((benefit.key, benefit.clause_ref, section.anchor))
    assert unresolved == []


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("附件2 四(三)", Section("附件2", "4", "3", "")),
        ("三(六)20, 附件47", Section("", "3", "6", "20")),
        ("四(十二)", Section("", "4", "12", "")),
        ("13", Section("", "", "", "13")),
        ("一、1", Section("", "1", "", "1")),
        ("正文末段", None),
        ("", None),
    ],
)
def test_clause_refs_are_read_as_sections(ref, expected):
    assert section_of_ref(ref) == expected


def test_a_ref_without_its_part_finds_the_numbered_item():
    text = "一、总则\n1.第一项。\n二、措施\n13.对上市企业奖励300万元。\n14.其他。"
    sections = [line.section for line in walk(text) if line.opens_section]
    found = best_section("13", sections)
    assert found == Section("", "2", "", "13")
    assert found.anchor == "c-0-2-0-13"


def test_a_ref_deeper_than_the_document_falls_back_to_its_section():
    text = "三、保障\n(六)要素保障。强化用地保障,对新增用地给予支持。"
    sections = [line.section for line in walk(text) if line.opens_section]
    assert best_section("三(六)25", sections) == Section("", "3", "6", "")


@pytest.mark.parametrize(
    ("ref", "cited"),
    [
        ("18", "第十八条"),
        ("一", "第一条"),
        ("附件2 四(三)", "附件2 四（三）"),
        ("三(六)20, 附件47", "三（六）20，附件47"),
    ],
)
def test_refs_are_written_out_for_citations(ref, cited):
    assert written_out(ref) == cited


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.ids += [value for name, value in attrs if name == "id"]

    def handle_data(self, data):
        self.text.append(data)


def test_the_page_anchors_each_clause_once_and_escapes_the_text():
    text = "附件1\n一、支持<小微>企业\n(一)减免房租3个月。\n附件2\n一、稳岗\n(一)缓缴社保。"
    page = render(SourceDocument("x-1", "示例市", "关于<支持>企业的通知", "示政〔2026〕1号", None, text))
    parser = _Anchors()
    parser.feed(page)
    assert parser.ids == ["c-a1", "c-a1-1", "c-a1-1-1", "c-a2", "c-a2-1", "c-a2-1-1"]
    assert "<小微>" in "".join(parser.text) and "<小微>" not in page.replace("&lt;小微&gt;", "")
    assert "示政〔2026〕1号" in page and "发布日期未载明" in page


def test_a_real_source_page_has_the_anchor_its_citations_use(policy_data):
    document = next(d for d in policy_data.documents if any(b.clause_ref.startswith("附件2") for b in d.benefits))
    benefit = next(b for b in document.benefits if b.clause_ref.startswith("附件2"))
    page = render(
        SourceDocument(
            document.key, document.city, document.title, document.doc_number, document.published, document.full_text
        )
    )
    sections = [line.section for line in walk(document.full_text) if line.opens_section]
    assert f'id="{best_section(benefit.clause_ref, sections).anchor}"' in page
    assert document.title in page and (document.doc_number or "文号未载明") in page
    # self-contained: no external resource
    assert "http://" not in page and "https://" not in page


def test_a_garbled_numeral_numbers_nothing():
    text = "三、保障\n(三三)这一行的编号是乱码。\n(四)正常的一节。"
    lines = list(walk(text))
    assert [line.opens_section for line in lines] == [True, False, True]
    assert lines[1].section == Section("", "3", "", "") and lines[2].section == Section("", "3", "4", "")
    assert section_of_ref("三(三三)") is None
