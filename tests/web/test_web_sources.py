"""serve.py's source pages and the page header's line on them, read over HTTP from a PageServer.

``/sources/`` lists every document of the data, ``/sources/<key>`` shows one with an anchor on each
numbered clause, so a citation ``/sources/<key>#<anchor>`` lands on the clause that holds the
record's text; ``/catalogue.js`` says how many documents of which years the answers rest on and how
many measures have passed their end date. The expected values come from the YAML data
(policy_db.loader), not from the code under test.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.request
from html.parser import HTMLParser

import pytest

from devservers import PageServer
from policy_db.clauses import best_section, walk

CATALOGUE_LINE = re.compile(r"window\.POLICY_CATALOGUE = Object\.freeze\((.*)\);")
PUNCTUATION = re.compile(r"[\s，,。；;：:（）()“”\"、《》]")


def _plain(text: str) -> str:
    return PUNCTUATION.sub("", text)


def _get(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            return reply.status, dict(reply.headers), reply.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8", "replace")


class _Page(HTMLParser):
    """The text of each element with an id, and every link's href."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, str] = {}
        self.hrefs: list[str] = []
        self._open: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if tag in ("br", "meta", "link"):
            return
        self._open.append(attrs.get("id"))
        if attrs.get("id"):
            self.by_id[attrs["id"]] = ""

    def handle_endtag(self, tag):
        if tag not in ("br", "meta", "link") and self._open:
            self._open.pop()

    def handle_data(self, data):
        for element_id in self._open:
            if element_id:
                self.by_id[element_id] += data


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


@pytest.fixture(scope="module")
def page(policy_db_url):
    server = PageServer(env={"DATABASE_URL": policy_db_url}).start()
    yield server.url
    server.stop()


def _cited_records(policy_data):
    """(document, benefit, anchor) for every record whose clause_ref names a numbered clause."""
    for document in policy_data.documents:
        sections = [line.section for line in walk(document.full_text) if line.opens_section]
        for benefit in document.benefits:
            section = best_section(benefit.clause_ref, sections)
            if section is not None:
                yield document, benefit, section.anchor


def test_the_list_names_every_document_with_its_city_number_and_year(page, policy_data):
    status, headers, html = _get(page + "/sources/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    parsed = _parse(html)
    assert sorted(parsed.hrefs[1:]) == sorted(f"./{d.key}" for d in policy_data.documents)
    for document in policy_data.documents:
        assert document.title in html and document.city in html
        assert (document.doc_number or "文号未载明") in html
        assert (f"{document.published.year}年" if document.published else "发布日期未载明") in html
    # /sources without the slash is sent to the list (relative links need it)
    request = urllib.request.Request(page + "/sources", method="HEAD")
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert reply.url == page + "/sources/"


def test_a_citation_link_lands_on_the_clause_that_holds_the_records_text(page, policy_data):
    records = list(_cited_records(policy_data))
    annex = next(r for r in records if r[2].startswith("c-a"))  # 附件N …: the deepest kind of anchor
    for document, benefit, anchor in (annex, records[0], records[-1]):
        status, headers, html = _get(f"{page}/sources/{document.key}")
        assert status == 200, (document.key, status)
        assert "Content-Security-Policy" in headers
        parsed = _parse(html)
        assert anchor in parsed.by_id, (benefit.key, anchor)
        # the clause's text starts at the anchored line: the record's verbatim text is in that section
        body = _plain(html[html.index(f'id="{anchor}"') :])
        assert _plain(benefit.clause_text)[:12] in body[:4000], (benefit.key, anchor)
        assert document.title in html and (document.doc_number or "文号未载明") in html


def test_an_unknown_document_is_a_404_and_other_paths_stay_closed(page, policy_data):
    key = policy_data.documents[0].key
    for path in ("/sources/no-such-document", f"/sources/{key}/", f"/sources/{key}/x", "/sources/../serve.py"):
        status, _, _ = _get(page + path)
        assert status == 404, path
    assert _get(page + "/node_modules/axe-core/axe.min.js")[0] == 404  # test tools are not served


def test_the_header_counts_the_documents_their_years_and_the_expired_measures(page, policy_data):
    status, _, body = _get(page + "/catalogue.js")
    assert status == 200
    sources = json.loads(CATALOGUE_LINE.search(body).group(1))["sources"]
    documents = policy_data.documents
    years = [d.published.year for d in documents if d.published]
    undated = sum(1 for d in documents if d.published is None)
    as_of = dt.date.fromisoformat(sources["asOf"])
    assert abs((as_of - dt.date.today()).days) <= 1
    measures = [b for d in documents for b in d.benefits if not b.is_fact]
    expired = sum(1 for b in measures if b.is_expired(as_of))

    assert sources["documents"] == len(documents)
    assert (sources["firstYear"], sources["lastYear"]) == (min(years), max(years))
    assert sources["summary"].startswith(f"答复依据{len(documents)}份政策文件（{min(years)}—{max(years)}年发布")
    if undated:
        assert f"{undated}份未载明发布日期" in sources["summary"]
    assert sources["expired"] == expired > 0
    assert f"截至{as_of.year}年{as_of.month}月{as_of.day}日" in sources["validity"]
    assert f"所收{len(measures)}项措施中{expired}项已过" in sources["validity"]
    assert sources["href"] == "sources/"


def test_without_a_database_the_source_pages_say_so(tmp_path):
    server = PageServer(env={"DATABASE_URL": f"sqlite:///{tmp_path / 'missing.db'}"}).start()
    try:
        status, _, html = _get(server.url + "/sources/anything")
        assert status == 503 and "暂时无法读取" in html
    finally:
        server.stop()
