"""The kaoping ledger application: every command validates, then appends immutable events."""

from __future__ import annotations

import dataclasses
import getpass
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import (
    IntegrityError,
    Notification,
    OperationalError,
    PersistenceError,
    StoredEvent,
    Transcoder,
)
from eventsourcing.utils import get_topic

from ledger import catalogue as rules
from ledger import events as ev
from ledger import ids
from ledger.calendar import parse_date
from ledger.commands.streams import StaffState, StatusState, fold_staff, fold_status
from ledger.errors import (
    Conflict,
    InvalidInput,
    LedgerBusy,
    LedgerUnreadable,
    NotAllowed,
    NotFound,
    not_initialised,
)
from ledger.runtime.gcpause import collector_paused
from ledger.sheets.findings import SheetRow
from ledger.storage import evidence
from ledger.storage.location import Location, parse_url, refuse_foreign_sqlite
from ledger.storage.rows import decode_raw, iter_notifications, paged
from ledger.storage.sqlite_recorder import FastSQLiteApplicationRecorder
from ledger.storage.transcoder import OrjsonTranscoder, plain_fields

T = TypeVar("T")
RETRIES = 8


def default_actor() -> str:
    """Who is acting: KAOPING_ACTOR, else the operating-system user."""
    actor = os.environ.get("KAOPING_ACTOR", "").strip()
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True)
class Recorded:
    """An event with its place in ledger order: 1-based position and the store's notification id."""

    position: int
    notification_id: int
    event: ev.Fact


@dataclass(frozen=True)
class ImportResult:
    """What an import did: ids of the findings it added, and how many rows were already there."""

    added: list[UUID]
    skipped: int


class Ledger(Application[UUID]):
    """The event store of one center, with its rules catalogue and evidence folder."""

    name = "kaoping"

    def __init__(self, location: Location, actor: str | None = None) -> None:
        self.location = location
        self.actor = (actor or "").strip() or default_actor()
        self._catalogue: rules.Catalogue | None = None
        self.created_file = False  # True when opening made a new SQLite file
        super().__init__(env=location.env)

    def construct_transcoder(self) -> Transcoder:
        return OrjsonTranscoder()

    # --- reading ------------------------------------------------------------------------------

    def stream(self, originator_id: UUID) -> list[ev.Fact]:
        """All events of one stream, oldest first."""
        return list(self.events.get(originator_id))  # type: ignore[arg-type]

    def notifications(self, after_id: int = 0, batch: int = 2000) -> Iterator[Notification]:
        """Every stored event after a notification id, in ledger order (ids may have gaps)."""
        return iter_notifications(self.recorder, after_id, batch)

    def read(self, after: tuple[int, int] = (0, 0), upto: int | None = None) -> Iterator[Recorded]:
        """Events in ledger order with positions, resuming after (position, notification id)."""
        position, after_id = after
        if upto is not None and position >= upto:
            return
        to_event = self._row_decoder()
        for nid, originator_id, version, topic, state in self.rows(after_id):
            position += 1
            try:
                event = to_event(originator_id, version, topic, state)
            except Exception as exc:  # a row kaoping did not write: refuse, naming where
                raise LedgerUnreadable(position, exc) from exc
            yield Recorded(position, nid, event)
            if upto is not None and position >= upto:
                return

    def _row_decoder(self) -> Callable[[Any, int, str, bytes], ev.Fact]:
        """Stored row → event, as the mapper does it, without the per-row Notification and lookups."""
        mapper = self.mapper
        if mapper.cipher is not None or mapper.compressor is not None:
            return lambda oid, version, topic, state: mapper.to_domain_event(  # type: ignore[return-value]
                StoredEvent(oid, version, topic, state))
        from eventsourcing.utils import resolve_topic

        classes: dict[str, tuple[type, frozenset[str]]] = {}
        transcoder = mapper.transcoder
        fast = getattr(transcoder, "decode_event_state", None)

        def to_event(originator_id: Any, version: int, topic: str, state: bytes) -> ev.Fact:
            known = classes.get(topic)
            if known is None:
                cls = resolve_topic(topic)
                known = classes[topic] = (cls, plain_fields(cls))
            cls, plain = known
            data = fast(state, plain) if fast is not None else transcoder.decode(state)
            data["originator_id"] = originator_id if type(originator_id) is UUID else UUID(originator_id)
            data["originator_version"] = version
            if "class_version" in data:  # an upcast is due: let the mapper do it
                return mapper.to_domain_event(StoredEvent(originator_id, version, topic, state))  # type: ignore[return-value]
            event = object.__new__(cls)
            object.__setattr__(event, "__dict__", data)
            return event  # type: ignore[no-any-return]

        return to_event

    def rows(self, after_id: int = 0, batch: int = 20_000) -> Iterator[tuple[int, Any, int, str, bytes]]:
        """Stored events after a notification id as tuples (id, originator id, version, topic, state)."""
        for page in self.pages(after_id, batch):
            yield from page

    def pages(self, after_id: int = 0, batch: int = 20_000) -> Iterator[list[tuple[int, Any, int, str, bytes]]]:
        """`rows` a page at a time (non-empty lists of at most `batch` rows): for folds that loop tightly."""
        return paged(getattr(self.recorder, "select_rows", None) or self._notification_page, after_id, batch)

    def _notification_page(self, start: int, limit: int) -> list[tuple[int, Any, int, str, bytes]]:
        """A page of rows through eventsourcing's notifications (a recorder without `select_rows`)."""
        return [(n.id, n.originator_id, n.originator_version, n.topic, n.state)
                for n in self.recorder.select_notifications(start=start, limit=limit, inclusive_of_start=False)]

    def center(self) -> ev.CenterInitialised:
        """The center's initialisation event, or a refusal when `init` has not been run."""
        events = self.stream(ids.center_id())
        for e in events:
            if isinstance(e, ev.CenterInitialised):
                return e
        raise not_initialised()

    @property
    def catalogue(self) -> rules.Catalogue:
        """The rules catalogue the center adopted, checked against the hash pinned at init."""
        if self._catalogue is None:
            center = self.center()
            self._catalogue = rules.adopted(center.rules, center.rules_sha256)
        return self._catalogue

    def max_notification_id(self) -> int:
        """The highest notification id stored now (0 for an empty ledger)."""
        return self.recorder.max_notification_id() or 0

    def fact_fields(self, fact_id: str) -> dict[str, Any] | None:
        """A fact stream's first event as stored (tagged values left tagged), None for an unknown stream."""
        try:
            stored = self.recorder.select_events(UUID(fact_id), lte=1, limit=1)
        except ValueError:
            return None
        return decode_raw(stored[0].state) if stored else None

    def window_exists(self, code: str) -> bool:
        """True when a window with this code is registered."""
        return bool(self.recorder.select_events(ids.window_id(code), limit=1))

    def require_window(self, code: str) -> None:
        """Refuse an unknown window code."""
        if not code:
            raise InvalidInput("缺少窗口代码")
        if not self.window_exists(code):
            raise NotFound(f"未登记的窗口：{code}")

    def staff(self, person: str) -> StaffState:
        """A registered person's state, or a refusal naming the unknown id."""
        if not person:
            raise InvalidInput("缺少人员编号")
        st = fold_staff(self.stream(ids.staff_id(person)))
        if not st.exists:
            raise NotFound(f"未登记的人员：{person}")
        return st

    def fact(self, fact_id: str | UUID) -> StatusState:
        """A finding, claim or complaint by id, or a refusal."""
        try:
            uid = fact_id if isinstance(fact_id, UUID) else ids.parse_fact_id(fact_id)
        except ValueError:
            raise InvalidInput(f"编号格式不正确：{fact_id}") from None
        st = fold_status(self.stream(uid))
        if not st.exists:
            raise NotFound(f"账本中没有编号为 {fact_id} 的记录")
        return st

    # --- writing ------------------------------------------------------------------------------

    def _now(self) -> datetime:
        return datetime.now(timezone.utc)

    def _event(self, cls: type[ev.Fact], stream: UUID, version: int, **fields: Any) -> ev.Fact:
        return cls(  # type: ignore[call-arg]
            originator_id=stream,
            originator_version=version,
            timestamp=self._now(),
            actor=self.actor,
            **fields,
        )

    @contextmanager
    def _storage_refusals(self) -> Iterator[None]:
        """Translate storage failures during an append into domain refusals."""
        try:
            yield
        except IntegrityError as exc:
            raise Conflict("记录冲突：该记录已存在或刚被他人修改，请重试") from exc
        except OperationalError as exc:
            if "locked" in str(exc).lower() or "timeout" in str(exc).lower():
                raise LedgerBusy("数据库被其他写入者长时间锁定，请稍后重试") from exc
            raise
        except sqlite3.OperationalError as exc:  # pragma: no cover - defensive
            raise LedgerBusy(f"数据库错误：{exc}") from exc

    def _save(self, *events: ev.Fact) -> list[int]:
        """Append events atomically; translate storage failures into domain refusals."""
        with self._storage_refusals():
            recordings = self.save(*events)
        return [r.notification.id for r in recordings]

    def _retrying(self, attempt: Callable[[], T]) -> T:
        """Run a read-validate-append step again when another writer got there first."""
        for _ in range(RETRIES - 1):
            try:
                return attempt()
            except Conflict:
                continue
        return attempt()

    def _check_fact_date(self, text: str) -> date:
        day = parse_date(text)
        effective = self.catalogue.effective
        if day < effective:
            raise InvalidInput(f"日期 {day} 早于考评办法施行日期 {effective}")
        if day > date.today():
            raise InvalidInput(f"日期 {day} 在今天之后")
        return day

    def _check_since(self, text: str) -> date:
        day = parse_date(text, "起始日期")
        if day < self.catalogue.effective:
            raise InvalidInput(f"起始日期 {day} 早于考评办法施行日期 {self.catalogue.effective}")
        if day > date.today():
            # an assignment cannot be retracted, and a later one must follow it: a mistyped year would lock the person
            raise InvalidInput(f"起始日期 {day} 在今天之后（请在到岗当天或之后登记）")
        return day

    def _subject(self, window: str | None, staff: str | None, day: date) -> tuple[str, str | None]:
        """Resolve `--window` / `--staff` to (attributed window, person) on a date (D2)."""
        if bool(window) == bool(staff):
            raise InvalidInput("请指定 --window 或 --staff 其中之一")
        if staff:
            st = self.staff(staff)
            at = st.window_on(day)
            if at is None:
                raise NotAllowed(f"{staff}（{st.name}）在 {day} 尚未分配到任何窗口")
            return at, staff
        assert window is not None
        self.require_window(window)
        return window, None

    # --- registry -----------------------------------------------------------------------------

    def init(self, center: str, rules_id: str = rules.DEFAULT_RULES, *, also: Sequence[ev.Fact] = ()) -> UUID:
        """Set up the center and adopt a rules catalogue; refuses a second init.

        `also`: events saved atomically with the initialisation (the signing key, see ledger/integrity/keys.py).
        """
        cat = rules.load(rules_id)
        name = (center or "").strip()
        if not name:
            raise InvalidInput("中心名称不能为空")
        if self.stream(ids.center_id()):
            raise Conflict("账本已经初始化过，不能重复初始化")
        e = self._event(
            ev.CenterInitialised,
            ids.center_id(),
            1,
            center=name,
            rules=cat.id,
            rules_revision=cat.revision,
            rules_sha256=cat.sha256,
        )
        self._save(e, *also)
        return ids.center_id()

    def add_window(self, code: str, name: str, department: str = "") -> UUID:
        """Register a window under a new code."""
        self.center()
        code, name = (code or "").strip(), (name or "").strip()
        if not code or any(c.isspace() or c == "," for c in code):
            raise InvalidInput(f"窗口代码不能为空，且不能含空格或逗号：{code!r}")
        if not name:
            raise InvalidInput("窗口名称不能为空")
        if self.window_exists(code):
            raise Conflict(f"窗口代码已存在：{code}")
        stream = ids.window_id(code)
        e = self._event(
            ev.WindowRegistered, stream, 1, code=code, name=name, department=(department or "").strip()
        )
        try:
            self._save(e)
        except Conflict:
            raise Conflict(f"窗口代码已存在：{code}") from None
        return stream

    def add_staff(self, person: str, name: str, window: str, since: str) -> UUID:
        """Register a person and their first window assignment."""
        self.center()
        person, name = (person or "").strip(), (name or "").strip()
        if not person or any(c.isspace() or c == "," for c in person):
            raise InvalidInput(f"人员编号不能为空，且不能含空格或逗号：{person!r}")
        if not name:
            raise InvalidInput("姓名不能为空")
        day = self._check_since(since)
        self.require_window(window)
        stream = ids.staff_id(person)
        if self.stream(stream):
            raise Conflict(f"人员编号已存在：{person}")
        e = self._event(
            ev.StaffRegistered, stream, 1, staff_id=person, name=name, window=window, since=day
        )
        try:
            self._save(e)
        except Conflict:
            raise Conflict(f"人员编号已存在：{person}") from None
        return stream

    def move_staff(self, person: str, window: str, since: str) -> UUID:
        """Reassign a person (轮换) to another window from a date after their last assignment."""
        self.center()
        day = self._check_since(since)
        self.require_window(window)

        def attempt() -> UUID:
            st = self.staff(person)
            last_since, last_window = st.assignments[-1]
            if day <= last_since:
                raise NotAllowed(f"轮换日期 {day} 必须晚于上次分配日期 {last_since}")
            if window == last_window:
                raise NotAllowed(f"{person}（{st.name}）已在窗口 {window}")
            stream = ids.staff_id(person)
            self._save(
                self._event(ev.StaffMoved, stream, st.version + 1, staff_id=person, window=window, since=day)
            )
            return stream

        return self._retrying(attempt)

    # --- findings -----------------------------------------------------------------------------

    def _check_item(self, item: str, on_staff: bool) -> None:
        code = (item or "").strip()
        self.catalogue.item(code)
        if on_staff and not code.startswith("S"):
            raise InvalidInput(f"条目 {code} 是窗口考评条目，不能记在人员名下（请用 --window）")
        if not on_staff and not code.startswith("W"):
            raise InvalidInput(f"条目 {code} 是人员考评条目，不能记在窗口名下（请用 --staff）")

    def _check_dq(self, dq: str | None, item: str, channel: str | None) -> str | None:
        if not dq:
            return None
        kind = self.catalogue.disqualification(dq)
        if not kind.allows(item):
            allowed = "、".join(kind.items)
            raise InvalidInput(f"条目 {item} 不能认定为取消资格类型 {dq}（{dq} 只适用于 {allowed}）")
        if kind.channel_only is not None and channel != kind.channel_only:
            label = self.catalogue.channels[kind.channel_only]
            raise InvalidInput(f"取消资格类型 {dq} 只能来自经核实的{label}（投诉渠道 {kind.channel_only}）")
        return dq

    def record_finding(
        self,
        item: str,
        *,
        window: str | None = None,
        staff: str | None = None,
        day: str,
        source: str,
        dq: str | None = None,
        note: str = "",
        evidence_file: str | None = None,
    ) -> UUID:
        """Record one inspection finding against a window (W-item) or a person (S-item)."""
        self.center()
        if bool(window) == bool(staff):
            raise InvalidInput("请指定 --window 或 --staff 其中之一")
        item = (item or "").strip()
        self._check_item(item, on_staff=bool(staff))
        d = self._check_fact_date(day)
        self.catalogue.source_name(source)
        self._check_dq(dq, item, None)
        at, person = self._subject(window, staff, d)
        staged = evidence.stage(self.location.evidence_dir, evidence_file) if evidence_file else None
        stream = ids.new_id()
        try:
            self._save(
                self._event(
                    ev.FindingRecorded,
                    stream,
                    1,
                    item=item,
                    window=at,
                    staff=person,
                    date=d,
                    source=source,
                    dq=dq or None,
                    note=(note or "").strip(),
                    evidence=staged.meta if staged else None,
                    row_key=None,
                )
            )
        except BaseException:
            evidence.abandon(staged)
            raise
        if staged:
            evidence.commit(staged)
        return stream

    def import_findings(
        self, rows: Sequence[SheetRow], progress: Callable[[int], None] | None = None
    ) -> ImportResult:
        """Record a sheet's findings all or none; rows already imported are skipped, not repeated."""
        self.center()
        with collector_paused():
            return self._import_rows(rows, progress)

    def _import_rows(self, rows: Sequence[SheetRow], progress: Callable[[int], None] | None) -> ImportResult:
        check = _RowChecker(self)
        checked: list[tuple[SheetRow, date]] = []
        errors: list[str] = []
        done = 0
        for row in rows:
            try:
                checked.append((row, check(row)))
            except (InvalidInput, NotFound, NotAllowed) as exc:
                errors.append(f"第{row.line}行：{exc}")
            done += 1
            if progress and done % 1000 == 0:
                progress(1000)
        if progress and done % 1000:
            progress(done % 1000)
        if errors:
            more = f"（另有 {len(errors) - 1} 行有误）" if len(errors) > 1 else ""
            raise InvalidInput(errors[0] + more)
        stream_ids, hexes = ids.sheet_row_streams([row.key for row, _ in checked])
        existing = self._existing(stream_ids, hexes)
        # SQLite stores originator ids as hex text: hand it the hex already made (PostgreSQL wants UUIDs)
        as_hex = isinstance(self.recorder, FastSQLiteApplicationRecorder)
        stored: list[StoredEvent] = []
        added: list[UUID] = []
        encode = self._finding_encoder()
        for (row, d), stream, hex_id in zip(checked, stream_ids, hexes, strict=True):
            if hex_id in existing:
                continue
            existing.add(hex_id)
            stored.append(
                StoredEvent(hex_id if as_hex else stream, 1, _FINDING_TOPIC, encode(
                    row.item, row.window, row.staff or None, d, row.source, row.dq or None, row.note, row.key
                ))
            )
            added.append(stream)
        if stored:
            with self._storage_refusals():
                self.recorder.insert_events(stored)
        return ImportResult(added=added, skipped=len(checked) - len(added))

    def _finding_encoder(self) -> Callable[..., bytes]:
        """The stored state of an imported row's FindingRecorded, without building the event object.

        Byte for byte what `mapper.to_stored_event(FindingRecorded(...))` stores (checked on the
        first row of every import); falls back to exactly that where the fast path does not apply.
        """
        now, actor, mapper = self._now(), self.actor, self.mapper

        def generic(item: str, window: str, staff: str | None, day: date, source: str, dq: str | None,
                    note: str, key: str) -> bytes:
            e = ev.FindingRecorded(  # type: ignore[call-arg]
                originator_id=ids.NAMESPACE, originator_version=1, timestamp=now, actor=actor, item=item,
                window=window, staff=staff, date=day, source=source, dq=dq, note=note, evidence=None, row_key=key,
            )
            return mapper.to_stored_event(e).state

        transcoder = mapper.transcoder
        if not isinstance(transcoder, OrjsonTranscoder) or mapper.compressor or mapper.cipher:
            return generic
        if _FINDING_FIELDS != _HEAD_FIELDS + _FAST_FIELDS or getattr(ev.FindingRecorded, "class_version", 1) != 1:
            return generic
        stamp, tag, plain = transcoder.tag(now), transcoder.tag, transcoder.encode_tagged
        checked = False

        def fast(item: str, window: str, staff: str | None, day: date, source: str, dq: str | None,
                 note: str, key: str) -> bytes:
            nonlocal checked
            data = plain({
                "timestamp": stamp, "actor": actor, "item": item, "window": window, "staff": staff,
                "date": tag(day), "source": source, "dq": dq, "note": note, "evidence": None, "row_key": key,
            })
            if not checked:
                reference = generic(item, window, staff, day, source, dq, note, key)
                if data != reference:
                    raise AssertionError(f"fast finding encoding drifted: {data!r} != {reference!r}")
                checked = True
            return data

        return fast

    def _existing(self, stream_ids: list[UUID], hexes: list[str]) -> set[str]:
        """Hex ids of the streams that already have events."""
        by_hex = getattr(self.recorder, "existing_originator_hexes", None)
        if by_hex is not None:
            return by_hex(hexes)
        finder = getattr(self.recorder, "existing_originators", None)
        if finder is not None:
            return {u.hex for u in finder(stream_ids)}
        return {s.hex for s in stream_ids if self.recorder.select_events(s, limit=1)}

    def retract(self, fact_id: str, reason: str) -> UUID:
        """Withdraw a mistaken finding with a reason; the finding stays in the ledger, marked."""
        self.center()
        reason = (reason or "").strip()
        if not reason:
            raise InvalidInput("撤回必须说明理由（--reason）")

        def attempt() -> UUID:
            st = self.fact(fact_id)
            if not isinstance(st.first, ev.FindingRecorded):
                raise NotAllowed(f"{fact_id} 不是检查记录，只有检查记录可以撤回")
            if st.status == "retracted":
                raise NotAllowed(f"检查记录 {fact_id} 已经撤回过")
            stream = st.first.originator_id
            self._save(self._event(ev.FindingRetracted, stream, st.version + 1, reason=reason))
            return stream

        return self._retrying(attempt)

    # --- bonus claims -------------------------------------------------------------------------

    def claim_bonus(
        self,
        kind: str,
        *,
        window: str | None = None,
        staff: str | None = None,
        day: str,
        evidence_file: str,
        level: str | None = None,
        place: int | None = None,
        ref: str | None = None,
    ) -> UUID:
        """Record a bonus claim with its evidence; it counts only after verification (D5)."""
        self.center()
        cat = self.catalogue
        bk = cat.bonus_kind(kind)
        d = self._check_fact_date(day)
        if staff and not window and bk.staff_item is None:
            raise InvalidInput(f"加分类型 {kind}（{bk.name}）只适用于窗口")
        if bk.by == "level":
            if not level:
                raise InvalidInput(f"加分类型 {kind} 需要 --level（{' '.join(bk.window_points)}）")
            cat.level_name(level)
            if level not in bk.window_points:
                raise InvalidInput(f"加分类型 {kind} 没有级别 {level}（可用：{' '.join(bk.window_points)}）")
        elif level:
            raise InvalidInput(f"加分类型 {kind} 不分级别，不能指定 --level")
        if bk.by == "place":
            if place is None:
                raise InvalidInput(f"加分类型 {kind} 需要 --place（名次 {'/'.join(bk.window_points)}）")
            if str(place) not in bk.window_points:
                raise InvalidInput(f"名次只计前 {len(bk.window_points)} 名：{place}")
        elif place is not None:
            raise InvalidInput(f"加分类型 {kind} 不分名次，不能指定 --place")
        if not evidence_file:
            raise InvalidInput("加分必须提供证明材料（--evidence）")
        at, person = self._subject(window, staff, d)
        staged = evidence.stage(self.location.evidence_dir, evidence_file)
        stream = ids.new_id()
        try:
            self._save(
                self._event(
                    ev.BonusClaimed,
                    stream,
                    1,
                    kind=kind,
                    window=at,
                    staff=person,
                    date=d,
                    evidence=staged.meta,
                    level=level or None,
                    place=place,
                    ref=(ref or "").strip() or None,
                )
            )
        except BaseException:
            evidence.abandon(staged)
            raise
        evidence.commit(staged)
        return stream

    def _decide_claim(self, fact_id: str, cls: type[ev.Fact], **fields: Any) -> UUID:
        self.center()

        def attempt() -> UUID:
            st = self.fact(fact_id)
            if not isinstance(st.first, ev.BonusClaimed):
                raise NotAllowed(f"{fact_id} 不是加分申报")
            if st.status != "claimed":
                done = {"verified": "已核实", "rejected": "已驳回"}[st.status]
                raise NotAllowed(f"加分申报 {fact_id} {done}，不能再处理")
            stream = st.first.originator_id
            self._save(self._event(cls, stream, st.version + 1, **fields))
            return stream

        return self._retrying(attempt)

    def verify_bonus(self, fact_id: str) -> UUID:
        """Accept a claim after checking its evidence."""
        return self._decide_claim(fact_id, ev.BonusVerified)

    def reject_bonus(self, fact_id: str, reason: str) -> UUID:
        """Reject a claim, with a reason."""
        reason = (reason or "").strip()
        if not reason:
            raise InvalidInput("驳回必须说明理由（--reason）")
        return self._decide_claim(fact_id, ev.BonusRejected, reason=reason)

    # --- complaints ---------------------------------------------------------------------------

    def record_complaint(
        self, *, window: str | None = None, staff: str | None = None, day: str, channel: str, text: str
    ) -> UUID:
        """Record a complaint or 征求意见 response; it counts only once verified (D9)."""
        self.center()
        d = self._check_fact_date(day)
        self.catalogue.channel_name(channel)
        text = (text or "").strip()
        if not text:
            raise InvalidInput("投诉内容不能为空（--text）")
        at, person = self._subject(window, staff, d)
        stream = ids.new_id()
        self._save(
            self._event(
                ev.ComplaintReceived, stream, 1, window=at, staff=person, date=d, channel=channel, text=text
            )
        )
        return stream

    def _open_complaint(self, fact_id: str) -> StatusState:
        st = self.fact(fact_id)
        if not isinstance(st.first, ev.ComplaintReceived):
            raise NotAllowed(f"{fact_id} 不是投诉记录")
        if st.status != "received":
            done = {"verified": "已核实", "dismissed": "已驳回"}[st.status]
            raise NotAllowed(f"投诉 {fact_id} {done}，不能再处理")
        return st

    def verify_complaint(self, fact_id: str, item: str, dq: str | None = None) -> UUID:
        """Find a complaint true: name the item it breaches and, where allowed, a disqualification."""
        self.center()
        item = (item or "").strip()

        def attempt() -> UUID:
            st = self._open_complaint(fact_id)
            first = st.first
            assert isinstance(first, ev.ComplaintReceived)
            self._check_item(item, on_staff=first.staff is not None)
            self._check_dq(dq, item, first.channel)
            stream = first.originator_id
            self._save(self._event(ev.ComplaintVerified, stream, st.version + 1, item=item, dq=dq or None))
            return stream

        return self._retrying(attempt)

    def dismiss_complaint(self, fact_id: str, reason: str) -> UUID:
        """Find a complaint untrue, with a reason."""
        self.center()
        reason = (reason or "").strip()
        if not reason:
            raise InvalidInput("驳回投诉必须说明理由（--reason）")

        def attempt() -> UUID:
            st = self._open_complaint(fact_id)
            stream = st.first.originator_id
            self._save(self._event(ev.ComplaintDismissed, stream, st.version + 1, reason=reason))
            return stream

        return self._retrying(attempt)


class _RowChecker:
    """Validates sheet rows exactly like `record`, remembering each verdict: a sheet repeats itself."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.cat = ledger.catalogue
        self.items: dict[tuple[str, bool], str | None] = {}
        self.dates: dict[str, date | str] = {}
        self.dqs: dict[tuple[str, str], str | None] = {}
        self.windows: dict[str, bool] = {}
        self.people: dict[str, StaffState | None] = {}
        self.assigned: dict[tuple[str, date], str | None] = {}

    @staticmethod
    def _verdict(check: Callable[[], Any]) -> Any:
        try:
            return check()
        except (InvalidInput, NotFound, NotAllowed) as exc:
            return _Refused(str(exc))

    def __call__(self, row: SheetRow) -> date:
        """The row's date when the row may be recorded; else a refusal saying why."""
        led = self.ledger
        on_staff = bool(row.staff)
        key = (row.item, on_staff)
        if key not in self.items:
            self.items[key] = self._verdict(lambda: led._check_item(row.item, on_staff=on_staff))
        if self.items[key] is not None:
            raise InvalidInput(str(self.items[key]))
        d = self.dates.get(row.date)
        if d is None:
            d = self.dates[row.date] = self._verdict(lambda: led._check_fact_date(row.date))
        if isinstance(d, _Refused):
            raise InvalidInput(str(d))
        if row.source not in self.cat.sources:
            self.cat.source_name(row.source)
        if row.dq:
            dkey = (row.dq, row.item)
            if dkey not in self.dqs:
                self.dqs[dkey] = self._verdict(lambda: led._check_dq(row.dq, row.item, None) and None)
            if self.dqs[dkey] is not None:
                raise InvalidInput(str(self.dqs[dkey]))
        window = row.window
        if not window:
            raise InvalidInput("缺少窗口代码")
        known = self.windows.get(window)
        if known is None:
            known = self.windows[window] = led.window_exists(window)
        if not known:
            raise NotFound(f"未登记的窗口：{window}")
        if on_staff:
            person = row.staff
            if person not in self.people:
                st = fold_staff(led.stream(ids.staff_id(person)))
                self.people[person] = st if st.exists else None
            st = self.people[person]
            if st is None:
                raise NotFound(f"未登记的人员：{person}")
            akey = (person, d)
            if akey not in self.assigned:
                self.assigned[akey] = st.window_on(d)
            at = self.assigned[akey]
            if at != window:
                where = f"窗口 {at}" if at else "任何窗口"
                raise NotAllowed(f"{person}（{st.name}）在 {d} 属于{where}，不是窗口 {window}")
        return d


class _Refused(str):
    """A remembered refusal message."""


_FINDING_FIELDS = tuple(f.name for f in dataclasses.fields(ev.FindingRecorded))
_FINDING_TOPIC = get_topic(ev.FindingRecorded)
_HEAD_FIELDS = ("originator_id", "originator_version", "timestamp", "actor")
_FAST_FIELDS = ("item", "window", "staff", "date", "source", "dq", "note", "evidence", "row_key")


def open_ledger(url: str | None, actor: str | None = None, *, create: bool = False) -> Ledger:
    """Open the ledger at a `--db` URL; without `create`, a missing SQLite file is refused, not made."""
    location = parse_url(url)
    if location.backend == "sqlite" and not create and not location.exists:
        raise NotAllowed(f"账本不存在：{location.sqlite_path}（请先运行 kaoping init，或用 --db 指定账本）")
    if location.sqlite_path is not None and location.sqlite_path.parent and not location.sqlite_path.parent.exists():
        raise InvalidInput(f"数据库所在目录不存在：{location.sqlite_path.parent}")
    existed = location.exists
    if location.sqlite_path is not None:
        refuse_foreign_sqlite(location.sqlite_path)
    try:
        app = Ledger(location, actor)
    except PersistenceError as exc:
        raise NotAllowed(f"无法打开账本 {location.display()}：{exc}") from exc
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(f"{location.sqlite_path} 不是 kaoping 账本（{exc}）") from None
    app.created_file = not existed
    return app
