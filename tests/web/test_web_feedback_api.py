"""The page server's posts (bot/web/feedback.py) as a stranger could send them: only well-formed JSON from
a page session is stored, a reason is added only with the token its rating was given, the records of a rating
are read from its 查看原文 links by the server (a claimed list is ignored), and bodies are bounded."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request

import pytest

from bot.web.feedback import MAX_BODY_BYTES, RateLimit
from officer.ratings import RatingStore
from policy_db.db import make_engine

SESSION = "0123456789abcdef0123456789abcdef.c2lnbmF0dXJl"


def post(url: str, body: object, content_type: str = "application/json") -> tuple[int, dict]:
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.fixture(scope="module")
def page(page_server, policy_db_url) -> str:
    return page_server(env={"DATABASE_URL": policy_db_url})


def test_a_rating_keeps_the_cited_records_and_only_its_token_adds_a_reason(page, policy_db_url, policy_data):
    from actions.answering.citations import clause_anchor  # what the answers' links are made with

    document = next(d for d in policy_data.documents if d.city == "平顶山")
    benefit = next(b for b in document.benefits if clause_anchor(document.full_text, b.clause_ref))
    anchor = clause_anchor(document.full_text, benefit.clause_ref)
    status, body = post(
        f"{page}/api/ratings",
        {
            "session": SESSION,
            "verdict": "不满意",
            "question": "测试问题",
            "answer": "测试答复",
            "sources": [f"http://example.test/sources/{document.key}#{anchor}"],
            "records": ["made-up-record"],  # ignored: the server reads the links
        },
    )
    assert status == 201 and set(body) == {"id", "token"}
    stored = next(
        r for r in RatingStore(make_engine(policy_db_url)).since(dt.datetime(2000, 1, 1)) if r.id == body["id"]
    )
    assert stored.conversation_id == "socketio:0123456789abcdef0123456789abcdef"  # no signature stored
    assert benefit.key in stored.record_ids and "made-up-record" not in stored.record_ids
    assert stored.question == "测试问题" and stored.verdict == "不满意" and stored.reason is None

    assert post(f"{page}/api/ratings/{body['id']}/reason", {"token": "0" * 32, "reason": "x"})[0] == 404
    assert post(f"{page}/api/ratings/{body['id']}/reason", {"token": body["token"], "reason": "看不懂"})[0] == 200


@pytest.mark.parametrize(
    ("path", "body", "content_type", "status"),
    [
        ("/api/ratings", {"session": "not-a-session", "verdict": "满意", "answer": "a"}, "application/json", 400),
        ("/api/ratings", {"session": SESSION, "verdict": "很好", "answer": "a"}, "application/json", 400),
        ("/api/ratings", {"session": SESSION, "verdict": "满意"}, "application/json", 400),
        ("/api/ratings", b"[1, 2]", "application/json", 400),
        ("/api/ratings", b"{not json", "application/json", 400),
        ("/api/ratings", {"session": SESSION, "verdict": "满意", "answer": "a"}, "text/plain", 415),
        ("/api/ratings", b"x" * (MAX_BODY_BYTES + 1), "application/json", 413),
        ("/api/messages", {"session": SESSION, "question": ""}, "application/json", 400),
        ("/api/messages", {"session": SESSION, "question": "q", "city": "北京"}, "application/json", 400),
        ("/api/messages", {"session": SESSION, "question": "q", "phone": "12"}, "application/json", 400),
        ("/api/other", {"session": SESSION}, "application/json", 404),
        ("/index.html", {"session": SESSION}, "application/json", 404),
    ],
)
def test_what_the_page_would_never_send_is_refused(page, path, body, content_type, status):
    code, answer = post(page + path, body, content_type)
    assert code == status, answer
    assert answer.get("error")  # a reason in Chinese, for the page to show


def test_one_address_is_limited():
    limit = RateLimit(limit=3, window_s=3600)
    assert [limit.allow("10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert limit.allow("10.0.0.2")


def test_a_body_without_a_length_is_refused(page):
    request = urllib.request.Request(
        f"{page}/api/ratings", data=b"{}", method="POST", headers={"Content-Type": "application/json"}
    )
    request.add_unredirected_header("Content-Length", "abc")
    try:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310 (loopback)
    except urllib.error.HTTPError as error:
        assert error.code == 400
    else:
        raise AssertionError("a body of unknown length was taken")
