"""A week's sheet goes in all or nothing, once per row, however often it is imported."""

from __future__ import annotations

import orjson
import pytest

from ledger import events as ev
from ledger.app import Ledger
from ledger.errors import InvalidInput
from ledger.sheets.findings import parse_findings_csv

HEADER = "date,window,staff,item,source,dq,note\n"
ROWS = [
    "2008-06-02,TAX,P1,S1.1,weekly,,未佩牌\n",
    "2008-06-02,TAX,,W2.2,duty,,迟到\n",
    "2008-06-03,LAND,P2,S4.2,patrol,gaming,QQ聊天\n",
]


def sheet(*rows: str) -> list:
    return parse_findings_csv((HEADER + "".join(rows)).encode(), "week.csv")


@pytest.fixture
def center(ledger: Ledger) -> Ledger:
    ledger.add_window("TAX", "地税窗口")
    ledger.add_window("LAND", "国土窗口")
    ledger.add_staff("P1", "张三", "TAX", "2008-05-01")
    ledger.add_staff("P2", "李四", "LAND", "2008-05-01")
    return ledger


def findings(ledger: Ledger) -> list[ev.FindingRecorded]:
    return [r.event for r in ledger.read() if isinstance(r.event, ev.FindingRecorded)]


def test_a_sheet_records_one_finding_per_row_with_its_row_key(center: Ledger) -> None:
    result = center.import_findings(sheet(*ROWS))
    assert len(result.added) == 3 and result.skipped == 0
    got = findings(center)
    assert [(f.item, f.window, f.staff, f.source, f.dq, f.note) for f in got] == [
        ("S1.1", "TAX", "P1", "weekly", None, "未佩牌"),
        ("W2.2", "TAX", None, "duty", None, "迟到"),
        ("S4.2", "LAND", "P2", "patrol", "gaming", "QQ聊天"),
    ]
    assert all(f.row_key and f.actor == "测试员" for f in got)


def test_one_bad_row_means_no_row_is_recorded_and_the_refusal_names_it(center: Ledger) -> None:
    before = list(center.notifications())
    with pytest.raises(InvalidInput, match="第4行"):
        center.import_findings(sheet(ROWS[0], ROWS[1], "2008-06-04,TAX,,W9.1,weekly,,\n"))
    assert list(center.notifications()) == before


def test_importing_the_same_sheet_again_records_nothing_twice(center: Ledger) -> None:
    center.import_findings(sheet(*ROWS))
    before = list(center.notifications())
    again = center.import_findings(sheet(*ROWS))
    assert again.added == [] and again.skipped == 3
    assert list(center.notifications()) == before


def test_an_extended_sheet_adds_only_its_new_rows(center: Ledger) -> None:
    first = center.import_findings(sheet(*ROWS[:2]))
    second = center.import_findings(sheet(*ROWS))
    assert second.skipped == 2 and len(second.added) == 1
    assert len(findings(center)) == 3
    assert not set(first.added) & set(second.added)


def test_two_identical_rows_in_one_sheet_are_two_findings(center: Ledger) -> None:
    result = center.import_findings(sheet(ROWS[0], ROWS[0]))
    assert len(result.added) == 2
    assert len(findings(center)) == 2
    # and re-importing still adds nothing; a third copy adds exactly one
    assert center.import_findings(sheet(ROWS[0], ROWS[0])).added == []
    assert len(center.import_findings(sheet(ROWS[0], ROWS[0], ROWS[0])).added) == 1


def test_row_keys_ignore_surrounding_spaces_and_a_byte_order_mark(center: Ledger) -> None:
    center.import_findings(sheet(ROWS[0]))
    spaced = ("\ufeff" + HEADER + " 2008-06-02 , TAX ,P1,S1.1,weekly,, 未佩牌 \r\n").encode()
    assert center.import_findings(parse_findings_csv(spaced)).added == []


def test_a_staff_row_must_name_the_window_the_person_was_at_on_that_date(center: Ledger) -> None:
    center.move_staff("P1", "LAND", "2008-07-01")
    with pytest.raises(InvalidInput, match="第2行.*LAND"):
        center.import_findings(sheet("2008-07-02,TAX,P1,S1.1,weekly,,\n"))
    assert len(center.import_findings(sheet("2008-07-02,LAND,P1,S1.1,weekly,,\n")).added) == 1


def test_a_retracted_imported_row_is_not_reimported(center: Ledger) -> None:
    fid = center.import_findings(sheet(ROWS[0])).added[0]
    center.retract(str(fid), "录错")
    assert center.import_findings(sheet(ROWS[0])).added == []


def test_the_refusal_counts_the_other_bad_rows(center: Ledger) -> None:
    with pytest.raises(InvalidInput, match="第2行.*另有 1 行"):
        center.import_findings(sheet("2008-02-30,TAX,,W2.1,weekly,,\n", ROWS[0], "2008-06-01,XX,,W2.1,weekly,,\n"))


def test_a_progress_callback_sees_every_row(center: Ledger) -> None:
    seen: list[int] = []
    center.import_findings(sheet(*ROWS), progress=seen.append)
    assert sum(seen) == 3


def test_imported_findings_are_stored_exactly_as_the_generic_event_path_would_store_them(center: Ledger) -> None:
    result = center.import_findings(sheet(*ROWS))
    stored = {n.originator_id: n for n in center.notifications() if n.topic.endswith(":FindingRecorded")}
    assert set(stored) == set(result.added)
    for fid in result.added:
        event = center.stream(fid)[0]
        assert isinstance(event, ev.FindingRecorded) and event.originator_id == fid
        again = center.mapper.to_stored_event(event)
        assert (again.originator_version, again.topic, again.state) == (
            1, stored[fid].topic, stored[fid].state
        )


def test_an_import_and_a_single_record_store_the_same_shape(center: Ledger) -> None:
    import orjson

    center.import_findings(sheet(ROWS[1]))
    center.record_finding("W2.2", window="TAX", day="2008-06-02", source="duty", note="迟到")
    states = [orjson.loads(n.state) for n in center.notifications() if n.topic.endswith(":FindingRecorded")]
    assert list(states[0]) == list(states[1])
    assert states[0]["date"] == states[1]["date"] == {"_type_": "date_iso", "_data_": "2008-06-02"}


@pytest.fixture
def one_row_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row its own part: the first is made before the insert, the rest inside it (PostgreSQL's COPY)."""
    from ledger.sheets import storing

    monkeypatch.setattr(storing, "PART", 1)


@pytest.mark.usefixtures("one_row_parts")
def test_a_bad_row_after_rows_already_sent_to_the_database_rolls_them_back_and_frees_the_ledger(
        center: Ledger) -> None:
    before = list(center.notifications())
    with pytest.raises(InvalidInput, match="第4行"):
        center.import_findings(sheet(ROWS[0], ROWS[1], "2008-06-04,TAX,,W9.1,weekly,,\n"))
    assert list(center.notifications()) == before
    assert len(center.import_findings(sheet(*ROWS)).added) == 3  # no lock left behind, the same rows go in


@pytest.mark.usefixtures("one_row_parts")
def test_a_row_repeating_a_hand_recorded_finding_after_rows_already_sent_is_named_and_the_rest_keep_their_order(
        center: Ledger) -> None:
    by_hand = center.record_finding("W2.2", window="TAX", day="2008-06-02", source="duty", note="迟到")
    result = center.import_findings(sheet(ROWS[0], ROWS[0], ROWS[1], ROWS[2]))
    assert result.matched == [(4, str(by_hand))] and result.skipped == 0
    assert [f.originator_id for f in findings(center)][1:] == result.added and len(result.added) == 3
    assert [(f.item, f.window) for f in findings(center)][1:] == [("S1.1", "TAX"), ("S1.1", "TAX"), ("S4.2", "LAND")]


@pytest.mark.usefixtures("one_row_parts")
def test_a_sheet_imported_before_and_extended_adds_its_new_rows_a_part_at_a_time(center: Ledger) -> None:
    first = center.import_findings(sheet(ROWS[0], ROWS[2]))
    second = center.import_findings(sheet(*ROWS, ROWS[0]))
    assert second.skipped == 2 and len(second.added) == 2 and not set(first.added) & set(second.added)
    assert [(f.window, f.staff) for f in findings(center)][2:] == [("TAX", None), ("TAX", "P1")]


def test_pages_containing_some_bytes_hold_only_the_rows_whose_state_holds_one_of_them(center: Ledger) -> None:
    center.import_findings(sheet(*ROWS))
    topic = {ev.FindingRecorded.TOPIC}
    on_2nd = [r for page in center.pages(topics=topic, containing=[b"2008-06-02"]) for r in page]
    assert [orjson.loads(r[4])["note"] for r in on_2nd] == ["未佩牌", "迟到"]
    either = [b"2008-06-03", "迟到".encode()]
    both = [r for page in center.pages(topics=topic, containing=either, batch=1) for r in page]
    assert [orjson.loads(r[4])["note"] for r in both] == ["迟到", "QQ聊天"]
    assert list(center.pages(topics=topic, containing=[])) == []


def test_a_retracted_finding_of_the_same_day_is_not_repeated_by_a_row_and_one_of_another_day_is_no_match(
        center: Ledger) -> None:
    gone = center.record_finding("W2.2", window="TAX", day="2008-06-02", source="duty", note="迟到")
    center.retract(str(gone), "录错")
    center.record_finding("W2.2", window="TAX", day="2008-06-09", source="duty", note="迟到")
    kept = center.record_finding("S4.2", window=None, staff="P2", day="2008-06-03", source="patrol", dq="gaming",
                                 note="QQ聊天")
    result = center.import_findings(sheet(*ROWS))
    assert result.matched == [(4, str(kept))] and len(result.added) == 2


def test_several_streams_read_in_one_go_are_each_stream_as_read_alone_in_the_order_asked(center: Ledger) -> None:
    from ledger import ids

    center.move_staff("P1", "LAND", "2008-06-01")
    asked = [ids.staff_id("P1"), ids.window_id("NONE"), ids.window_id("TAX"), ids.staff_id("P2"), ids.staff_id("P1")]
    together = center.streams(asked)
    assert [[vars(e) for e in s] for s in together] == [[vars(e) for e in center.stream(i)] for i in asked]
    assert [len(s) for s in together] == [2, 0, 1, 1, 2]
    registry = center.registry_of(windows=["TAX", "LAND"], people=["P1", "P2"])
    assert registry.window_on("P1", "2008-06-02") == "LAND" and registry.window_on("P1", "2008-05-02") == "TAX"


@pytest.mark.usefixtures("one_row_parts")
def test_a_connection_lost_while_a_later_part_is_looked_up_stores_no_row_of_the_sheet(
        center: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    from eventsourcing.persistence import OperationalError

    recorder = type(center.recorder)
    asked = recorder.existing_originator_hexes
    calls = 0

    def dropped_once(self: object, hexes: list[str]) -> set[str]:
        nonlocal calls
        calls += 1
        if calls == 2:  # the second part's lookup (on PostgreSQL: inside the COPY, on the pool's other connection)
            raise OperationalError("server closed the connection unexpectedly")
        return asked(self, hexes)  # type: ignore[arg-type]

    monkeypatch.setattr(recorder, "existing_originator_hexes", dropped_once)
    before = list(center.notifications())
    try:
        center.import_findings(sheet(*ROWS))
    except OperationalError:
        pass
    kept = list(center.notifications())
    assert kept == before or len(kept) == len(before) + 3  # all or none: never the first part alone
