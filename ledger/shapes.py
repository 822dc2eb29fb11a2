"""The shape every stored event must have: each topic's fields and the JSON types they hold.

A row read back from the database is trusted on nobody's word: a field of the wrong type (a number where a code
belongs, a list where a date belongs) is refused where it is read, naming its position, instead of failing
somewhere in the scoring. Pure data and checks: no event classes, no eventsourcing (the light read path and the
fold use it); tests/ledger/test_shapes.py holds the table to the event classes' annotations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from ledger import topics

STR, OPT_STR, INT, OPT_INT, DAY, OPT_DAY, STRS, DAYS, EVIDENCE, OPT_EVIDENCE = (
    "str", "str|None", "int", "int|None", "date", "date|None", "list[str]", "list[date]", "evidence", "evidence|None")
OPT_SEALED = "sealed|None"  # a complainant's sealed contact (D34): {"key_id", "sealed"}, text only

COMMON = {"actor": STR}
FIELDS: dict[str, dict[str, str]] = {topics.topic(name): {**COMMON, **fields} for name, fields in {
    "CenterInitialised": {"center": STR, "rules": STR, "rules_revision": INT, "rules_sha256": STR},
    "WindowRegistered": {"code": STR, "name": STR, "department": STR, "since": OPT_DAY},
    "StaffRegistered": {"staff_id": STR, "name": STR, "window": STR, "since": DAY},
    "StaffMoved": {"staff_id": STR, "window": STR, "since": DAY},
    "FindingRecorded": {"item": STR, "window": STR, "staff": OPT_STR, "date": DAY, "source": STR, "dq": OPT_STR,
                        "note": STR, "evidence": OPT_EVIDENCE, "row_key": OPT_STR},
    "FindingRetracted": {"reason": STR},
    "BonusClaimed": {"kind": STR, "window": STR, "staff": OPT_STR, "date": DAY, "evidence": EVIDENCE,
                     "level": OPT_STR, "place": OPT_INT, "ref": OPT_STR},
    "BonusVerified": {},
    "BonusRejected": {"reason": STR},
    "ComplaintReceived": {"window": STR, "staff": OPT_STR, "date": DAY, "channel": STR, "text": STR,
                          "complainant": OPT_SEALED},
    "ComplaintVerified": {"item": STR, "dq": OPT_STR, "date": OPT_DAY},
    "ComplaintDismissed": {"reason": STR},
    "ShortlistFrozen": {"quarter": STR, "windows_n": INT, "staff_m": INT, "windows": STRS, "staff": STRS},
    "DecisionRecorded": {"quarter": STR, "red_flag": STRS, "five": STRS, "four": STRS, "meeting": OPT_DAY,
                         "minutes": OPT_EVIDENCE},
    "QuarterPublished": {"quarter": STR, "position": INT, "digest": STR, "checkpoint": OPT_STR, "digest_version": INT},
    "ShortlistAmended": {"quarter": STR, "windows_n": INT, "staff_m": INT, "windows": STRS, "staff": STRS,
                         "reason": STR},
    "DecisionAmended": {"quarter": STR, "red_flag": STRS, "five": STRS, "four": STRS, "reason": STR,
                        "meeting": OPT_DAY, "minutes": OPT_EVIDENCE},
    "RulesAdopted": {"rules": STR, "revision": INT, "sha256": STR, "quarter": STR},
    "CosignatureRecorded": {"witness": STR, "key_id": STR, "witness_key": STR, "size": INT, "root": STR, "line": STR},
    "ComplainantErased": {"key_id": STR, "reason": STR},
    "RatingRecorded": {"date": DAY, "window": STR, "staff": OPT_STR, "level": INT, "channel": STR, "ref": STR},
    "RectificationRecorded": {"date": DAY, "text": STR, "evidence": OPT_EVIDENCE},
    "CallbackRecorded": {"date": DAY, "result": STR, "note": STR},
    "SignedRangeLost": {"signed_size": INT, "signed_root": STR, "signed_note": STR, "kept_size": INT,
                        "restored_size": INT, "reason": STR},
    "SigningKeyRecorded": {"origin": STR, "key_id": STR, "verifier_key": STR},
    "CheckpointRecorded": {"size": INT, "root": STR, "note": STR, "leaf_digests": STR},
    "SigningKeyRotated": {"origin": STR, "key_id": STR, "verifier_key": STR, "previous_key_id": STR, "size": INT,
                          "root": STR, "note": STR, "reason": STR},
    "AppealFiled": {"against": STR, "origin": STR, "quarter": STR, "window": STR, "staff": OPT_STR, "by": STR,
                    "date": DAY, "text": STR, "evidence": OPT_EVIDENCE},
    "AppealUpheld": {"reason": STR},
    "AppealOverturned": {"reason": STR},
    "QuarterAnnounced": {"quarter": STR, "date": DAY, "days": INT},
    "CalendarYearAdded": {"year": INT, "holidays": DAYS, "workdays": DAYS, "source": STR},
    "WindowClosed": {"code": STR, "since": DAY, "reason": STR},
    "WindowReopened": {"code": STR, "name": STR, "department": STR, "since": DAY},
    "WindowRenamed": {"code": STR, "name": STR, "department": STR, "since": OPT_DAY},
    "StaffLeft": {"staff_id": STR, "since": DAY, "reason": STR},
    "StaffRenamed": {"staff_id": STR, "name": STR, "since": OPT_DAY},
    "ActorAdded": {"name": STR, "role": STR, "public_key": STR},
    "ActorRetired": {"name": STR, "reason": STR},
    "ActorKeyRotated": {"name": STR, "public_key": STR},
    "CommandSigned": {"role": STR, "events": INT, "digest": STR, "key_id": STR, "signature": STR},
}.items()}
"""Each topic's fields as stored (tests/ledger/test_shapes.py: equal to the event classes' annotations)."""

LATER_FIELDS: dict[str, frozenset[str]] = {topics.topic(name): frozenset(fields) for name, fields in {
    "DecisionRecorded": ("meeting", "minutes"),
    "QuarterPublished": ("digest_version",),
    "ComplaintReceived": ("complainant",),
    "ComplaintVerified": ("date",),
    "WindowRegistered": ("since",),
}.items()}
"""Fields a later release added to an event (with a default in its class): rows stored before lack them, and are
read as they are (tests/ledger/test_shapes.py: exactly the event classes' defaulted fields)."""


def _day(value: Any) -> bool:
    t = type(value)
    if t is str:
        return True
    if t is dict:  # a stored row's tagged day, tested before the slower isinstance
        return type(value.get("_data_")) is str
    return isinstance(value, date)


def _evidence(value: Any) -> bool:
    """An evidence record: a JSON object whose name (text), sha256 (text) and size (an integer), where it has them,
    have their types (a missing one reads as a value of its type: three tests, no generator)."""
    if type(value) is not dict:
        return False
    get = value.get
    return type(get("name", "")) is str and type(get("sha256", "")) is str and type(get("size", 0)) is int


def fits(kind: str, value: Any) -> bool:
    """Whether a stored value has the type a field of this kind holds."""
    if kind.endswith("|None"):
        return value is None or fits(kind[:-5], value)
    if kind == STR:
        return type(value) is str
    if kind == INT:
        return type(value) is int
    if kind == DAY:
        return _day(value)
    if kind == STRS:
        return type(value) is list and all(type(v) is str for v in value)
    if kind == DAYS:
        return type(value) is list and all(_day(v) for v in value)
    if kind == "sealed":
        return type(value) is dict and all(type(v) is str for v in value.values())
    return _evidence(value)


_MISSING = object()


def _test(kind: str, later: bool) -> Callable[[Any], bool]:
    """`fits(kind, value)` as one function of the value (`_MISSING` for an absent field, fitting a later one)."""
    optional = kind.endswith("|None")
    base = kind[:-5] if optional else kind
    direct: dict[str, Callable[[Any], bool]] = {
        STR: lambda v: type(v) is str, INT: lambda v: type(v) is int, DAY: _day, EVIDENCE: _evidence}
    inner = direct.get(base) or (lambda v: fits(base, v))
    if optional and later:
        return lambda v: v is _MISSING or v is None or inner(v)
    if optional:
        return lambda v: v is None or inner(v)
    return (lambda v: v is _MISSING or inner(v)) if later else inner


def _fast(fields: Mapping[str, str], later: frozenset[str]) -> Callable[[Mapping[str, Any]], bool]:
    """Whether a row passes `check` for these fields, as one loop: required text fields by a type test each, the
    rest by a test made once per field. Folding a million rows asked `fits` ~2.6 million times, each going down
    its chain of kinds (~1.5 s of a rebuild's CPU); this answers the same in about a quarter of that."""
    texts = tuple(name for name, kind in fields.items() if kind == STR and name not in later)
    others = tuple((name, _test(kind, name in later)) for name, kind in fields.items() if name not in texts)

    def passes(data: Mapping[str, Any]) -> bool:
        get = data.get
        for name in texts:
            if type(get(name)) is not str:
                return False
        for name, test in others:
            if not test(get(name, _MISSING)):
                return False
        return True

    return passes


FAST: dict[str, Callable[[Mapping[str, Any]], bool]] = {
    t: _fast(fields, LATER_FIELDS.get(t, frozenset())) for t, fields in FIELDS.items()}
"""Each topic's `check` as one function answering only whether a row passes (tests/ledger/test_shapes.py: the same
verdict as the field-by-field check for any row); `check` explains a refusal field by field."""


def check(topic: str, data: Mapping[str, Any]) -> None:
    """Refuse (ValueError naming the field) a stored event whose fields are missing or of the wrong type; a topic
    this release does not know is left to the callers that know what to do with it."""
    passes = FAST.get(topic)
    if passes is None or passes(data):
        return
    fields = FIELDS[topic]
    later = LATER_FIELDS.get(topic, frozenset())
    for name in fields:
        if name not in data and name not in later:
            raise ValueError(f"缺少字段 {name}")
    check_types(topic, data)


def check_types(topic: str, data: Mapping[str, Any]) -> None:
    """Refuse (ValueError naming the field) a stored event whose fields have the wrong types, leaving a missing
    field to the reader that needs it (the registry reads a few fields of its rows, and says KeyError for those)."""
    for name, kind in FIELDS.get(topic, {}).items():
        if name in data and not fits(kind, data[name]):
            raise ValueError(f"字段 {name} 的类型不对（应为 {kind}）")

