"""Word's automatic numbering computed as Word shows it: a list defined through a list style
(numStyleLink → styleLink), and a list that starts again (startOverride)."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from officer.drafting.sources import read_source


def _val(tag: str, value: str) -> OxmlElement:
    element = OxmlElement(tag)
    element.set(qn("w:val"), value)
    return element


def _abstract(ident: str, *children: OxmlElement) -> OxmlElement:
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), ident)
    for child in children:
        abstract.append(child)
    return abstract


def _level(fmt: str, text: str) -> OxmlElement:
    level = OxmlElement("w:lvl")
    level.set(qn("w:ilvl"), "0")
    for tag, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:suff", "nothing"), ("w:lvlText", text)):
        level.append(_val(tag, value))
    return level


def _num(ident: str, abstract: str, start: str | None = None) -> OxmlElement:
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), ident)
    num.append(_val("w:abstractNumId", abstract))
    if start is not None:
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        override.append(_val("w:startOverride", start))
        num.append(override)
    return num


def _numbered(document: docx.document.Document, text: str, num_id: str) -> None:
    numpr = OxmlElement("w:numPr")
    numpr.append(_val("w:ilvl", "0"))
    numpr.append(_val("w:numId", num_id))
    document.add_paragraph(text)._p.get_or_add_pPr().append(numpr)


def test_a_list_defined_through_a_list_style(tmp_path: Path):
    document = docx.Document()
    root = document.part.numbering_part.element
    root.insert(0, _abstract("71", _val("w:numStyleLink", "政策列表")))
    root.insert(0, _abstract("70", _val("w:styleLink", "政策列表"), _level("chineseCounting", "%1、")))
    root.append(_num("72", "71"))
    _numbered(document, "支持企业做大", "72")
    _numbered(document, "支持企业创新", "72")
    document.save(str(tmp_path / "style.docx"))
    assert read_source(tmp_path / "style.docx").text.splitlines() == ["一、支持企业做大", "二、支持企业创新"]


def test_a_list_that_starts_again(tmp_path: Path):
    document = docx.Document()
    root = document.part.numbering_part.element
    root.insert(0, _abstract("80", _level("decimal", "%1.")))
    root.append(_num("81", "80"))
    root.append(_num("82", "80", start="1"))
    _numbered(document, "对企业奖励10万元。", "81")
    _numbered(document, "对企业奖励20万元。", "81")
    _numbered(document, "对个人奖励1万元。", "82")
    document.save(str(tmp_path / "restart.docx"))
    assert read_source(tmp_path / "restart.docx").text.splitlines() == [
        "1.对企业奖励10万元。",
        "2.对企业奖励20万元。",
        "1.对个人奖励1万元。",
    ]
