"""The operator's CLI: records as JSON with their figures and sources, amounts, and the messages users left."""

from __future__ import annotations

import codecs
import csv
import io
import json
import subprocess

import pytest

from officer.messages import Message, MessageStore
from policy_db.db import make_engine
from tests.support.cli import run_policy_db


def run_cli(*args: str, db_url: str) -> subprocess.CompletedProcess:
    return run_policy_db("--database-url", db_url, *args)


def test_query_json_for_little_giant(policy_db_url):
    result = run_cli("query", "--city", "平顶山", "--text", "小巨人", "--json", db_url=policy_db_url)
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    top = records[0]
    assert top["city"] == "平顶山"
    assert any(f["text"] == "50万元" and f["unit"] == "万元" for f in top["figures"])
    assert top["doc_number"] == "平政办〔2022〕15号" and top["clause"].startswith("附件3")
    assert "市财政局" in top["departments"]
    assert set(top) >= {"title", "doc_number", "clause", "figures", "conditions", "departments", "valid_until"}


def test_query_json_social_insurance_deferral(policy_db_url):
    records = json.loads(
        run_cli("query", "--city", "平顶山", "--text", "社保缓缴", "--json", db_url=policy_db_url).stdout
    )
    top = records[0]
    assert any(f["kind"] == "months" and f["value"] == 3 for f in top["figures"])
    assert top["departments"][0] == "市人力资源和社会保障局" and top["valid_until"] == "2022-12-31"


def test_query_json_sanming_end_date(policy_db_url):
    top = json.loads(run_cli("query", "--city", "三明", "--text", "专精特新", "--json", db_url=policy_db_url).stdout)[0]
    assert "10万元" in [f["text"] for f in top["figures"]] and top["valid_until"] == "2020-12-31"


def test_amount_command_computes_tier(policy_db_url):
    result = run_cli("amount", "--benefit", "bz-listing-financing-reward", "--figure", "15亿", db_url=policy_db_url)
    assert result.stdout.startswith("700万元"), result.stdout + result.stderr


def test_unknown_city_is_a_clear_error(policy_db_url):
    result = run_cli("query", "--city", "郑州", "--text", "小巨人", db_url=policy_db_url)
    assert result.returncode == 2 and "未知的城市" in result.stderr


def test_database_missing_is_a_clear_error(tmp_path):
    result = run_cli("query", "--text", "小巨人", db_url=f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.returncode == 3 and "政策数据库不可用" in result.stderr


# -- python -m policy_db messages: the officers' inbox ------------------------------------------------
@pytest.fixture
def inbox(tmp_path) -> tuple[str, list[Message]]:
    url = f"sqlite:///{tmp_path / 'policy.db'}"
    store = MessageStore(make_engine(url))
    left = [
        store.leave(
            "rest:owner-1", "技改补贴什么时候到账", phone="138 0013 8000", city="平顶山", last_answer=LONG_ANSWER
        ),
        store.leave("wechat:o-42", "上市奖励找谁兑现", city="滨州"),
    ]
    return url, left


LONG_ANSWER = "【平顶山】小巨人设备软件投资30%补助（最高500万元）\n" + "补助比例不超过设备、软件实际投资的30%。" * 10


def test_messages_lists_the_open_ones_with_what_an_officer_calls_back_with(inbox):
    url, (first, second) = inbox
    result = run_cli("messages", db_url=url)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"[{first.id}]" in out and "平顶山" in out and "13800138000" in out and "rest:owner-1" in out
    assert "技改补贴什么时候到账" in out and "【平顶山】小巨人设备软件投资30%补助" in out
    assert LONG_ANSWER.replace("\n", " ") not in out and "…" in out  # the last answer is shortened
    assert f"[{second.id}]" in out and "未留电话" in out and "wechat:o-42" in out
    assert "共 2 条未处理的留言" in out


def test_messages_of_one_city_by_any_of_its_names(inbox):
    url, _ = inbox
    out = run_cli("messages", "--city", "邹平市", db_url=url).stdout
    assert "上市奖励找谁兑现" in out and "技改补贴" not in out
    unknown = run_cli("messages", "--city", "郑州", db_url=url)
    assert unknown.returncode == 2 and "未知的城市" in unknown.stderr


def test_handled_messages_leave_the_open_list_but_stay_in_all(inbox):
    url, (first, second) = inbox
    marked = run_cli("messages", "--handled", str(first.id), "999", db_url=url)
    assert (
        marked.returncode == 0 and "已标记为已处理: 1 条" in marked.stdout and "1 条不存在或早已处理" in marked.stdout
    )
    open_list = run_cli("messages", db_url=url).stdout
    assert "技改补贴" not in open_list and "上市奖励找谁兑现" in open_list
    everything = run_cli("messages", "--all", db_url=url).stdout
    assert "技改补贴什么时候到账" in everything and "已处理" in everything


def test_messages_as_csv_for_excel(inbox, tmp_path):
    url, (first, _) = inbox
    path = tmp_path / "留言.csv"
    result = run_cli("messages", "--csv", str(path), db_url=url)
    assert result.returncode == 0 and "已导出 2 条留言" in result.stdout
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:5] == ["编号", "时间(UTC)", "城市", "电话", "问题"]
    assert rows[1][:5] == [
        str(first.id),
        first.created_at.isoformat(timespec="seconds"),
        "平顶山",
        "13800138000",
        "技改补贴什么时候到账",
    ]
    assert rows[1][5] == LONG_ANSWER and rows[1][6] == "rest:owner-1"


def test_messages_csv_to_stdout(inbox):
    url, _ = inbox
    result = run_policy_db("--database-url", url, "messages", "--csv", "-", text=False)
    assert result.returncode == 0 and result.stdout.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(result.stdout.decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["平顶山", "滨州"]


def test_messages_when_the_database_is_down_is_a_clear_error():
    result = run_cli("messages", db_url="postgresql+psycopg2://nobody@127.0.0.1:9/none")
    assert result.returncode == 3 and "留言数据库不可用" in result.stderr
