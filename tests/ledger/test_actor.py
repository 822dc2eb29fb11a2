"""Every event names who acted: --as, else KAOPING_ACTOR, else the operating-system user."""

from __future__ import annotations

import getpass

import pytest

from ledger.app import default_actor, open_ledger


def test_the_actor_given_is_recorded_on_every_event(db_url: str) -> None:
    app = open_ledger(db_url, "李科长", create=True)
    app.init("中心")
    app.add_window("TAX", "地税窗口")
    assert {r.event.actor for r in app.read()} == {"李科长"}
    app.close()


def test_kaoping_actor_is_used_when_no_name_is_given(monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    monkeypatch.setenv("KAOPING_ACTOR", "王主任")
    app = open_ledger(db_url, None, create=True)
    app.init("中心")
    assert [r.event.actor for r in app.read()] == ["王主任"]
    app.close()


def test_the_os_user_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAOPING_ACTOR", raising=False)
    assert default_actor() == getpass.getuser()
    monkeypatch.setenv("KAOPING_ACTOR", "   ")
    assert default_actor() == getpass.getuser()
