"""D26: a sheet imported again — as CSV, GBK CSV or Excel — is the same sheet; a finding recorded elsewhere is named,
not recorded twice; a row whose note alone was edited is refused; the first release's row keys stay valid."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter

from ledger import events as ev
from ledger.app import Ledger, open_ledger
from ledger.errors import InvalidInput
from ledger.sheets.findings import CHINESE_HEADER, HEADER, parse_findings_csv
from ledger.sheets.reading import read_findings

RELEASE1_SHEET = Path(__file__).resolve().parent.parent / "data" / "release1-sheet"
ROWS = [
    "2008-06-02,DS,0101,S1.1,weekly,,未佩牌上岗\n",
    "2008-06-02,DS,0101,S1.1,weekly,,未佩牌上岗\n",
    "2008-06-02,DS,,W2.2,weekly,,迟到\n",
    '2008-06-03,007,0102,S4.2,weekly,gaming,"上班时间玩游戏,被当场发现"\n',
]


def csv_sheet(*rows: str, name: str = "week.csv", encoding: str = "utf-8"):  # type: ignore[no-untyped-def]
    return parse_findings_csv((",".join(HEADER) + "\n" + "".join(rows)).encode(encoding), name)


def xlsx_of(csv_text: str, path: Path) -> Path:
    """The sheet as typed in Excel: Chinese header, date cells, ids with leading zeros typed as numbers."""
    import csv
    import io

    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("第23周")
    ws.write_row(0, 0, CHINESE_HEADER)
    dated = book.add_format({"num_format": "yyyy/m/d"})
    records = list(csv.reader(io.StringIO(csv_text)))[1:]
    for r, record in enumerate(records, start=1):
        for c, value in enumerate(record):
            if c == 0:
                ws.write_datetime(r, c, datetime.fromisoformat(value), dated)
            elif c in (1, 2) and value.isdigit():
                ws.write_number(r, c, int(value))  # 0101 typed into a General cell: Excel keeps 101
            elif value:
                ws.write_string(r, c, value)
    book.close()
    return path


@pytest.fixture
def center(ledger: Ledger) -> Ledger:
    ledger.add_window("DS", "地税窗口")
    ledger.add_window("007", "国土窗口")
    ledger.add_staff("0101", "张三", "DS", "2008-05-01")
    ledger.add_staff("0102", "李四", "007", "2008-05-01")
    return ledger


def findings(ledger: Ledger) -> list[ev.FindingRecorded]:
    return [r.event for r in ledger.read() if isinstance(r.event, ev.FindingRecorded)]


def test_the_same_week_as_csv_gbk_csv_and_excel_is_one_sheet_imported_once(center: Ledger, tmp_path: Path) -> None:
    text = ",".join(HEADER) + "\n" + "".join(ROWS)
    first = center.import_findings(csv_sheet(*ROWS))
    assert len(first.added) == 4
    gbk = center.import_findings(csv_sheet(*ROWS, encoding="gbk"))
    excel = center.import_findings(read_findings(str(xlsx_of(text, tmp_path / "week.xlsx"))))
    assert (gbk.encoding, excel.encoding) == ("GBK/GB18030", "Excel")
    assert gbk.added == excel.added == [] and gbk.skipped == excel.skipped == 4
    assert gbk.matched == excel.matched == []
    assert len(findings(center)) == 4


def test_numbers_excel_made_of_ids_are_recorded_as_the_registered_ids(center: Ledger, tmp_path: Path) -> None:
    text = ",".join(HEADER) + "\n" + "".join(ROWS)
    center.import_findings(read_findings(str(xlsx_of(text, tmp_path / "week.xlsx"))))
    assert {(f.window, f.staff) for f in findings(center)} == {("DS", "0101"), ("DS", None), ("007", "0102")}


def test_an_id_that_could_be_two_registered_ids_is_refused_naming_both(center: Ledger) -> None:
    center.add_staff("00101", "王五", "DS", "2008-05-01")
    with pytest.raises(InvalidInput, match="week.csv 第2行：编号 101 可能是 00101、0101 中的任何一个"):
        center.import_findings(csv_sheet("2008-06-02,DS,101,S1.1,weekly,,\n"))


def test_a_list_entry_with_its_name_is_its_code_and_a_wrong_name_is_refused(center: Ledger) -> None:
    labelled = "2008-06-02,DS 地税窗口,0101 张三,S1.1,weekly 值周检查记录表,,未佩牌上岗\n"
    assert center.import_findings(csv_sheet(ROWS[0], labelled)).added  # the same row as two identical rows
    assert [f.staff for f in findings(center)] == ["0101", "0101"]
    with pytest.raises(InvalidInput, match="第2行：人员 0101 是“张三”，不是“李四”"):
        center.import_findings(csv_sheet("2008-06-02,DS,0101 李四,S1.1,weekly,,\n"))


def test_a_row_matching_a_finding_recorded_by_hand_is_named_and_not_recorded(center: Ledger) -> None:
    by_hand = center.record_finding("W2.2", window="DS", day="2008-06-02", source="weekly", note="迟到")
    result = center.import_findings(csv_sheet(ROWS[2], ROWS[3]))
    assert result.matched == [(2, str(by_hand))]
    assert len(result.added) == 1 and result.skipped == 0
    assert len(findings(center)) == 2


def test_a_row_matching_a_finding_recorded_elsewhere_is_recorded_with_as_new(center: Ledger) -> None:
    center.record_finding("W2.2", window="DS", day="2008-06-02", source="weekly", note="迟到")
    other = csv_sheet("2008-06-01,DS,,W4.3,weekly,,\n", ROWS[2], name="值周.csv")
    named = center.import_findings(other)
    assert [line for line, _ in named.matched] == [3] and len(named.added) == 1
    again = center.import_findings(other, as_new=True)
    assert again.matched == [] and len(again.added) == 1 and again.skipped == 1
    assert len(findings(center)) == 3
    assert center.import_findings(other).skipped == 2  # and now the sheet is all in


def test_an_identical_row_of_another_sheet_is_the_same_row_by_its_values_and_place(center: Ledger) -> None:
    center.import_findings(csv_sheet(ROWS[2], name="监督员.csv"))
    result = center.import_findings(csv_sheet("2008-06-01,DS,,W4.3,weekly,,\n", ROWS[2], name="值周.csv"))
    assert result.skipped == 1 and result.matched == [] and len(result.added) == 1


def test_a_row_whose_note_alone_was_edited_is_refused_naming_the_recorded_one_unless_as_new(center: Ledger) -> None:
    first = center.import_findings(csv_sheet(*ROWS))
    before = list(center.notifications())
    edited = csv_sheet(ROWS[0], ROWS[1], "2008-06-02,DS,,W2.2,weekly,,迟到10分钟\n", ROWS[3])
    with pytest.raises(InvalidInput, match=f"week.csv 第4行：与已录入的记录 {first.added[2]} 只有说明不同"
                                           "（原为“迟到”，现为“迟到10分钟”）"):
        center.import_findings(edited)
    assert list(center.notifications()) == before
    assert len(center.import_findings(edited, as_new=True).added) == 1


def test_a_retracted_finding_does_not_stop_its_corrected_row(center: Ledger) -> None:
    first = center.import_findings(csv_sheet(ROWS[2]))
    center.retract(str(first.added[0]), "说明写错")
    assert len(center.import_findings(csv_sheet("2008-06-02,DS,,W2.2,weekly,,迟到10分钟\n")).added) == 1


def test_identical_rows_of_one_sheet_are_not_duplicates_of_each_other(center: Ledger) -> None:
    center.import_findings(csv_sheet(ROWS[0]))
    result = center.import_findings(csv_sheet(ROWS[0], ROWS[0], ROWS[0]))
    assert len(result.added) == 2 and result.matched == [] and result.skipped == 1


@pytest.fixture
def release1_ledger(tmp_path: Path) -> Ledger:
    """A copy of the ledger the first release made by importing tests/data/release1-sheet/week.csv."""
    shutil.copytree(RELEASE1_SHEET, tmp_path / "release1")
    app = open_ledger(f"sqlite:///{tmp_path / 'release1' / 'ledger.db'}", "督查科")
    yield app  # type: ignore[misc]
    app.close()


def test_a_sheet_the_first_release_imported_adds_nothing_when_imported_again(release1_ledger: Ledger,
                                                                             tmp_path: Path) -> None:
    data = (RELEASE1_SHEET / "week.csv").read_bytes()
    text = data.decode()
    before = len(list(release1_ledger.notifications()))
    as_csv = release1_ledger.import_findings(parse_findings_csv(data, "week.csv"))
    as_gbk = release1_ledger.import_findings(parse_findings_csv(text.encode("gb18030"), "week.csv"))
    as_xlsx = release1_ledger.import_findings(read_findings(str(xlsx_of(text, tmp_path / "week.xlsx"))))
    for result in (as_csv, as_gbk, as_xlsx):
        assert result.added == [] and result.matched == [] and result.skipped == 7
    assert len(list(release1_ledger.notifications())) == before
    keys = {f.row_key for f in findings(release1_ledger)}
    assert len(keys) == 7 and None not in keys
