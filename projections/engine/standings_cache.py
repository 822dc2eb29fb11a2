"""Each quarter's current standings, stored beside the fold state, so a report after a few more events
re-derives only the windows and people those events touched instead of all of them.

The cache of a quarter records the ledger position it was derived at. When the projection has moved on,
the events since then are read (a handful, usually) and sorted: a new fact or a follow-up of this
quarter marks its window and person; a shortlist, decision or publication changes no standing; any
registry event (a window or person registered or moved) or a long backlog derives the quarter again.
The subjects marked are derived from the quarter's facts exactly as a full derivation would (the same
`standings_of`), and a property test holds the cached report equal to the full one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from ledger.calendar import iso_day
from ledger.catalogue import Catalogue
from ledger.registry import Registry
from ledger.storage.rows import decode_raw
from ledger.topics import topic
from projections.engine.materialised import QuarterProjection
from projections.fold.entries import fact_key, quarter_of_iso
from projections.fold.handlers import REGISTRY_TOPICS
from projections.fold.state import FOLD_VERSION, State
from projections.scoring.results import ReportRows
from projections.scoring.standings import Standing, Standings, quarter_standings, standings_of

PREFIX = "s:"
PUBLISHED_PREFIX = "p:"
VERSION = 4
"""2: standings stored as named entries (projections/scoring/standings.StandingEntry); 3: refs grouped after NFKC
without spaces (D27), so standings cached before are derived again; 4: with `left` (D21, D22)."""
MAX_DELTA = 2_000
"""More new events than this since the cache was written: derive the whole quarter again (as fast)."""


def _topics(*names: str) -> frozenset[str]:
    return frozenset(topic(n) for n in names)


NEW_FACTS = _topics("FindingRecorded", "BonusClaimed", "ComplaintReceived")
FOLLOW_UPS = _topics("FindingRetracted", "BonusVerified", "BonusRejected", "ComplaintVerified",
                     "ComplaintDismissed", "AppealUpheld", "AppealOverturned")
"""Follow-ups read their stream's first event for the subject: an appeal's names its fact's window, person and
quarter (D29)."""


def filed_under(registry: Registry, windows: set[str], people: set[str]) -> set[str]:
    """The windows under which the facts behind these windows' and people's standings are stored.

    A fact is stored under the window it was recorded against: a person's, under one of the windows of their
    assignments. A window's standing also counts the facts of everyone ever assigned to it (D8, D7), wherever those
    were recorded, because a move entered later re-attributes them by day (D23).
    """
    needed = set(windows)
    everyone = set(people)
    if windows:
        everyone.update(pid for pid, p in registry.people.items()
                        if any(a["window"] in windows for a in p["assignments"]))
    for pid in everyone:
        person = registry.people.get(pid)
        if person is not None:
            needed.update(a["window"] for a in person["assignments"] if a["window"] is not None)
    return needed


class StandingsCache:
    """Current standings of each quarter, caught up from the position they were derived at."""

    def __init__(self, projection: QuarterProjection, catalogue: Catalogue) -> None:
        self.projection = projection
        self.catalogue = catalogue

    def standings(self, quarter: str, st: State) -> Standings:
        """The quarter's standings as the (caught-up) projection state `st` stands."""
        storage = self.projection.storage
        blob = storage.load(PREFIX + quarter)
        cached = orjson.loads(blob) if blob is not None else None
        if (cached is None or cached.get("v") != VERSION or cached.get("fold") != FOLD_VERSION
                or cached.get("rules") != self.catalogue.sha256 or cached["position"] > st.position):
            # a cache derived under other rules (a revision adopted since, D36) is derived again whole
            return self._derive_all(quarter, st, store=cached is None or cached["position"] <= st.position)
        ws = {k: Standing.from_json(k, v) for k, v in cached["windows"].items()}
        ss = {k: Standing.from_json(k, v) for k, v in cached["staff"].items()}
        if cached["position"] == st.position:
            return Standings(quarter, st.position, cached["status"], ws, ss, cached["shortlist"],
                             cached["decision"], cached["published"])
        touched = self._touched(quarter, cached["notification_id"], st)
        if touched is None:
            return self._derive_all(quarter, st)
        windows, people = touched
        q = self.projection.quarter_part(quarter, filed_under(st.registry, windows, people))
        if windows or people:
            fresh_w, fresh_s = standings_of(q, st.registry, self.catalogue, quarter, detail=False, only=touched)
            ws.update(fresh_w)
            ss.update(fresh_s)
        out = quarter_standings(q, quarter, st.position, ws, ss)
        self._store(out, st)
        return out

    def _touched(self, quarter: str, after_id: int, st: State) -> tuple[set[str], set[str]] | None:
        """Windows and people whose standing the events since `after_id` may change; None: derive all."""
        windows: set[str] = set()
        people: set[str] = set()
        # one page of at most MAX_DELTA + 1 rows: more than MAX_DELTA events to sort means deriving all anyway
        rows = next(iter(self.projection.ledger.pages(after_id, MAX_DELTA + 1)), [])
        for seen, (nid, originator_id, _, row_topic, state) in enumerate(rows, 1):
            if nid > st.notification_id:
                break
            if seen > MAX_DELTA or row_topic in REGISTRY_TOPICS:
                return None
            if row_topic in NEW_FACTS:
                fact: dict[str, Any] | None = decode_raw(state)
            elif row_topic in FOLLOW_UPS:
                fact = self.projection.ledger.fact_fields(fact_key(originator_id))
            else:
                continue
            day = fact.get("date") if fact is not None else None
            if fact is not None and day is not None and fact.get("quarter", quarter_of_iso(iso_day(day))) == quarter:
                windows.add(fact["window"])
                staff = fact.get("staff")
                if staff is not None:
                    people.add(staff)
                    # D23: it counts for the person's window of its day, which a move entered after the fact was
                    # recorded may have changed (the stored window stays the one of the recording)
                    at = st.registry.window_on(staff, iso_day(day))
                    if at is not None:
                        windows.add(at)
        return windows, people

    def _derive_all(self, quarter: str, st: State, store: bool = True) -> Standings:
        q = self.projection.quarter(quarter)
        ws, ss = standings_of(q, st.registry, self.catalogue, quarter, detail=False)
        out = quarter_standings(q, quarter, st.position, ws, ss)
        if store:
            self._store(out, st)
        return out

    def _store(self, s: Standings, st: State) -> None:
        doc: dict[str, Any] = {
            "v": VERSION, "fold": FOLD_VERSION, "rules": self.catalogue.sha256, "position": st.position,
            "notification_id": st.notification_id,
            "status": s.status, "shortlist": s.shortlist, "decision": s.decision, "published": s.published,
            "windows": {k: w.to_json() for k, w in s.windows.items()},
            "staff": {k: p.to_json() for k, p in s.staff.items()},
        }
        self.projection.storage.put({PREFIX + s.quarter: orjson.dumps(doc)})

    def published_rows(self, quarter: str, position: int, derive_rows: Callable[[], ReportRows]) -> ReportRows:
        """The report rows as the ledger stood at a publication's results position: they never change
        (later events cannot alter a prefix of the ledger), so they are derived once and kept."""
        key = f"{PUBLISHED_PREFIX}{quarter}:{position}"
        blob = self.projection.storage.load(key)
        if blob is not None:
            cached = orjson.loads(blob)
            if (cached.get("v") == VERSION and cached.get("fold") == FOLD_VERSION
                    and cached.get("rules") == self.catalogue.sha256):
                return cached["rows"]
        rows = derive_rows()
        self.projection.storage.put({key: orjson.dumps({"v": VERSION, "fold": FOLD_VERSION,
                                                        "rules": self.catalogue.sha256, "rows": rows})})
        return rows

