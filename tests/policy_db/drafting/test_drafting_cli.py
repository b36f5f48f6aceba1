"""python -m policy_db draft as an operator runs it: a draft file, clear errors (exit 2) for an unknown
city and for a file that cannot be read, and the comparison table of --compare."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from policy_db.loader import DATA_DIR
from tests.support.cli import run_policy_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "drafting"


def run_draft(*args: str | Path) -> subprocess.CompletedProcess:
    return run_policy_db("draft", *args, timeout=180)


def test_text_source_to_a_draft_file(tmp_path):
    out = tmp_path / "binzhou-draft.yml"
    result = run_draft(FIXTURES / "notice_wrapped.txt", "--city", "滨州市", "--out", out)  # a city's full name
    assert result.returncode == 0, result.stderr
    assert "条支持" in result.stderr and str(out) in result.stderr
    draft = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert draft["document"]["city"] == "滨州" and draft["document"]["source_file"] == "notice_wrapped.txt"
    assert any(f["text"] == "2000家" for b in draft["benefits"] for f in b["figures"])
    assert out.read_text(encoding="utf-8").startswith("# 草稿")


def test_draft_to_stdout():
    result = run_draft(FIXTURES / "notice_wrapped.txt", "--city", "滨州")
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(result.stdout)["document"]["doc_number"] == "滨政办字〔2023〕7号"


def test_html_source_writes_its_text_next_to_the_draft(tmp_path):
    out = tmp_path / "sanmenxia-draft.yml"
    result = run_draft(FIXTURES / "notice_page.html", "--city", "三门峡", "--out", out)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "sanmenxia-draft.txt").read_text(encoding="utf-8")
    draft = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert draft["document"]["source_file"] == "sanmenxia-draft.txt"
    assert all(b["clause_text"].replace(" ", "") in text.replace("\n", "") for b in draft["benefits"])


def test_html_source_without_a_place_for_its_text_is_refused():
    result = run_draft(FIXTURES / "notice_page.html", "--city", "三门峡")
    assert result.returncode == 2 and "--out" in result.stderr


def test_unknown_city_exits_2():
    result = run_draft(FIXTURES / "notice_wrapped.txt", "--city", "火星市")
    assert result.returncode == 2
    assert "未知的城市: 火星市" in result.stderr and "Traceback" not in result.stderr


def test_missing_file_exits_2_and_says_so(tmp_path):
    result = run_draft(tmp_path / "没有这个文件.txt", "--city", "滨州")
    assert result.returncode == 2
    assert "无法读取原文" in result.stderr and "找不到文件" in result.stderr and "Traceback" not in result.stderr


def test_binary_and_broken_files_exit_2_and_say_why(tmp_path):
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = run_draft(binary, "--city", "滨州")
    assert result.returncode == 2 and "不是文本文件" in result.stderr

    fake = tmp_path / "通知.docx"
    fake.write_text("这其实是一个文本文件", encoding="utf-8")
    result = run_draft(fake, "--city", "滨州", "--out", tmp_path / "d.yml")
    assert result.returncode == 2 and "不是有效的 Word .docx 文件" in result.stderr
    assert "Traceback" not in result.stderr

    empty = tmp_path / "empty.txt"
    empty.write_text("   \n\n", encoding="utf-8")
    result = run_draft(empty, "--city", "滨州")
    assert result.returncode == 2 and "没有可读的中文文字" in result.stderr


def test_source_and_city_are_needed():
    result = run_draft()
    assert result.returncode == 2 and "--city" in result.stderr


def test_compare_prints_a_row_per_curated_document():
    result = run_draft("--compare")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.split() and line.split()[0].endswith(".yml")]
    assert [r.split()[0] for r in rows] == sorted(p.name for p in (DATA_DIR / "documents").glob("*.yml"))
    assert all("%" in row for row in rows)


def test_a_draft_that_cannot_be_written_exits_2(tmp_path):
    result = run_draft(FIXTURES / "notice_wrapped.txt", "--city", "滨州", "--out", tmp_path / "没有的目录" / "d.yml")
    assert result.returncode == 2 and "无法写入" in result.stderr and "Traceback" not in result.stderr
