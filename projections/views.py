"""Answers to the CLI's questions from the materialised projection: report, explain, audit, year."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from ledger.calendar import quarter_label
from ledger.errors import InvalidInput, NotFound
from ledger.integrity.seal import seal_key
from ledger.runtime.gcpause import collector_paused
from projections.engine.materialised import QuarterProjection
from projections.engine.sealed import ProjectionMoved, ProjectionTampered
from projections.fold.state import QuarterState, State
from projections.scoring.results import rules_ref
from projections.scoring.standings import recorded_by

# Each question imports its own code where it is asked (the report's standings cache and publication check,
# explain's steps, the audit's review fold, todo's items, the shortlist's selection): a command pays at start-up
# only for the modules its own answer needs (issue 15: `kaoping report` no longer imports explain's, todo's and
# the audit's ~10 modules, nor `todo` the report's). The same for the parts a question takes only on some paths:
# a report from the cached standings derives nothing (scoring.derive), reads no 公示 or working-day calendar
# (review_view, review_rows, workdays) and checks no digest (publication) unless the quarter was published or a
# 复核 overturned a fact; `todo` shows no 满意率 (voice_view).
if TYPE_CHECKING:
    from ledger.catalogue import Catalogue
    from ledger.integrity.who_acted import WhoActed
    from ledger.revisions import RulesInForce
    from ledger.storage.reader import ReadableLedger
    from ledger.workdays import WorkCalendar
    from projections.engine.standings_cache import StandingsCache
    from projections.fold.entries import PublishedEntry
    from projections.scoring.results import QuarterResult, ReportRows, StaffResult, WindowResult
    from projections.todo_items import TodoItem


P = ParamSpec("P")
R = TypeVar("R")


MOVED_RETRIES = 5
"""How many times a question is asked again when another process replaced the blobs it was reading."""


def _sound(method: Callable[Concatenate[Views, P], R]) -> Callable[Concatenate[Views, P], R]:
    """Answer again from a projection folded afresh when the stored one turns out altered while reading it, and from
    the seal as it now stands when another process replaced what it was reading (a compaction, a split, a rebuild)."""

    @functools.wraps(method)
    def answer(self: Views, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._asking:  # a question inside a question: the outermost one answers again, from one state
            return method(self, *args, **kwargs)
        self._asking = True
        try:
            for retry in range(MOVED_RETRIES + 1):
                try:
                    try:
                        return method(self, *args, **kwargs)
                    except ProjectionTampered as exc:
                        self._state = self.projection.recover(exc)
                        return method(self, *args, **kwargs)
                except ProjectionMoved:
                    if retry == MOVED_RETRIES:
                        raise
                    self._state = None
                    self.projection.forget()
            raise AssertionError("unreachable")
        finally:
            self._asking = False

    return answer


class Views:
    """One command's view of the ledger: the projection caught up once, then derived as asked.

    With the seal key the answers come from the projection kept in the database, read only as its seal vouches
    for it; without it (`Views(ledger)`, or no key file where `for_key_file` looks) from the events themselves,
    folded in memory — as `publish` and the publication files always do.
    """

    def __init__(self, ledger: ReadableLedger, seal: bytes | None = None) -> None:
        """`ledger`: the full Ledger, or a LedgerReader (SQLite questions that need not import eventsourcing)."""
        self.ledger = ledger
        self.projection = QuarterProjection(ledger, seal)
        self._state: State | None = None
        self._calendar: WorkCalendar | None = None
        self._rules: RulesInForce | None = None
        self._who: WhoActed | None = None
        self._asking = False  # inside a question (`_sound`)

    @classmethod
    def for_key_file(cls, ledger: ReadableLedger, key_file: str | os.PathLike[str] | None = None) -> Views:
        """The views kept under the seal key of the signing key file (--key, KAOPING_KEY or beside the ledger)."""
        return cls(ledger, seal_key(ledger.location, key_file))

    @property
    def from_events(self) -> bool:
        """Whether the answers are folded from the events in memory (no seal key: nothing stored is trusted)."""
        return not self.projection.kept

    @property
    def tampered(self) -> str | None:
        """Why the stored projection was dropped and folded again from the events, if it was."""
        return self.projection.tampered

    @property
    def catalogue(self) -> Catalogue:
        """The rules the center adopted at init: the vocabulary every revision it adopts shares (D36)."""
        return self.ledger.catalogue

    def catalogue_for(self, quarter: str, as_of: int | None = None) -> Catalogue:
        """The rules a quarter is scored under: the revision in force on its first day, as recorded by `as_of` (D36)."""
        if self._rules is None:
            self._rules = self.ledger.rules_in_force()
        return self._rules.catalogue_for(quarter, as_of)

    @property
    def state(self) -> State:
        """The fold state, caught up with the ledger."""
        if self._state is None:
            self._state = self.projection.catch_up()
        return self._state

    @property
    def calendar(self) -> WorkCalendar:
        """The working-day calendar: the shipped years and the center's added ones (D28)."""
        if self._calendar is None:
            from ledger.storage.review_rows import work_calendar

            self._calendar = work_calendar(self.ledger)
        return self._calendar

    @_sound
    def todo(self, today: date) -> list[TodoItem]:
        """Everything waiting, as of today (projections/todo.py)."""
        from projections.todo import TodoContext, todo

        st = self.state
        quarters = {q: s for q in self.projection.quarters() if (s := self.quarter_state(q)) is not None}
        ctx = TodoContext(quarters, st.registry, self.catalogue, self.calendar, today)
        return todo(ctx, self.ledger.streams_between)

    def check_as_of(self, as_of: int | None) -> int | None:
        """A ledger position within the ledger, or a refusal."""
        if as_of is None:
            return None
        if as_of < 1 or as_of > self.state.position:
            raise InvalidInput(f"账本位置 {as_of} 超出范围（当前账本共有 {self.state.position} 个事件）")
        return as_of

    @_sound
    def quarter_state(self, quarter: str) -> QuarterState | None:
        """The stored facts of one quarter."""
        self.state  # noqa: B018 - catch up first
        with collector_paused():
            return self.projection.quarter(quarter)

    @_sound
    def result(self, quarter: str, as_of: int | None = None, detail: bool = True) -> QuarterResult:
        """A quarter's results as the ledger stands (or stood at `as_of`)."""
        from projections.scoring.derive import derive

        as_of = self.check_as_of(as_of)
        st = self.state
        q = self.quarter_state(quarter)
        with collector_paused():
            return derive(q, st.registry, self.catalogue_for(quarter, as_of), quarter, as_of, position=st.position,
                          detail=detail)

    # --- quarter life ---------------------------------------------------------------------------

    @_sound
    def shortlist(self, quarter: str, windows_n: int, staff_m: int) -> tuple[list[str], list[str]]:
        """The 入围名单 the scores give now: top N / M eligible, ties at the cut included (D13); a window or person
        that left the center before the quarter's end is not eligible (D21, D22)."""
        from projections.scoring.stars import select_shortlist

        res = self.result(quarter)
        windows = select_shortlist([(w.code, w.score, w.eligible and w.left is None) for w in res.windows], windows_n)
        staff = select_shortlist([(p.id, p.score, p.eligible and p.left is None) for p in res.staff], staff_m)
        return windows, staff

    @_sound
    def disqualified_picks(self, quarter: str, red_flag: list[str], five: list[str], four: list[str]) -> list[str]:
        """Picks that a disqualification has made ineligible since the shortlist was frozen."""
        res = self.result(quarter)
        bad = [w.code for w in res.windows if w.code in red_flag and w.shortlisted and not w.eligible]
        bad += [p.id for p in res.staff if p.id in five + four and p.shortlisted and not p.eligible]
        return bad

    def departed_picks(self, quarter: str, red_flag: list[str], five: list[str], four: list[str]) -> list[str]:
        """Picks that left the center before the quarter's end, after the shortlist was frozen (D21, D22)."""
        res = self.result(quarter)
        gone = [w.code for w in res.windows if w.code in red_flag and w.left is not None]
        gone += [p.id for p in res.staff if p.id in five + four and p.left is not None]
        return gone

    # --- questions ------------------------------------------------------------------------------

    @_sound
    def report(self, quarter: str, as_of: int | None = None) -> dict[str, Any]:
        """The report document of CLI.md, with the published result beside the current one (D19).

        The current report comes from the cached standings (only what changed is derived again);
        `--as-of` derives the quarter as it stood then.
        """
        from projections import voice_view
        from projections.engine.standings_cache import StandingsCache
        from projections.scoring.rows import report_rows

        as_of = self.check_as_of(as_of)
        with collector_paused():
            cat = self.catalogue_for(quarter, as_of)
            cache = StandingsCache(self.projection, cat, lambda q: self._beside(q, cat))
            if as_of is None:
                s, beside = cache.report_parts(quarter, self.state)
                assert beside is not None
                status, position, published, rows = s.status, s.position, s.published, report_rows(cat, s)
            else:
                res = self.result(quarter, as_of, detail=False)
                status, position, published, rows = res.status, res.position, res.published, res.rows
                beside = self._beside(self.quarter_state(quarter), cat, as_of)
            doc: dict[str, Any] = {"quarter": quarter, "status": status, "position": position, "rules": rules_ref(cat),
                                   **rows}
            doc["announced"] = beside["announced"]
            doc["appeals"] = beside["appeals"]
            # 复核's before-and-after compares with the current rows: derived from the whole quarter, when there is one
            doc["before_review"] = None
            if beside["overturned"]:
                from projections import review_view as review

                doc["before_review"] = review.before_review_doc(
                    self.quarter_state(quarter), self.state.registry, cat, quarter, as_of, rows)
            if published is not None:
                doc["published"] = self._published(quarter, as_of, published, rows, cache)
            return voice_view.annotated(doc, voice_view.Figures.from_json(beside["voice"]),
                                        voice_view.overdue_day(self.ledger, self.state, as_of))

    def _beside(self, q: QuarterState | None, cat: Catalogue, as_of: int | None = None) -> dict[str, Any]:
        """The report's parts beside its rows, from the quarter's whole state (kept beside the cached standings, as
        JSON: projections/engine/standings_cache.py) — 公示, appeals, whether a 复核 overturned a fact, and the
        满意率 tallies and open rectifications."""
        from projections import review_view as review
        from projections import voice_view
        from projections.scoring.review import overturned

        return {"announced": review.announced(q, self.calendar, as_of), "appeals": review.appeals_of(q, as_of),
                "overturned": q is not None and bool(overturned(q, as_of)),
                "voice": voice_view.figures(q, cat, self.calendar, as_of).to_json()}

    def _published(self, quarter: str, as_of: int | None, published: PublishedEntry, rows: ReportRows,
                   cache: StandingsCache) -> dict[str, Any]:
        """The published result beside the current one (D19): its digest checked again over exactly the fields of
        the version it recorded (D18), from the rows as the ledger stood at its results position — with the names
        in force then."""
        from projections.scoring import publication
        from projections.scoring.derive import amendments_of

        pub_at = published["position"]
        pub_rows = cache.published_rows(
            quarter, pub_at, lambda: self.result(quarter, pub_at, detail=False).rows
        ) if pub_at >= 1 else rows
        version = published["version"]
        pinned = publication.RowsAt(quarter, pub_at, pub_rows, rules_ref(self.catalogue_for(quarter, pub_at)))
        q = self.quarter_state(quarter) or QuarterState(quarter)
        return {
            "position": published["p"],
            "results_position": pub_at,
            "digest": published["digest"],
            "digest_version": version,
            "digest_matches": publication.known_version(version)
            and publication.digest(pinned, version) == published["digest"],
            "differences": publication.differences(pub_rows, rows),
            "amendments": list(amendments_of(q, as_of, pub_at)),
            # a decision amended after publication is an amendment too (D25, D19): its reason, beside the facts
            "amended_decisions": [{"position": d["p"], "recorder": d["a"], "reason": d["reason"]}
                                  for d in recorded_by(q.decisions, as_of) if d["p"] > published["p"]],
        }

    @property
    def who(self) -> WhoActed:
        """Who acted at each position, as `verify` confirms it (checked once per command, only with actors)."""
        if self._who is None:
            from ledger.integrity.who_acted import who_acted  # explain's and the audit's, not the report's

            self._who = who_acted(self.ledger)
        return self._who

    @_sound
    def explain(self, quarter: str, window: str | None, staff: str | None, as_of: int | None = None
                ) -> dict[str, Any]:
        """Every step behind one window's or person's quarter."""
        if bool(window) == bool(staff):
            raise InvalidInput("请指定 --window 或 --staff 其中之一")
        from projections import acted_roles, voice_view
        from projections import review_view as review
        from projections.fact_notes import add_notes
        from projections.scoring.explain import explain_staff, explain_window

        res = self.result(quarter, as_of)
        q = self.quarter_state(quarter)
        cat = self.catalogue_for(quarter, as_of)
        if window:
            w = res.window(window)
            if w is None:
                if window in self.state.registry.windows:
                    raise NotFound(f"窗口 {window} 在{quarter_label(quarter)}不在中心，不参加该季度考评")
                raise NotFound(f"未登记的窗口：{window}")
            doc = add_notes(explain_window(cat, res, w, q, as_of), self.ledger.fact_fields)
            doc["appeals"] = [a for a in review.appeals_of(q, as_of) if a["window"] == window]
            return {**acted_roles.explained(doc, self.who),
                    **voice_view.subject_figures(q, cat, as_of, window=window)}
        assert staff is not None
        p = res.person(staff)
        if p is None:
            if staff in self.state.registry.people:
                raise NotFound(f"人员 {staff} 在{quarter_label(quarter)}没有在中心任何窗口工作，不参加该季度考评")
            raise NotFound(f"未登记的人员：{staff}")
        doc = add_notes(explain_staff(cat, res, p, q, as_of), self.ledger.fact_fields)
        doc["appeals"] = [a for a in review.appeals_of(q, as_of) if a["staff"] == staff]
        return {**acted_roles.explained(doc, self.who), **voice_view.subject_figures(q, cat, as_of, staff=staff)}

    @_sound
    def disqualifications(self, year: int | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        """Every disqualification in the ledger (optionally of one year and kind), with its event chain."""
        from projections import acted_roles
        from projections.fact_chain import fact_chain
        from projections.scoring.explain import disqualification_doc

        if kind is not None:
            self.catalogue.disqualification(kind)
        out = []
        self.state  # noqa: B018 - catch up first
        for quarter in self.projection.quarters():
            if year is not None and int(quarter[:4]) != year:
                continue
            res = self.result(quarter)
            q = self.quarter_state(quarter)
            subjects: list[WindowResult | StaffResult] = [*res.windows, *res.staff]
            for s in subjects:
                for d in s.disqualifications:
                    if kind is not None and d.kind != kind:
                        continue
                    doc = disqualification_doc(self.catalogue_for(quarter), d)
                    doc["chain"] = [fact_chain(q, fid) for fid in d.caused_by]
                    out.append(doc)
        return acted_roles.chained(out, self.who)

    @_sound
    def overturned_disqualifications(self, year: int | None = None, kind: str | None = None) -> list[dict[str, Any]]:
        """The disqualifications a 复核 cancelled (their fact's appeal overturned, D29), with their event chains: the
        audit shows what was found and undone, not only what stands."""
        from projections import acted_roles
        from projections import review_view as review
        from projections.fact_chain import fact_chain
        from projections.fold.entries import fact_key
        from projections.scoring.derive import derive
        from projections.scoring.explain import disqualification_doc
        from projections.scoring.review import before_review

        out = []
        self.state  # noqa: B018 - catch up first
        for quarter in self.projection.quarters():
            q = self.quarter_state(quarter)
            if (year is not None and int(quarter[:4]) != year) or q is None:
                continue
            undone = review.overturned_facts(q)
            if not undone:
                continue
            cat = self.catalogue_for(quarter)
            before = derive(before_review(q), self.state.registry, cat, quarter, None)
            subjects: list[WindowResult | StaffResult] = [*before.windows, *before.staff]
            for s in subjects:
                for d in s.disqualifications:
                    if (kind is None or d.kind == kind) and undone & {fact_key(f) for f in d.caused_by}:
                        doc = disqualification_doc(cat, d)
                        doc["chain"] = [fact_chain(q, fid) for fid in d.caused_by]
                        out.append(doc)
        return acted_roles.chained(out, self.who)

    @_sound
    def year(self, year: int) -> dict[str, Any]:
        """Each window's 红旗窗口 quarters of a year, and every year-scoped disqualification."""
        quarters = [f"{year}Q{n}" for n in range(1, 5)]
        st = self.state
        stored = set(self.projection.quarters())
        results = [self.result(q) for q in quarters if q in stored]
        windows = []
        for code, w in st.registry.windows.items():
            flags = [r.quarter for r in results if (x := r.window(code)) is not None and x.red_flag]
            windows.append({"code": code, "name": w["name"], "red_flag_quarters": flags})
        dqs = [d for d in self.disqualifications(year) if any(s.startswith("year-") for s in d["scopes"])]
        for d in dqs:
            d["year_scopes"] = [s for s in d["scopes"] if s.startswith("year-")]
            d["year_scope_names"] = [self.catalogue.scopes[s] for s in d["year_scopes"]]
        return {"year": year, "windows": windows, "disqualifications": dqs}
