"""The actors' decisions (D32), pure: the roster, the roles table and the stamp in; an event or a refusal out."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ledger import roles, topics
from ledger.commands import actors
from ledger.commands.stamp import Stamp
from ledger.errors import NotAllowed
from ledger.roster import Roster

STAMP = Stamp("张三", datetime(2008, 7, 1, tzinfo=UTC), date(2008, 7, 1))
FINDING = topics.topic("FindingRecorded")


def _roster(*people: tuple[str, str]) -> Roster:
    roster = Roster()
    for name, role in people:
        roster.apply(topics.topic("ActorAdded"), {"name": name, "role": role, "public_key": f"key-{name}"})
    return roster


def test_the_first_actor_must_be_an_admin() -> None:
    with pytest.raises(NotAllowed, match="第一个操作人必须是管理员"):
        actors.add_actor(Roster(), 0, "王芳", "clerk", "k", STAMP)
    assert actors.add_actor(Roster(), 0, "张三", "admin", "k", STAMP).originator_version == 1


def test_an_actor_is_added_once_and_the_last_admin_is_never_retired() -> None:
    roster = _roster(("张三", "admin"), ("王芳", "clerk"))
    with pytest.raises(NotAllowed, match="已登记"):
        actors.add_actor(roster, 2, "王芳", "clerk", "k", STAMP)
    with pytest.raises(NotAllowed, match="最后一名"):
        actors.retire_actor(roster, 2, "张三", "调离", STAMP)
    assert actors.retire_actor(roster, 2, "王芳", "调离", STAMP).originator_version == 3


@pytest.mark.parametrize("role", roles.ROLES)
@pytest.mark.parametrize("topic", sorted(roles.ALLOWED))
def test_each_role_may_store_exactly_what_the_roles_table_gives_it(role: str, topic: str) -> None:
    roster = _roster(("甲", role))
    why = actors.refusal(roster, "甲", "key-甲", [actors.Act(topic)])
    assert (why is None) == (topic.partition(":")[2] in roles.ACTS[role])


def test_the_auditor_may_store_nothing_and_every_act_has_a_chinese_name() -> None:
    assert roles.ACTS["auditor"] == ()
    assert {t.partition(":")[2] for t in roles.ALLOWED} <= set(roles.ACT_NAMES)


def test_a_wrong_key_a_retired_actor_and_the_recorder_verifying_are_refused() -> None:
    roster = _roster(("张三", "admin"), ("王芳", "clerk"))
    assert "不符" in (actors.refusal(roster, "王芳", "key-张三", [actors.Act(FINDING)]) or "")
    assert "职责分离" in (actors.refusal(roster, "王芳", "key-王芳",
                                     [actors.Act(topics.topic("BonusVerified"), "王芳")]) or "")
    roster.apply(topics.topic("ActorRetired"), {"name": "王芳", "reason": "调离"})
    assert "已停用" in (actors.refusal(roster, "王芳", "key-王芳", [actors.Act(FINDING)]) or "")


def test_who_recorded_an_appealed_fact_is_read_through_the_appeal() -> None:
    facts = {"f1": {"actor": "王芳"}}
    assert actors.recorded_by(topics.topic("AppealUpheld"), {"against": "f1"}, facts.get) == "王芳"
    assert actors.recorded_by(topics.topic("ComplaintVerified"), {"actor": "李明"}, facts.get) == "李明"
    assert actors.recorded_by(FINDING, {"actor": "李明"}, facts.get) is None
