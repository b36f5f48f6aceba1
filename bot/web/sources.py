"""The policy documents behind the answers, as the page shows them: the source pages and the header.

The documents are those of the catalogue's records (each benefit knows its document), in the
catalogue's city order, so the page server reads nothing the action server does not: a document
added to the data appears on ``/sources/`` and in the header's count after ``python -m policy_db
build``. The header states how old the documents are and how many measures have passed the end date
their document gives, counted on the day the page is served (never a number written by hand).
"""

from __future__ import annotations

import datetime as dt

from bot.web.source_pages import SourceDocument, date_text
from policy_db.query import Catalog
from policy_db.records import DocumentRecord


def source_documents(catalog: Catalog) -> list[SourceDocument]:
    """Every document the catalogue's records come from: by city (catalogue order), then date."""
    records: dict[str, DocumentRecord] = {}
    for benefit in catalog.benefits:
        records.setdefault(benefit.document.key, benefit.document)
    city_order = {city.name: i for i, city in enumerate(catalog.cities)}
    ordered = sorted(
        records.values(),
        key=lambda d: (city_order.get(d.city, len(city_order)), d.published or dt.date.max, d.key),
    )
    return [SourceDocument.of(record) for record in ordered]


def find_document(catalog: Catalog, key: str) -> SourceDocument | None:
    return next((document for document in source_documents(catalog) if document.key == key), None)


def year_span(years: list[int]) -> str:
    """[2020, 2022, 2021] -> 「2020—2022年」, [2022] -> 「2022年」."""
    first, last = min(years), max(years)
    return f"{first}年" if first == last else f"{first}—{last}年"


def sources_summary(catalog: Catalog, today: dt.date | None = None) -> dict:
    """What the page header says about the documents: how many, of which years, how many measures expired.

    ``summary`` and ``validity`` are the sentences shown; the numbers they are made of are given too
    (``documents``, ``firstYear``/``lastYear``, ``undated``, ``measures``, ``expired``, ``openEnded``,
    ``asOf``), so a test or another page can check them against the catalogue.
    """
    today = today or dt.date.today()
    documents = source_documents(catalog)
    years = sorted(d.published.year for d in documents if d.published)
    undated = sum(1 for d in documents if d.published is None)
    measures = [b for b in catalog.benefits if not b.is_fact]
    expired = sum(1 for b in measures if b.is_expired(today))
    open_ended = sum(1 for b in measures if b.valid_until is None)

    published = f"{year_span(years)}发布" if years else ""
    if undated:
        published += ("，" if published else "") + f"{undated}份未载明发布日期"
    summary = f"答复依据{len(documents)}份政策文件" + (f"（{published}）" if published else "")
    validity = (
        f"截至{date_text(today)}，所收{len(measures)}项措施中{expired}项已过文件载明的期限"
        + (f"，{open_ended}项未载明截止日期" if open_ended else "")
        + "；申报前请向主管部门确认仍在执行。"
    )
    return {
        "documents": len(documents),
        "firstYear": years[0] if years else None,
        "lastYear": years[-1] if years else None,
        "undated": undated,
        "measures": len(measures),
        "expired": expired,
        "openEnded": open_ended,
        "asOf": today.isoformat(),
        "summary": summary,
        "validity": validity,
        "href": "sources/",
    }
