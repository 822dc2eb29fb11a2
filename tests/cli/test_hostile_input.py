"""The hostile-input sweep (D27): every command × every class of hostile text is refused with exit 2 in one line,
writes nothing, and prints nothing a terminal would act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.hostile import ONE_LINE, SPOILERS, assert_refused_safely, classes
from tests.conftest import Kaoping
from tests.helpers import backend_cases
from tests.snapshot import snapshot

# Each case: the arguments, with one slot {H} holding the good value `good`, and the slot's kind: `line` (a name,
# note or reason: the classes in ONE_LINE) or anything else (a code, id, date, quarter or number: every class).
CASES: dict[str, tuple[list[str], str, str]] = {
    "window add CODE": (["window", "add", "{H}", "新窗口"], "NEW1", "code"),
    "window add NAME": (["window", "add", "NEW1", "{H}"], "新窗口", "line"),
    "window add --department": (["window", "add", "NEW1", "新窗口", "--department", "{H}"], "县局", "line"),
    "staff add ID": (["staff", "add", "{H}", "王五", "--window", "TAX", "--from", "2008-06-01"], "P9", "code"),
    "staff add NAME": (["staff", "add", "P9", "{H}", "--window", "TAX", "--from", "2008-06-01"], "王五", "line"),
    "staff add --window": (["staff", "add", "P9", "王五", "--window", "{H}", "--from", "2008-06-01"], "TAX", "code"),
    "staff add --from": (["staff", "add", "P9", "王五", "--window", "TAX", "--from", "{H}"], "2008-06-01", "date"),
    "staff move ID": (["staff", "move", "{H}", "--window", "TAX", "--from", "2008-08-01"], "P2", "code"),
    "staff move --window": (["staff", "move", "P2", "--window", "{H}", "--from", "2008-08-01"], "TAX", "code"),
    "staff move --from": (["staff", "move", "P2", "--window", "TAX", "--from", "{H}"], "2008-08-01", "date"),
    "record ITEM": (["record", "{H}", "--window", "TAX", "--date", "2008-06-11", "--source", "weekly"], "W2.3", "code"),
    "record --window": (["record", "W2.3", "--window", "{H}", "--date", "2008-06-11", "--source", "weekly"], "TAX",
                        "code"),
    "record --staff": (["record", "S4.1", "--staff", "{H}", "--date", "2008-06-11", "--source", "weekly"], "P1",
                       "code"),
    "record --date": (["record", "W2.3", "--window", "TAX", "--date", "{H}", "--source", "weekly"], "2008-06-11",
                      "date"),
    "record --source": (["record", "W2.3", "--window", "TAX", "--date", "2008-06-11", "--source", "{H}"], "weekly",
                        "code"),
    "record --dq": (["record", "W2.3", "--window", "TAX", "--date", "2008-06-11", "--source", "weekly", "--dq", "{H}"],
                    "gaming", "code"),
    "record --note": (["record", "W2.3", "--window", "TAX", "--date", "2008-06-11", "--source", "weekly", "--note",
                       "{H}"], "上班玩游戏", "line"),
    "record --as": (["--as", "{H}", "record", "W2.3", "--window", "TAX", "--date", "2008-06-11", "--source", "weekly"],
                    "王科长", "line"),
    "retract ID": (["retract", "{H}", "--reason", "录错"], "{finding}", "code"),
    "retract --reason": (["retract", "{finding}", "--reason", "{H}"], "录错", "line"),
    "bonus claim KIND": (["bonus", "claim", "{H}", "--window", "TAX", "--date", "2008-06-04", "--evidence", "cert.pdf"],
                         "measure", "code"),
    "bonus claim --date": (["bonus", "claim", "measure", "--window", "TAX", "--date", "{H}", "--evidence", "cert.pdf"],
                           "2008-06-04", "date"),
    "bonus claim --level": (["bonus", "claim", "article", "--window", "TAX", "--date", "2008-06-04", "--evidence",
                             "cert.pdf", "--level", "{H}", "--ref", "稿件二"], "city", "code"),
    "bonus claim --place": (["bonus", "claim", "competition", "--staff", "P1", "--date", "2008-06-04", "--evidence",
                             "cert.pdf", "--place", "{H}"], "1", "number"),
    "bonus claim --ref": (["bonus", "claim", "article", "--window", "TAX", "--date", "2008-06-04", "--evidence",
                           "cert.pdf", "--level", "city", "--ref", "{H}"], "长兴日报2008-06-04第3版", "line"),
    "bonus verify ID": (["bonus", "verify", "{H}"], "{claim}", "code"),
    "bonus reject --reason": (["bonus", "reject", "{claim}", "--reason", "{H}"], "材料不符", "line"),
    "complaint record --window": (["complaint", "record", "--window", "{H}", "--date", "2008-06-07", "--channel",
                                   "hotline-12345", "--text", "态度冷漠"], "TAX", "code"),
    "complaint record --channel": (["complaint", "record", "--window", "TAX", "--date", "2008-06-07", "--channel",
                                    "{H}", "--text", "态度冷漠"], "hotline-12345", "code"),
    "complaint record --text": (["complaint", "record", "--window", "TAX", "--date", "2008-06-07", "--channel",
                                 "hotline-12345", "--text", "{H}"], "态度冷漠", "line"),
    "complaint verify --item": (["complaint", "verify", "{complaint}", "--item", "{H}"], "S2.1", "code"),
    "complaint verify --dq": (["complaint", "verify", "{complaint}", "--item", "S2.1", "--dq", "{H}"], "complaint",
                              "code"),
    "complaint dismiss --reason": (["complaint", "dismiss", "{complaint}", "--reason", "{H}"], "查无此事", "line"),
    "shortlist QUARTER": (["shortlist", "{H}"], "2008Q2", "quarter"),
    "shortlist --windows": (["shortlist", "2008Q2", "--windows", "{H}"], "1", "number"),
    "shortlist --staff": (["shortlist", "2008Q2", "--staff", "{H}"], "1", "number"),
    "decide QUARTER": (["decide", "{H}", "--red-flag", "TAX"], "2008Q2", "quarter"),
    "publish QUARTER": (["publish", "{H}"], "2008Q2", "quarter"),
    "publish --number": (["publish", "2008Q2", "--number", "{H}"], "长行服〔2008〕12号", "line"),
    "report QUARTER": (["report", "{H}"], "2008Q2", "quarter"),
    "report --as-of": (["report", "2008Q2", "--as-of", "{H}"], "10", "number"),
    "report --number": (["report", "2008Q2", "--number", "{H}", "--out", "notice.docx"], "长行服〔2008〕12号", "line"),
    "explain --window": (["explain", "--window", "{H}", "2008Q2"], "TAX", "code"),
    "explain --staff": (["explain", "--staff", "{H}", "2008Q2"], "P1", "code"),
    "explain QUARTER": (["explain", "--window", "TAX", "{H}"], "2008Q2", "quarter"),
    "audit --year": (["audit", "disqualifications", "--year", "{H}"], "2008", "number"),
    "audit --kind": (["audit", "disqualifications", "--kind", "{H}"], "gaming", "code"),
    "year YEAR": (["year", "{H}"], "2008", "number"),
    "log --limit": (["log", "--limit", "{H}"], "3", "number"),
    "log --from": (["log", "--from", "{H}"], "2008-06-01", "date"),
    "log --to": (["log", "--to", "{H}"], "2008-06-30", "date"),
    "log --quarter": (["log", "--quarter", "{H}"], "2008Q2", "quarter"),
    "receipt ID": (["receipt", "{H}"], "{finding}", "code"),
}

TYPED_DATE_SPACES = {"a tab", "an inner space", "an ideographic space"}
SHEET_HEADER = "date,window,staff,item,source,dq,note"
SHEET_ROW = {"date": "2008-06-11", "window": "TAX", "staff": "", "item": "W2.3", "source": "weekly", "dq": "gaming",
             "note": "上班玩游戏"}


QUESTIONS = {"report", "explain", "audit", "year", "log", "receipt"}
"""Commands that record nothing: a refused question may still have brought the derived projection up to date
inside the database file, so for them "nothing written" means no event and no file beside the ledger."""


def written(db_url: str, folder: Path, question: bool) -> object:
    """What a refused command must leave as it was."""
    now = snapshot(db_url, folder)
    if not question:
        return now
    return now.rows, {k: v for k, v in now.files.items() if not k.startswith("kaoping.db")}


def test_every_case_spoils_its_good_value_in_every_class_it_names() -> None:
    for args, good, kind in CASES.values():
        assert args.count("{H}") == 1
        if good.startswith("{"):
            continue
        assert len({SPOILERS[c](good) for c in classes(kind)} - {good}) >= 8


# The PostgreSQL half: every case runs on SQLite; on PostgreSQL a representative subset — one slot of each kind
# (a code takes every class of SPOILERS, a name every class of ONE_LINE, and a date, a quarter and a number), an id
# read back from the ledger, the global --as, and a question (which may bring the projection up to date first).
ON_POSTGRES = {"window add CODE", "window add NAME", "staff add --from", "shortlist QUARTER", "shortlist --windows",
               "retract ID", "record --as", "report QUARTER"}


@pytest.mark.shares_database("each case proves it writes nothing, so on PostgreSQL they share one database")
@pytest.mark.parametrize(("case", "db_url"), backend_cases(CASES, ON_POSTGRES), indirect=["db_url"])
def test_hostile_text_in_every_argument_is_refused_writes_nothing_and_prints_nothing_unsafe(
    case: str, world: dict[str, str], kp: Kaoping, db_url: str, tmp_path: Path
) -> None:
    args, good, kind = CASES[case]
    good = good.format(**world)
    question = args[0] in QUESTIONS
    before = written(db_url, tmp_path, question)
    tried = 0
    for cls in classes(kind):
        value = SPOILERS[cls](good)
        if value == good:
            continue  # this class cannot spoil this value (no digits to replace)
        tried += 1
        result = kp(*[value if a == "{H}" else a.format(**world) for a in args])
        assert_refused_safely(result, f"{case} with {cls}")
    assert tried >= 8
    assert written(db_url, tmp_path, question) == before


@pytest.mark.shares_database("each case proves it writes nothing, so on PostgreSQL they share one database")
@pytest.mark.parametrize("column", sorted(SHEET_ROW))
def test_hostile_text_in_every_column_of_a_sheet_is_refused_naming_the_row_and_imports_nothing(
    column: str, world: dict[str, str], kp: Kaoping, db_url: str, tmp_path: Path
) -> None:
    kind = "line" if column == "note" else "code"
    good = SHEET_ROW[column] or "P1"
    row = dict(SHEET_ROW, item="S4.2", staff="P1", window="TAX") if column == "staff" else SHEET_ROW
    before = snapshot(db_url, tmp_path)
    for cls in classes(kind):
        value = SPOILERS[cls](good)
        if value == good or cls == "bytes that are not UTF-8" or any(ch in value for ch in ',"\n\r'):
            continue  # a sheet is UTF-8 by its encoding (refused apart); CSV's own syntax is tested apart
        if column == "date" and cls in TYPED_DATE_SPACES:
            continue  # a date typed by hand may space its parts (2008 - 6 - 11): stored as ISO, nothing of it kept
        cells = dict(row, **{column: value})
        sheet = tmp_path.parent / f"{tmp_path.name}-sheet.csv"
        sheet.write_text(f"{SHEET_HEADER}\n{','.join(cells[c] for c in SHEET_HEADER.split(','))}\n", encoding="utf-8")
        result = kp("import", "findings", str(sheet))
        assert_refused_safely(result, f"{column} with {cls}")
        assert "第2行" in result.stderr, result.stderr
    assert snapshot(db_url, tmp_path) == before


@pytest.mark.shares_database("each case proves it writes nothing, so on PostgreSQL they share one database")
@pytest.mark.parametrize("value", ["上班\n迟到", "\x1b[2J", "a\u2028b", "\u202e反向"])
def test_a_quoted_sheet_cell_with_a_line_break_or_control_is_refused_too(
    value: str, world: dict[str, str], kp: Kaoping, db_url: str, tmp_path: Path
) -> None:
    sheet = tmp_path.parent / f"{tmp_path.name}-quoted.csv"
    sheet.write_text(f'{SHEET_HEADER}\n2008-06-11,TAX,,W2.3,weekly,,"{value}"\n', encoding="utf-8")
    before = snapshot(db_url, tmp_path)
    assert_refused_safely(kp("import", "findings", str(sheet)), value)
    assert snapshot(db_url, tmp_path) == before


@pytest.mark.shares_database("each case proves it writes nothing, so on PostgreSQL they share one database")
@pytest.mark.parametrize("cls", sorted(ONE_LINE))
def test_a_center_name_of_hostile_text_makes_no_ledger(cls: str, kp: Kaoping, db_url: str, tmp_path: Path) -> None:
    before = snapshot(db_url, tmp_path)
    assert_refused_safely(kp("init", "--center", SPOILERS[cls]("长兴县行政服务中心")), cls)
    assert snapshot(db_url, tmp_path) == before
    assert not list(tmp_path.glob("*.key"))


@pytest.mark.shares_database("each case proves it writes nothing, so on PostgreSQL they share one database")
@pytest.mark.parametrize("cls", ["an ESC sequence", "a newline forging a row", "a bidi override", "a C1 control"])
def test_an_evidence_file_whose_name_would_break_the_line_is_refused(
    cls: str, world: dict[str, str], kp: Kaoping, db_url: str, tmp_path: Path
) -> None:
    bad = tmp_path.parent / f"{tmp_path.name}-ev" / SPOILERS[cls]("照片.jpg").replace("\x00", "")
    bad.parent.mkdir(exist_ok=True)
    bad.write_bytes(b"\xff\xd8 photo")
    before = snapshot(db_url, tmp_path)
    result = kp("record", "W2.3", "--window", "TAX", "--date", "2008-06-11", "--source", "weekly",
                "--evidence", str(bad))
    assert_refused_safely(result, cls)
    assert snapshot(db_url, tmp_path) == before
