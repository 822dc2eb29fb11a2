"""The kaoping ledger application: each command reads its streams, asks a decision (ledger/commands), appends.

The rules live in the decisions, pure functions of a stream's state, the catalogue and the stamp; `Ledger`
reads the state, calls the decision, appends the event it returns through `append`, and tries again when
another writer appended to the same stream first.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import EventSourcingError
from eventsourcing.persistence import Notification, PersistenceError, StoredEvent, Transcoder

from ledger import acting, ids, revisions, shapes, short_ids, text
from ledger import catalogue as rules
from ledger import events as ev
from ledger.commands import registry as decide
from ledger.commands.facts import FactStream, known, stream_of
from ledger.commands.registry import PersonStream
from ledger.commands.stamp import Stamp
from ledger.errors import Conflict, InvalidInput, LedgerUnreadable, NotAllowed, StreamUnreadable, not_initialised
from ledger.fact_commands import FactCommands
from ledger.over_time import CenterOverTime
from ledger.registry import Registry
from ledger.runtime import zone
from ledger.runtime.gcpause import collector_paused
from ledger.storage import files
from ledger.storage.location import Location, parse_url, refuse_foreign_sqlite
from ledger.storage.refusals import storage_refusals
from ledger.storage.row_events import row_decoder
from ledger.storage.rows import Row, decode_raw, iter_notifications, paged, position_of, registry_from
from ledger.storage.transcoder import OrjsonTranscoder
from ledger.topics import REGISTRY_TOPICS

if TYPE_CHECKING:
    from ledger.sheets.findings import Sheet

T = TypeVar("T")
RETRIES = 8


def default_actor() -> str:
    """Who is acting: KAOPING_ACTOR, else the operating-system user."""
    actor = os.environ.get("KAOPING_ACTOR", "").strip()
    if actor:
        return actor
    import getpass  # with termios, only for a write without --as or KAOPING_ACTOR

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Recorded(NamedTuple):
    """An event with its place in ledger order: 1-based position and the store's notification id (a NamedTuple:
    this module is every write's, and a frozen dataclass costs ~1 ms to create; issue 15)."""

    position: int
    notification_id: int
    event: ev.Fact


@dataclass(frozen=True)
class ImportResult:
    """What an import did: ids of the findings it added, how many rows were imported before, which rows repeat a
    finding recorded elsewhere, and the sheet as read (its name and encoding)."""

    added: list[UUID]
    skipped: int
    matched: list[tuple[int, str]] = field(default_factory=list)
    """Rows (line, the recorded finding's id) that repeat a finding recorded elsewhere, not recorded (D26)."""
    sheet: str = ""
    encoding: str = ""


class Ledger(FactCommands, CenterOverTime, Application[UUID]):
    """The event store of one center, with its rules catalogue and evidence folder."""

    name = "kaoping"
    actor_key: str | None = None  # the acting person's key file (--actor-key), else KAOPING_ACTOR_KEY (D32)

    def __init__(self, location: Location, actor: str | None = None) -> None:
        self.location = location
        self.actor = text.line((actor or "").strip() or default_actor(), "操作人姓名")
        self._catalogue: rules.Catalogue | None = None
        self.created_file = False  # True when opening made a new SQLite file
        super().__init__(env=location.env)

    def construct_transcoder(self) -> Transcoder:
        return OrjsonTranscoder()

    # --- reading ------------------------------------------------------------------------------

    def stream(self, originator_id: UUID) -> list[ev.Fact]:
        """All events of one stream, oldest first; one that does not decode, or whose fields have the wrong types
        (ledger/shapes.py), is refused, naming the stream."""
        return checked_stream(originator_id, lambda: self.events.get(originator_id))

    def streams(self, originator_ids: Sequence[UUID]) -> list[list[ev.Fact]]:
        """Several streams' events, each as `stream` gives it (oldest first, refused alike), read in one statement
        where the recorder can: an import's sheet names ~180 windows and people, one round trip each before."""
        select = getattr(self.recorder, "select_streams", None)
        if select is None:
            return [self.stream(s) for s in originator_ids]
        by_stream: dict[UUID, list[StoredEvent]] = {}
        for stored in select(originator_ids):
            by_stream.setdefault(stored.originator_id, []).append(stored)
        decode = self.mapper.to_domain_event
        return [checked_stream(s, partial(map, decode, by_stream.get(s, []))) for s in originator_ids]

    def notifications(self, after_id: int = 0, batch: int = 2000) -> Iterator[Notification]:
        """Every stored event after a notification id, in ledger order (ids may have gaps)."""
        return iter_notifications(self.recorder, after_id, batch)

    def read(self, after: tuple[int, int] = (0, 0), upto: int | None = None) -> Iterator[Recorded]:
        """Events in ledger order with positions, resuming after (position, notification id)."""
        position, after_id = after
        if upto is not None and position >= upto:
            return
        to_event = row_decoder(self.mapper)
        for nid, originator_id, version, topic, state in self.rows(after_id):
            position += 1
            try:
                event = to_event(originator_id, version, topic, state)
            except Exception as exc:  # a row kaoping did not write: refuse, naming where
                raise LedgerUnreadable(position, exc) from exc
            yield Recorded(position, nid, event)  # type: ignore[arg-type]
            if upto is not None and position >= upto:
                return

    def rows(self, after_id: int = 0, batch: int = 20_000) -> Iterator[Row]:
        """Stored events after a notification id as tuples (id, originator id, version, topic, state)."""
        for page in self.pages(after_id, batch):
            yield from page

    def pages(self, after_id: int = 0, batch: int = 20_000, *, topics: Collection[str] | None = None,
              containing: Collection[bytes] | None = None) -> Iterator[list[Row]]:
        """`rows` a page at a time (non-empty lists of at most `batch` rows; only `topics`' rows when given, and only
        rows whose stored state holds one of the byte strings `containing` when given, searched by the database):
        for folds that loop tightly."""
        select_rows = getattr(self.recorder, "select_rows", None)
        if select_rows is not None:
            return paged(lambda start, limit: select_rows(start, limit, topics, containing), after_id, batch)
        pages = paged(lambda start, limit: self._notification_page(start, limit, topics), after_id, batch)
        if containing is None:
            return pages
        return (kept for page in pages if (kept := [r for r in page if any(b in r[4] for b in containing)]))

    def _notification_page(self, start: int, limit: int, topics: Collection[str] | None) -> list[Row]:
        """A page of rows through eventsourcing's notifications (a recorder without `select_rows`)."""
        page = self.recorder.select_notifications(start=start, limit=limit, topics=sorted(topics or ()),
                                                  inclusive_of_start=False)
        return [(n.id, n.originator_id, n.originator_version, n.topic, n.state) for n in page]

    def center(self) -> ev.CenterInitialised:
        """The center's initialisation event, or a refusal when `init` has not been run."""
        for e in self.stream(ids.center_id()):
            if isinstance(e, ev.CenterInitialised):
                return e
        raise not_initialised()

    @property
    def catalogue(self) -> rules.Catalogue:
        """The rules catalogue the center adopted at init, checked against the hash it pinned (facts are checked
        against it: a revision adopted later names everything the same, ledger/revisions.py)."""
        if self._catalogue is None:
            center = self.center()
            self._catalogue = revisions.pinned(center.rules, center.rules_revision, center.rules_sha256)
        return self._catalogue

    def stream_rows(self, originator_id: UUID) -> list[tuple[int, str, bytes]]:
        """One stream's stored events as (notification id, topic, state), oldest first, read by the stream's index."""
        return self.recorder.stream_rows(originator_id)  # type: ignore[attr-defined]

    def rules_in_force(self) -> revisions.RulesInForce:
        """The center's rule adoptions (init's and `rules adopt`'s), refused before `init` (D36)."""
        rows = self.stream_rows(ids.center_id())
        found = revisions.RulesInForce.from_rows(((nid, topic, decode_raw(state)) for nid, topic, state in rows),
                                                 self.recorder.position_of)  # type: ignore[attr-defined]
        if not found.adoptions:
            raise not_initialised()
        return found

    def catalogue_for(self, quarter: str, as_of: int | None = None) -> rules.Catalogue:
        """The catalogue a quarter is scored under: the revision in force on its first day (D36)."""
        return self.rules_in_force().catalogue_for(quarter, as_of)

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

    def registry(self) -> Registry:
        """The registry as it stands: the center, its windows and its people (refused before `init`)."""
        registry = registry_from(self.pages(topics=REGISTRY_TOPICS), lambda nid: position_of(self.pages(), nid))
        if registry.center is None:
            raise not_initialised()
        return registry

    def registry_of(self, windows: Iterable[str | None] = (), people: Iterable[str | None] = ()) -> Registry:
        """The registry as far as a command needs it: these windows' and people's own streams, folded."""
        registry = Registry()
        for events in self.streams([*(ids.window_id(w.strip()) for w in windows if w and w.strip()),
                                    *(ids.staff_id(p.strip()) for p in people if p and p.strip())]):
            _fold(registry, events)
        return registry

    def window(self, code: str) -> tuple[Registry, int]:
        """A window's stream folded into a registry of that window alone, and its version (0: not registered)."""
        events = self.stream(ids.window_id((code or "").strip()))
        return _fold(Registry(), events), events[-1].originator_version if events else 0

    def staff(self, person: str) -> PersonStream:
        """A person's stream as the registry commands see it (empty for an unregistered id)."""
        events = self.stream(ids.staff_id(person))
        return PersonStream(person, _fold(Registry(), events), events[-1].originator_version if events else 0)

    def fact(self, fact_id: str | UUID) -> FactStream:
        """A finding's, claim's or complaint's stream by its id as typed, a unique prefix too (empty when unknown or
        malformed)."""
        stream = stream_of(fact_id) if isinstance(fact_id, UUID) else self.resolve_id(fact_id)
        return FactStream(str(fact_id), stream, self.stream(stream) if stream is not None else ())

    def resolve_id(self, typed: str) -> UUID | None:
        """The stream an id as typed names: a full id, or a unique prefix of at least 8 hex digits (None: not an id;
        an unknown or ambiguous prefix is refused)."""
        return short_ids.resolve(typed, self.streams_between)

    def streams_between(self, low: UUID, high: UUID, limit: int) -> list[UUID]:
        """Stream ids from `low` to `high` (inclusive), in order, at most `limit` (ledger/short_ids.py)."""
        found: list[UUID] = self.recorder.streams_between(low, high, limit)  # type: ignore[attr-defined]
        return found

    def evidence_of(self, fact_id: str) -> list[dict[str, Any]]:
        """The evidence files a fact's events recorded (name, sha256, size), oldest first; refused for an unknown id."""
        fact = self.fact(fact_id)
        known(fact)
        return [e.evidence for e in fact.events if isinstance(getattr(e, "evidence", None), dict)]  # type: ignore[attr-defined]

    # --- writing ------------------------------------------------------------------------------

    def stamp(self) -> Stamp:
        """This ledger's actor, the time now, and the center's today: what a decision stamps its event with."""
        return Stamp(self.actor, datetime.now(UTC), zone.center_today())

    def append(self, *events: ev.Fact) -> list[int]:
        """Append events atomically, signed by the acting person once any actor exists (ledger/acting.py), returning
        their notification ids; a storage failure becomes a refusal (another writer came first: `Conflict`)."""
        return self.append_stored([self.mapper.to_stored_event(e) for e in events])

    def append_stored(self, stored: Sequence[StoredEvent]) -> list[int]:
        """Append rows already encoded (a sheet's findings, `ledger.sheets.encoding`) atomically, as `append`."""
        with storage_refusals():
            return acting.insert(self, stored)

    def retrying(self, attempt: Callable[[], T]) -> T:
        """Run a read-decide-append step again when another writer got there first."""
        for _ in range(RETRIES - 1):
            try:
                return attempt()
            except Conflict:
                continue
        return attempt()

    def append_one(self, event: ev.Fact) -> UUID:
        """Append one event; its stream's id (what a command returns)."""
        self.append(event)
        return event.originator_id

    # --- registry -----------------------------------------------------------------------------

    def init(self, center: str, rules_id: str = rules.DEFAULT_RULES, *, also: Sequence[ev.Fact] = ()) -> UUID:
        """Set up the center and adopt a rules revision (`NAME`: its latest, or `NAME@REV`); refuses a second init.

        `also`: events saved atomically with the initialisation (the signing key, see ledger/integrity/keys.py).
        """
        cat = revisions.resolve(rules_id)  # NAME (its latest revision) or NAME@REV
        e = decide.initialise(_fold(Registry(), self.stream(ids.center_id())), cat, center, self.stamp())
        self.append(e, *also)
        return e.originator_id

    def add_staff(self, person: str, name: str, window: str, since: str) -> UUID:
        """Register a person and their first window assignment."""
        self.center()
        registry = self.registry_of(windows=[window], people=[person])
        e = decide.register_staff(registry, self.catalogue, person, name, window, since, self.stamp())
        try:
            return self.append_one(e)
        except Conflict:
            raise Conflict(f"人员编号已存在：{e.staff_id}") from None

    def move_staff(self, person: str, window: str, since: str) -> UUID:
        """Reassign a person (轮换) to another window from a date after their last assignment."""
        self.center()
        windows = self.registry_of(windows=[window])
        return self.retrying(lambda: self.append_one(
            decide.move_staff(self.staff(person), windows, self.catalogue, window, since, self.stamp())))

    # --- a sheet of findings -------------------------------------------------------------------

    def import_findings(self, sheet: Sheet, progress: Callable[[int], None] | None = None, *,
                        as_new: bool = False) -> ImportResult:
        """Record a sheet's findings all or none; rows imported before are skipped, not repeated, and rows that
        repeat a finding recorded elsewhere are named, not recorded, unless `as_new` (D26)."""
        from ledger.commands.sheet_rows import SheetChecker, SheetRowsChecked, needs_whole_registry, sheet_codes
        from ledger.sheets.storing import SheetImport, StoredFindings, recorded_on, row_encoder
        self.center()  # (imported here, not at the top: `record` needs none of them)
        with collector_paused():
            stamp = self.stamp()
            windows, people = sheet_codes(sheet)
            registry = self.registry_of(windows=windows, people=people)
            if needs_whole_registry(windows | people, registry):
                registry = self.registry()
            check = SheetChecker(registry, self.catalogue, stamp.today)
            rows = SheetRowsChecked(sheet, check, progress)
            days = (r.date for r in sheet.rows)
            plan = SheetImport(rows, self.recorder, row_encoder(self.recorder, self.mapper, stamp),
                               None if as_new else lambda: recorded_on(self.pages, check.days(days)))
            stored: Sequence[StoredEvent] = StoredFindings(plan.rows())
            if not getattr(self.recorder, "inserts_as_it_reads", False):
                stored = list(stored)  # made before the insert: their lookups must not run inside it
            if stored:  # makes the first row (or learns there is none, or the refusal) before any lock is taken
                self.append_stored(stored)
        return ImportResult(added=plan.added, skipped=plan.skipped,
                            matched=[(row.line, fid) for row, fid in plan.matched], sheet=sheet.name,
                            encoding=sheet.encoding)


def checked_stream(originator_id: UUID, read: Callable[[], Iterable[object]]) -> list[ev.Fact]:
    """One stream's events as `read` decodes them, each with its fields' types checked (ledger/shapes.py); one that
    does not decode or check is refused, naming the stream (`Ledger.stream` and `Ledger.streams` alike)."""
    try:
        events: list[ev.Fact] = list(read())  # type: ignore[arg-type]
        for e in events:
            shapes.check(e.TOPIC, vars(e))
    except (EventSourcingError, ValueError, TypeError, KeyError) as exc:
        raise StreamUnreadable(originator_id, exc) from exc
    return events


def _fold(registry: Registry, events: Iterable[ev.Fact]) -> Registry:
    """Fold a stream's registry events into `registry` (by their stored topic and fields, as rows fold)."""
    for e in events:
        registry.apply(e.TOPIC, vars(e))
    return registry


def open_ledger(url: str | None, actor: str | None = None, *, create: bool = False) -> Ledger:
    """Open the ledger at a `--db` URL; without `create`, a missing SQLite file is refused, not made."""
    location = parse_url(url)
    if location.backend == "sqlite" and not create and not location.exists:
        raise NotAllowed(f"账本不存在：{location.sqlite_path}（请先运行 kaoping init，或用 --db 指定账本）")
    if location.sqlite_path is not None and location.sqlite_path.parent and not location.sqlite_path.parent.exists():
        raise InvalidInput(f"数据库所在目录不存在：{location.sqlite_path.parent}")
    made = False
    if location.sqlite_path is not None:
        refuse_foreign_sqlite(location.sqlite_path)
        if create and not location.exists:
            try:  # a new ledger file, readable by its owner only (SQLite gives -wal and -shm the same mode);
                made = files.claim_new(location.sqlite_path)  # True when this call made it: only its maker removes it
            except OSError as exc:
                raise InvalidInput(f"无法建立账本文件 {location.sqlite_path}：{exc.strerror or exc}") from None
    try:
        app = Ledger(location, actor)
    except BaseException as exc:
        if made:
            assert location.sqlite_path is not None
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{location.sqlite_path}{suffix}").unlink(missing_ok=True)
        if isinstance(exc, PersistenceError):
            raise NotAllowed(f"无法打开账本 {location.display()}：{exc}") from exc
        if isinstance(exc, sqlite3.DatabaseError):
            raise InvalidInput(f"{location.sqlite_path} 不是 kaoping 账本（{exc}）") from None
        raise
    app.created_file = made
    return app

