"""The log's light reading of stored rows gives every event exactly as the full ledger's event objects hold it."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from ledger import events as ev
from ledger.app import open_ledger
from ledger.storage.reader import open_reader
from ledger.storage.reader_events import DEFAULTS, read_facts
from ledger.topics import NAMES

RELEASE1 = Path(__file__).resolve().parents[2] / "data" / "release1"

pytestmark = pytest.mark.sqlite_only("compares the SQLite light reader with the full ledger on SQLite files")


@pytest.fixture(scope="module", params=["demo", "release1"])
def ledger_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Today's demo ledger, or a copy of the one the first release wrote."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "release1":
        shutil.copytree(RELEASE1, folder, dirs_exist_ok=True)
    else:
        r = CliRunner().invoke(cli, ["demo", "--db", f"sqlite:///{folder / 'demo.db'}"], catch_exceptions=False)
        assert r.exit_code == 0, r.output
    yield f"sqlite:///{folder / 'demo.db'}"


def test_each_stored_row_reads_as_the_event_object_the_full_ledger_makes_of_it(ledger_url: str) -> None:
    ledger = open_ledger(ledger_url, "审计")
    reader = open_reader(ledger_url)
    assert reader is not None
    try:
        events = list(ledger.read())
        facts = list(read_facts(reader))
    finally:
        ledger.close()
        reader.close()
    assert len(facts) == len(events) > 400
    for recorded, fact in zip(events, facts, strict=True):
        event = recorded.event
        assert (fact.position, fact.event_class, fact.originator_id, fact.version) == (
            recorded.position, type(event).__name__, event.originator_id, event.originator_version)
        assert (fact.timestamp, fact.actor) == (event.timestamp, event.actor)
        # every attribute the log may read, the class's defaults included, with the same value and type
        names = set(vars(event)) | {f.name for f in dataclasses.fields(event)}  # type: ignore[arg-type]
        assert set(fact.fields) == names, fact.position
        for name in names:
            value = getattr(event, name)
            assert type(fact.fields[name]) is type(value) and fact.fields[name] == value, (fact.position, name)


def test_the_defaults_table_is_the_event_classes_own_defaults() -> None:
    declared = {}
    for name in NAMES:
        cls = getattr(ev, name)
        found = {f.name: f.default for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING}
        assert not [f for f in dataclasses.fields(cls) if f.default_factory is not dataclasses.MISSING], name
        if found:
            declared[name] = found
    assert declared == DEFAULTS


def test_a_row_with_an_unknown_topic_is_refused_naming_its_position(tmp_path: Path) -> None:
    import sqlite3

    shutil.copytree(RELEASE1, tmp_path, dirs_exist_ok=True)
    with sqlite3.connect(tmp_path / "demo.db") as conn:
        conn.execute("UPDATE stored_events SET topic = 'ledger.events:Nothing' WHERE rowid = 3")
    reader = open_reader(f"sqlite:///{tmp_path / 'demo.db'}")
    assert reader is not None
    from ledger.errors import LedgerUnreadable

    with pytest.raises(LedgerUnreadable) as refused:
        list(read_facts(reader))
    reader.close()
    assert refused.value.position == 3


def test_every_tag_the_transcoder_writes_revives_as_the_value_it_was() -> None:
    from datetime import UTC, date, datetime
    from decimal import Decimal
    from uuid import uuid4

    import orjson

    from ledger.storage.reader_events import REVIVE, revived
    from ledger.storage.transcoder import OrjsonTranscoder

    values = {"d": date(2008, 7, 14), "t": datetime(2008, 7, 14, 9, 30, tzinfo=UTC), "u": uuid4(),
              "m": Decimal("2.5"), "nested": [{"d": date(2008, 9, 30)}]}
    stored = orjson.loads(OrjsonTranscoder().encode(values))
    assert {v["_type_"] for k, v in stored.items() if k != "nested"} <= set(REVIVE)
    assert revived(stored) == values
    assert [type(v) for v in revived(stored).values()] == [type(v) for v in values.values()]
