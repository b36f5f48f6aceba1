"""The operator's query CLI prints records as JSON with their figures and sources."""

from __future__ import annotations

import json
import subprocess
import sys

from devservers import PROJECT_DIR, quiet_env


def run_cli(*args: str, db_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "policy_db", "--database-url", db_url, *args],
        cwd=PROJECT_DIR,
        env=quiet_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


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
