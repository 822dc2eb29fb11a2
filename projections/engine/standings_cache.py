"""Each quarter's current standings, stored beside the fold state, so a report after a few more events
re-derives only the windows and people those events touched instead of all of them.

The cache of a quarter records the ledger position it was derived at. When the projection has moved on,
the events since then are read (a handful, usually) and sorted: a new fact or a follow-up of this
quarter marks its window and person; a person registered, moved, left or renamed marks that person and the
windows their facts of the quarter counted for at the cache's position or count for now (`windows_changed`); a
shortlist, decision or publication changes no standing; a window's registry event or a long backlog derives the
quarter again.
The subjects marked are derived from the quarter's facts exactly as a full derivation would (the same
`standings_of`), and a property test holds the cached report equal to the full one.

What is read for them is bounded by the quarter, not by history (issue 15: with 7,509 moves in ten years,
"every window any of its people ever worked at" was nearly all 60, so one event re-derived the whole quarter):
the cache keeps, per person, the windows their facts of this quarter are filed under (`filed`, exact by
construction: counted from the quarter's facts, added to as new ones land), and the people a window's standing
needs are those assigned to it on a day of the quarter (D2, D23: `assigned`, kept too, each person's entry derived
again when their registry entry changed) or with facts filed under it.

Beside the standings it keeps the report's other parts (公示, appeals, 满意率 tallies, open rectifications:
`beside`, computed by the caller from the whole quarter), so a report after a few findings or claims need not load
the quarter at all; any other event of a fact stream, appeal, voice, quarter step, calendar year or rules revision
computes them again from the whole quarter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import orjson

from ledger import topics
from ledger.calendar import iso_day, quarter_bounds
from ledger.catalogue import Catalogue
from ledger.ids import calendar_id
from ledger.registry import Registry
from ledger.storage.rows import decode_raw
from ledger.topics import topic
from projections.engine.chunks import QUARTER_PREFIX
from projections.engine.materialised import QuarterProjection
from projections.fold.entries import fact_key, quarter_of_iso
from projections.fold.handlers import REGISTRY_TOPICS
from projections.fold.state import FOLD_VERSION, QuarterState, State
from projections.scoring.results import ReportRows
from projections.scoring.standings import Standing, Standings, quarter_standings, standings_of

PREFIX = "s:"
PUBLISHED_PREFIX = "p:"
VERSION = 6
"""2: standings stored as named entries (projections/scoring/standings.StandingEntry); 3: refs grouped after NFKC
without spaces (D27), so standings cached before are derived again; 4: with `left` (D21, D22); 5: with `filed`
and `beside`; 6: with `assigned`."""
MAX_DELTA = 2_000
"""More new events than this since the cache was written: derive the whole quarter again (as fast)."""


def _topics(*names: str) -> frozenset[str]:
    return frozenset(topic(n) for n in names)


NEW_FACTS = _topics("FindingRecorded", "BonusClaimed", "ComplaintReceived")
FOLLOW_UPS = _topics("FindingRetracted", "BonusVerified", "BonusRejected", "ComplaintVerified",
                     "ComplaintDismissed", "AppealUpheld", "AppealOverturned")
"""Follow-ups read their stream's first event for the subject: an appeal's names its fact's window, person and
quarter (D29)."""


STAFF_EVENTS = _topics("StaffRegistered", "StaffMoved", "StaffLeft", "StaffRenamed")
"""Registry events about one person (`staff_id`): they change that person's standing and the windows they may have
been at; any other registry event derives the quarter again."""
KEEP_BESIDE = _topics("FindingRecorded", "FindingRetracted", "BonusClaimed", "BonusVerified", "BonusRejected",
                      "ComplaintReceived") | REGISTRY_TOPICS | topics.INTEGRITY_TOPICS | topics.WITNESS_TOPICS \
    | topics.ACTOR_TOPICS | topics.PRIVACY_TOPICS
"""Events that leave the report's parts beside the rows as they were: findings and claims are not read there, a
complaint only once settled, the registry only by 复核's before-and-after (derived afresh whenever there is one)."""

Beside = Callable[[QuarterState | None], dict[str, Any]]
"""The report's parts beside its rows, computed from a quarter's whole state (projections/views.py)."""


def filed_of(q: QuarterState | None) -> dict[str, set[str]]:
    """Each person's windows their facts of the quarter are filed under (the window recorded with the fact)."""
    out: dict[str, set[str]] = {}
    if q is not None:
        facts: tuple[dict[str, Any], ...] = (q.findings, q.claims, q.complaints)
        for entries in facts:
            for e in entries.values():
                person = e["s"]
                if person is not None:
                    # one lookup, no empty set made per fact (~19,000 facts a quarter: 3.8 -> 2.2 ms)
                    windows = out.get(person)
                    if windows is None:
                        out[person] = {e["w"]}
                    else:
                        windows.add(e["w"])
    return out


def windows_during(registry: Registry, person: str, first: str, last: str, as_of: int | None = None) -> set[str]:
    """D2: the windows a person is assigned to on at least one day first…last (ISO), as the registry stands (or
    stood at position `as_of`)."""
    entry = registry.people.get(person)
    if entry is None:
        return set()
    out = {w} if (w := registry.window_on(person, first, as_of)) is not None else set()
    out.update(a["window"] for a in entry["assignments"] if first < a["since"] <= last and a["window"] is not None
               and (as_of is None or a["p"] <= as_of))
    return out


def windows_changed(registry: Registry, person: str, first: str, last: str, then: int,
                    filed: dict[str, set[str]]) -> set[str]:
    """The windows whose standing in first…last a change to one person's registry entry since position `then` may
    alter: those the person's facts count for as the registry stood then (when the cache was derived) and as it
    stands now — D23's window of each fact's day, `Registry.window_on` at each position — and the windows their
    facts are filed under (what a fact counts for on a day no window holds).

    Before, every window the person was assigned to in the quarter as the registry stood at *any* position was
    taken (an assignment from before the quarter counted unless superseded by one recorded earlier): in a generated
    1M-event ledger 6–11 windows for one move, whose people's facts were filed under 34–49 of the 60 windows, so a
    report after a move read and derived most of the quarter; the cached standings are those of the registry at
    `then`, so the two ends are all that can differ (usually the old window and the new one)."""
    return (windows_during(registry, person, first, last, then) | windows_during(registry, person, first, last)
            | filed.get(person, set()))


def assigned_of(registry: Registry, quarter: str, people: Iterable[str] | None = None,
                assigned: dict[str, set[str]] | None = None) -> dict[str, set[str]]:
    """Each window's people assigned to it on a day of the quarter (`windows_during`, the registry as it stands):
    of everyone, or `assigned` with these people's entries derived again (their registry entries changed).

    Kept beside the standings, it spares each report a scan of every person's assignments for the people of the
    windows it derives again (~9,000 assignments: ~3 ms of a report after one event on the 1M-event ledger)."""
    first, last = (d.isoformat() for d in quarter_bounds(quarter))
    out = {w: set(ps) for w, ps in assigned.items()} if assigned is not None else {}
    again = registry.people if people is None else people
    if people is not None:
        for ps in out.values():
            ps.difference_update(again)
    for pid in again:
        for w in windows_during(registry, pid, first, last):
            out.setdefault(w, set()).add(pid)
    return out


def filed_under(windows: set[str], people: set[str], filed: dict[str, set[str]],
                assigned: dict[str, set[str]]) -> tuple[set[str], set[str]]:
    """The windows under which the facts behind these windows' and people's standings of the quarter are filed,
    and the people whose facts those standings may count (`narrowed` keeps only theirs).

    A person's standing counts their facts of the quarter, filed under the windows in `filed`. A window's counts
    its own facts and those of everyone assigned to it on the fact's day (D8, D7, D23) — the people assigned to it
    on a day of the quarter (`assigned`), wherever their facts were filed — or, when the registry has no window for
    that day, the window filed with the fact.
    """
    everyone = set(people)
    if windows:
        for w in windows:
            everyone.update(assigned.get(w, ()))
        everyone.update(pid for pid, ws in filed.items() if ws & windows)
    needed = set(windows)
    for pid in everyone:
        needed.update(filed.get(pid, ()))
    return needed, everyone


def narrowed(q: QuarterState, windows: set[str], everyone: set[str]) -> QuarterState:
    """A quarter's part with only the facts these windows' standings and `everyone`'s may count: those filed
    under one of the windows, and those of a person in `everyone` (`filed_under`'s).

    Any other fact counts for neither: its person (if any) is not re-derived, and it counts for the window of
    their fact's day (D23), which is none of these (`everyone` holds each person assigned to one of them on a day
    of the quarter), or, on a day no window holds, for the window it is filed under, not one of these either. The
    parts of the 12–16 windows read after a move in the 1M-event ledger hold 3,800–5,300 facts of 220–300 people,
    of which `standings_of` needs 600–800 of 30–45: it no longer looks up each other fact's window of the day
    (D23) only to leave it out (7.1 -> 1.7 ms). Follow-ups,
    appeals and the quarter's steps stay whole (a follow-up whose fact is left out counts for no one)."""
    def kept(entries: dict[str, Any]) -> dict[str, Any]:
        return {k: e for k, e in entries.items() if e["w"] in windows or e["s"] in everyone}

    return replace(q, findings=kept(q.findings), claims=kept(q.claims), complaints=kept(q.complaints))


class StandingsCache:
    """Current standings of each quarter, caught up from the position they were derived at."""

    def __init__(self, projection: QuarterProjection, catalogue: Catalogue, beside: Beside | None = None) -> None:
        """`beside`: the report's other parts from a whole quarter, kept beside the standings (None: not kept)."""
        self.projection = projection
        self.catalogue = catalogue
        self.beside = beside

    def standings(self, quarter: str, st: State) -> Standings:
        """The quarter's standings as the (caught-up) projection state `st` stands."""
        return self.report_parts(quarter, st)[0]

    def report_parts(self, quarter: str, st: State) -> tuple[Standings, dict[str, Any] | None]:
        """The quarter's standings, and the parts `beside` computes (None without it), as `st` stands."""
        storage = self.projection.storage
        blob = storage.load(PREFIX + quarter)
        cached = orjson.loads(blob) if blob is not None else None
        if (cached is None or cached.get("v") != VERSION or cached.get("fold") != FOLD_VERSION
                or cached.get("rules") != self.catalogue.sha256 or cached["position"] > st.position):
            # a cache derived under other rules (a revision adopted since, D36) is derived again whole
            return self._derive_all(quarter, st, store=cached is None or cached["position"] <= st.position)
        ws = {k: Standing.from_json(k, v) for k, v in cached["windows"].items()}
        ss = {k: Standing.from_json(k, v) for k, v in cached["staff"].items()}
        filed = {k: set(v) for k, v in cached["filed"].items()}
        assigned = {k: set(v) for k, v in cached["assigned"].items()}
        beside = cached["beside"]
        kept = Standings(quarter, st.position, cached["status"], ws, ss, cached["shortlist"], cached["decision"],
                         cached["published"])
        if cached["position"] == st.position:
            if beside is None and self.beside is not None:
                beside = self.beside(self.projection.quarter(quarter))
                self._store(kept, st, filed, assigned, beside)
            return kept, beside
        touched = self._unchanged_quarter(quarter, cached, st, filed)
        if touched is not None and not (touched[0] or touched[1]):
            # nothing of the quarter landed and no one in it changed: the standings and steps stand, at this position
            if not touched[2] or beside is None:
                beside = self.beside(self.projection.quarter(quarter)) if self.beside is not None else None
                self._store(kept, st, filed, assigned, beside)
            elif st.notification_id - cached["notification_id"] > MAX_DELTA // 2:
                # stored again (~150 kB) only now and then: the cache stays valid where it is, but a late fact
                # into the quarter is followed from the events after it only within MAX_DELTA of them
                self._store(kept, st, filed, assigned, beside)
            return kept, beside
        if touched is None:
            touched = self._touched(quarter, cached["notification_id"], cached["position"], st, filed)
        if touched is None:
            return self._derive_all(quarter, st)
        windows, people, keeps_beside = touched
        assigned = assigned_of(st.registry, quarter, people, assigned)
        needed, everyone = filed_under(windows, people, filed, assigned)
        q = self.projection.quarter_part(quarter, needed)
        if windows or people:
            fresh_w, fresh_s = standings_of(narrowed(q, windows, everyone), st.registry, self.catalogue, quarter,
                                            detail=False, only=touched[:2])
            # a subject derived again and gone from the quarter (a person moved out of it) is dropped; the order is
            # the registry's, as a full derivation's
            ws = {k: v for k, v in ws.items() if k not in windows} | fresh_w
            ss = {k: v for k, v in ss.items() if k not in people} | fresh_s
            ws = {c: ws[c] for c in st.registry.windows if c in ws}
            ss = {pid: ss[pid] for pid in st.registry.people if pid in ss}
        out = quarter_standings(q, quarter, st.position, ws, ss)
        if not keeps_beside or beside is None:
            beside = self.beside(self.projection.quarter(quarter)) if self.beside is not None else None
        self._store(out, st, filed, assigned, beside)
        return out, beside

    def _unchanged_quarter(self, quarter: str, cached: dict[str, Any], st: State, filed: dict[str, set[str]]
                           ) -> tuple[set[str], set[str], bool] | None:
        """Windows and people whose standing may have changed since the cache, without reading the events since,
        when none of them landed in this quarter; None when some did (or a window changed: derive all).

        A quarter's chunks are keyed by the notification id of the catch-up (or spill) that stored them, never
        below the ids of the events in them (projections/engine/chunks.py): no key of the quarter past the cache's
        id means no fact, follow-up, appeal, rating or quarter step of it landed since. What else a report of the
        quarter reads is the registry, whose every entry records the position that recorded it (so the people and
        windows changed since are read off it: a window's change derives all, a person's entry from a day after
        the quarter changes nothing in it, D2), the working-day calendar (a year added since: the parts beside the
        rows again) and the rules (checked by their sha256 above). This lets the cache of an older quarter follow
        any number of events elsewhere (issue 15 aim 3: its first report after ~10,000 events derived the whole
        quarter again, ~250 ms) at the cost of a scan of the registry's entries (~2 ms for 1,000 people)."""
        after_id, after = cached["notification_id"], cached["position"]
        if any(int(k.split(":")[2]) > after_id for k in self.projection.storage.keys(f"{QUARTER_PREFIX}{quarter}:")):
            return None
        registry = st.registry
        center = registry.center
        if center is not None and center["p"] > after:
            return None
        for w in registry.windows.values():
            if (w["p"] > after or any(e["p"] > after for e in w["presence"])
                    or any(e["p"] > after for e in w["names"])):
                return None
        first, last = (d.isoformat() for d in quarter_bounds(quarter))
        windows: set[str] = set()
        people: set[str] = set()
        for pid, e in registry.people.items():
            # plain loops, not any(genexpr): ~9,500 entries each report (1.1 -> 0.4 ms)
            changed = e["p"] > after
            if not changed:
                for a in e["assignments"]:
                    if a["p"] > after and a["since"] <= last:
                        changed = True
                        break
            if not changed:
                for n in e["names"]:
                    if n["p"] > after and (n["since"] is None or n["since"] <= last):
                        changed = True
                        break
            if changed:
                people.add(pid)
                windows.update(windows_changed(registry, pid, first, last, after, filed))
        keeps_beside = not any(nid > after_id and row_topic in topics.CALENDAR_TOPICS
                               for nid, row_topic, _ in self.projection.ledger.stream_rows(calendar_id()))
        return windows, people, keeps_beside

    def _touched(self, quarter: str, after_id: int, after: int, st: State, filed: dict[str, set[str]]
                 ) -> tuple[set[str], set[str], bool] | None:
        """Windows and people whose standing the events since `after_id` (position `after`) may change, and whether
        the parts beside the rows stay as they were; None: derive all. New facts' windows are added to `filed`."""
        windows: set[str] = set()
        people: set[str] = set()
        keeps_beside = True
        first, last = (d.isoformat() for d in quarter_bounds(quarter))
        # one page of at most MAX_DELTA + 1 rows: more than MAX_DELTA events to sort means deriving all anyway
        rows = next(iter(self.projection.ledger.pages(after_id, MAX_DELTA + 1)), [])
        for seen, (nid, originator_id, _, row_topic, state) in enumerate(rows, 1):
            if nid > st.notification_id:
                break
            if seen > MAX_DELTA or (row_topic in REGISTRY_TOPICS and row_topic not in STAFF_EVENTS):
                return None
            keeps_beside = keeps_beside and row_topic in KEEP_BESIDE
            if row_topic in STAFF_EVENTS:
                person = decode_raw(state)["staff_id"]
                people.add(person)
                windows.update(windows_changed(st.registry, person, first, last, after, filed))
                continue
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
                    if row_topic in NEW_FACTS:
                        filed.setdefault(staff, set()).add(fact["window"])
                    # D23: it counts for the person's window of its day, which a move entered after the fact was
                    # recorded may have changed (the stored window stays the one of the recording)
                    at = st.registry.window_on(staff, iso_day(day))
                    if at is not None:
                        windows.add(at)
        return windows, people, keeps_beside

    def _derive_all(self, quarter: str, st: State, store: bool = True) -> tuple[Standings, dict[str, Any] | None]:
        q = self.projection.quarter(quarter)
        ws, ss = standings_of(q, st.registry, self.catalogue, quarter, detail=False)
        out = quarter_standings(q, quarter, st.position, ws, ss)
        beside = self.beside(q) if self.beside is not None else None
        if store:
            self._store(out, st, filed_of(q), assigned_of(st.registry, quarter), beside)
        return out, beside

    def _store(self, s: Standings, st: State, filed: dict[str, set[str]], assigned: dict[str, set[str]],
               beside: dict[str, Any] | None) -> None:
        doc: dict[str, Any] = {
            "v": VERSION, "fold": FOLD_VERSION, "rules": self.catalogue.sha256, "position": st.position,
            "notification_id": st.notification_id,
            "status": s.status, "shortlist": s.shortlist, "decision": s.decision, "published": s.published,
            "windows": {k: w.to_json() for k, w in s.windows.items()},
            "staff": {k: p.to_json() for k, p in s.staff.items()},
            "filed": {k: sorted(v) for k, v in filed.items()}, "beside": beside,
            "assigned": {k: sorted(v) for k, v in assigned.items()},
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

