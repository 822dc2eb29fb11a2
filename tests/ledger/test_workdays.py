"""The working-day calendar counts China's holidays and 调休 make-up days (D28), by hand-checked dates."""

from __future__ import annotations

from datetime import date

import pytest

from ledger import workdays
from ledger.errors import InvalidInput, NotAllowed
from ledger.workdays import WorkCalendar, YearArrangement, calendar_from, check_arrangement, shipped


def test_the_shipped_calendar_covers_2004_to_2026_and_matches_its_pinned_hash() -> None:
    cal = shipped()
    assert (cal.first_year, cal.last_year) == (2004, 2026)
    assert all(cal.known(y) for y in range(2004, 2027))


def test_national_day_2025_and_its_make_up_sunday_are_counted_as_arranged() -> None:
    cal = shipped()
    assert not cal.is_working_day(date(2025, 10, 1))
    assert not cal.is_working_day(date(2025, 10, 8))
    assert cal.is_working_day(date(2025, 9, 28))  # Sunday, 调休 上班
    assert cal.is_working_day(date(2025, 10, 11))  # Saturday, 调休 上班
    # announced Friday 26 Sep: 26, Sun 28, 29, 30, then the holiday, then 9 Oct
    assert cal.span(date(2025, 9, 26), 5) == (date(2025, 9, 26), date(2025, 10, 9))


def test_spring_festival_2025_counts_its_make_up_weekend_days() -> None:
    cal = shipped()
    # Friday 24 Jan, Sunday 26 (调休), Monday 27, then 28 Jan – 4 Feb off, Wednesday 5, Thursday 6
    assert cal.span(date(2025, 1, 24), 5) == (date(2025, 1, 24), date(2025, 2, 6))
    # announced on Saturday 25 Jan: the 公示 starts on the next working day, the make-up Sunday
    assert cal.span(date(2025, 1, 25), 5) == (date(2025, 1, 26), date(2025, 2, 7))


def test_a_deadline_after_a_day_skips_the_day_itself_and_counts_the_make_up_saturday() -> None:
    cal = shipped()
    # recorded Tuesday 30 Sep 2025: 9, 10, Sat 11 (调休), 13, 14 Oct
    assert cal.after(date(2025, 9, 30), 5) == date(2025, 10, 14)


def test_a_year_not_in_the_data_counts_weekdays_only_and_is_provisional() -> None:
    cal = shipped()
    first, last = cal.span(date(2027, 10, 1), 5)  # Friday 1 Oct 2027: no arrangement known, weekdays only
    assert (first, last) == (date(2027, 10, 1), date(2027, 10, 7))
    assert cal.provisional(first, last)
    assert not cal.provisional(date(2025, 12, 29), date(2026, 1, 5))
    assert cal.provisional(date(2026, 12, 28), date(2027, 1, 4))


def test_an_added_year_replaces_the_weekday_guess_and_is_no_longer_provisional() -> None:
    added = calendar_from([{"year": 2027, "holidays": ["2027-10-01", "2027-10-04", "2027-10-05"],
                            "workdays": ["2027-10-09"], "source": "国办发明电〔2026〕1号"}])
    assert added.span(date(2027, 10, 1), 5) == (date(2027, 10, 6), date(2027, 10, 11))
    assert not added.provisional(date(2027, 10, 6), date(2027, 10, 11))


def test_dates_before_the_calendar_or_beyond_its_look_ahead_are_refused() -> None:
    cal = shipped()
    with pytest.raises(InvalidInput, match="2004"):
        cal.check(date(2003, 12, 31))
    assert cal.check(date(2027, 6, 1)) == date(2027, 6, 1)
    with pytest.raises(NotAllowed, match="calendar add 2027"):
        cal.check(date(2028, 1, 3))


@pytest.mark.parametrize("holidays, workdays, refusal", [
    ({date(2027, 1, 1)}, {date(2027, 1, 1)}, "既是假日"),
    ({date(2027, 1, 1)}, {date(2027, 1, 4)}, "周六或周日"),
    ({date(2026, 12, 31)}, set(), "不在 2027 年内"),
    (set(), set(), "没有假日"),
])
def test_an_inconsistent_arrangement_is_refused(holidays: set[date], workdays: set[date], refusal: str) -> None:
    with pytest.raises(InvalidInput, match=refusal):
        check_arrangement(YearArrangement(2027, frozenset(holidays), frozenset(workdays), "x"))


def test_a_changed_shipped_file_is_refused(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    changed = tmp_path / "cn@1.json"
    changed.write_bytes(workdays.SHIPPED.read_bytes().replace(b"2025-10-08", b"2025-10-09"))
    monkeypatch.setattr(workdays, "SHIPPED", changed)
    workdays.shipped.cache_clear()
    try:
        with pytest.raises(Exception, match="已被改动"):
            shipped()
    finally:
        monkeypatch.undo()
        workdays.shipped.cache_clear()


def test_weekdays_only_when_a_calendar_has_no_arrangement_for_the_year() -> None:
    cal = WorkCalendar({2025: shipped().years[2025]})
    assert cal.is_working_day(date(2030, 10, 1))  # a Tuesday
    assert not cal.is_working_day(date(2030, 10, 5))  # a Saturday
