"""Generate a large, realistic kaoping ledger fast, so the benches (rebuild, verify, report) have a real load.

How it is fast, and what it promises:
- The events are the real event classes of `ledger/events/`, encoded by the ledger's own mapper
  (OrjsonTranscoder, same topics) and inserted by its own recorder via `ledger.events.put()` (what
  `Application.save()` does, minus its per-object protocol checks) — in batches of thousands of events per
  transaction and WITHOUT the per-command validation reads of `ledger/app.py`. The generator
  keeps its own registry instead, so every event is still valid: facts name registered windows and people,
  a staff fact's `window` is the person's window on the fact's date (D2), dates lie in their quarter,
  items, sources, channels, levels, places and disqualification kinds are allowed by the catalogue,
  follow-ups (retract / verify / reject / dismiss) are version 2 of an existing stream of the right kind.
- `init` records what the real command records, stamped at the start of the generated history (every
  timestamp is historical, increasing in ledger order, after its fact's date); evidence files are real (a small
  pool staged into the evidence store and shared by the claims, content-addressed as usual).
- Several quarters from 2008Q3; every quarter but the last gets a ShortlistFrozen and a DecisionRecorded
  picked by an approximate score (raw deductions and verified bonus, no caps): plausible, but not
  guaranteed to be what the quarter fold would shortlist. No QuarterPublished (its digest needs the fold).
  The last quarter stays open, as a live ledger's would.

    python bench/generate.py --db sqlite:///big.db --events 1000000
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from cli.sample import data as demo_data
from ledger import catalogue as rules
from ledger import events as ev
from ledger import ids
from ledger.app import Ledger, open_ledger
from ledger.calendar import quarter_bounds
from ledger.catalogue import Catalogue
from ledger.errors import NotAllowed
from ledger.integrity import keys
from ledger.storage import evidence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: `bench` from the checkout
from bench.generate_actors import Cast  # noqa: E402

FIRST_QUARTER = (2008, 3)
EVENTS_PER_QUARTER = 25_000
CHINA = timezone(timedelta(hours=8))
ACTORS = ("值周组 钱志强", "中心值班室 陆晓峰", "督查科 沈红梅", "督查科 姚建华")


@dataclass(frozen=True)
class Summary:
    """What a generation run produced and how long it took."""

    url: str
    events: int
    windows: int
    staff: int
    quarters: tuple[str, ...]
    seconds: float
    counts: dict[str, int]

    def line(self) -> str:
        """One line for a bench's output."""
        rate = self.events / self.seconds if self.seconds else 0.0
        return (
            f"generated {self.events:,} events ({self.windows} windows, {self.staff} staff, "
            f"{len(self.quarters)} quarters {self.quarters[0]}–{self.quarters[-1]}) into {self.url} "
            f"in {self.seconds:.1f} s ({rate:,.0f} events/s)"
        )


def _quarters(count: int) -> list[str]:
    year, q = FIRST_QUARTER
    out: list[str] = []
    today = date.today()
    while len(out) < count:
        name = f"{year}Q{q}"
        if quarter_bounds(name)[1] >= today:
            break
        out.append(name)
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


@dataclass
class _Person:
    pid: str
    window: str
    since: date
    version: int = 1


@dataclass
class _Open:
    """A fact stream awaiting its follow-up: which kind, and what it needs to be judged validly."""

    stream: UUID
    kind: str  # "finding" | "claim" | "complaint"
    staff: bool
    channel: str = ""


@dataclass
class _QuarterTally:
    """Approximate standing for the generated shortlist: raw deductions, bonus, disqualified subjects."""

    window_points: Counter[str] = field(default_factory=Counter)
    staff_points: Counter[str] = field(default_factory=Counter)
    out: set[str] = field(default_factory=set)


class Generator:
    """Builds the events of a whole multi-quarter ledger in ledger order, day by day."""

    def __init__(self, ledger: Ledger, events: int, seed: int, evidence_pool: list[dict[str, Any]],
                 staff: int | None = None, quarters: int | None = None, cast: Cast | None = None) -> None:
        self.ledger = ledger
        self.cast = cast
        self.cat: Catalogue = ledger.catalogue
        self.rng = random.Random(seed)
        self.budget = events
        self.made = 0
        self.evidence_pool = evidence_pool
        self.counts: Counter[str] = Counter()
        n_staff = staff if staff is not None else max(150, min(1000, events // 1000))
        n_windows = max(30, min(60, n_staff // 10))
        self.windows = self._windows(n_windows)
        names = demo_data.staff_names(n_staff, seed)
        self.people = [
            _Person(f"CX{i + 1:04d}", self.windows[i % len(self.windows)][0], date(2008, 5, 1))
            for i in range(n_staff)
        ]
        self.names = names
        self.quarters = _quarters(quarters if quarters is not None else max(2, round(events / EVENTS_PER_QUARTER)))
        # A handful of disqualifications per quarter, whatever the density (a real quarter has a few).
        per_quarter = events / len(self.quarters)
        self.finding_dq = min(0.01, 3 / (per_quarter * 0.55))
        self.complaint_dq = min(0.2, 2 / (per_quarter * 0.06))
        self.followups: dict[date, list[tuple[_Open, str]]] = defaultdict(list)
        self.tallies: dict[str, _QuarterTally] = defaultdict(_QuarterTally)
        self.clock = datetime(2008, 5, 1, 8, tzinfo=CHINA)
        cat = self.cat
        self.staff_items = [i.code for c in cat.staff_categories for i in c.items]
        self.window_items = [i.code for c in cat.window_categories for i in c.items]
        self.per_violation = {i.code: c.per_violation for c in cat.window_categories + cat.staff_categories
                              for i in c.items}
        self.closings: dict[date, list[str]] = defaultdict(list)
        self.moving: list[tuple[_Person, str, date]] = []  # effective the next day, so D2 holds all day
        self.today = date(2008, 5, 1)
        self.refs = [f"稿件{i:04d}" for i in range(2000)]

    # --- helpers ------------------------------------------------------------------------------

    def _windows(self, n: int) -> list[tuple[str, str, str]]:
        base = [(w.code, w.name, w.department) for w in demo_data.WINDOWS]
        out = list(base)
        k = 2
        while len(out) < n:
            out += [(f"{c}{k}", f"{name}（{k}）", dept) for c, name, dept in base]
            k += 1
        return out[:n]

    def _uuid(self) -> UUID:
        return UUID(int=self.rng.getrandbits(128), version=4)

    def _tick(self, day: date) -> datetime:
        """The recording time: the working day's clock, never going backwards."""
        start = datetime(day.year, day.month, day.day, 8, 30, tzinfo=CHINA)
        self.clock = max(self.clock, start) + timedelta(seconds=self.rng.randint(1, 40))
        return self.clock.astimezone(UTC)

    def _event(self, cls: type[ev.Fact], stream: UUID, version: int, day: date, **fields: Any) -> ev.Fact:
        self.made += 1
        self.counts[cls.__name__] += 1
        return cls(  # type: ignore[call-arg]
            originator_id=stream, originator_version=version, timestamp=self._tick(day),
            actor=self.cast.actor(cls, stream, self.rng) if self.cast else self.rng.choice(ACTORS), **fields,
        )

    def _left(self) -> int:
        return self.budget - self.made

    # --- the ledger, in order -----------------------------------------------------------------

    def registry(self) -> Iterator[ev.Fact]:
        day = date(2008, 5, 1)
        for code, name, dept in self.windows:
            if self._left() <= 0:
                return
            yield self._event(ev.WindowRegistered, ids.window_id(code), 1, day, code=code, name=name, department=dept)
        for p, name in zip(self.people, self.names, strict=True):
            if self._left() <= 0:
                return
            yield self._event(ev.StaffRegistered, ids.staff_id(p.pid), 1, day, staff_id=p.pid, name=name,
                              window=p.window, since=p.since)

    def run(self) -> Iterator[ev.Fact]:
        """Every event after `init`, in ledger order, until the budget is spent."""
        yield from self.registry()
        first = quarter_bounds(self.quarters[0])[0]
        last = quarter_bounds(self.quarters[-1])[1]
        day = first
        quarter_idx = 0
        carry = 0.0
        while self._left() > 0:
            self.today = day
            q = self.quarters[min(quarter_idx, len(self.quarters) - 1)]
            q_first, q_last = quarter_bounds(q)
            if day > q_last and quarter_idx < len(self.quarters) - 1:
                self.closings[day + timedelta(days=10)].append(q)
                quarter_idx += 1
                continue
            yield from self._due(day)
            if day.weekday() < 5 and day <= last:
                # spread what is left over the working days left (a new fact brings ~0.3 follow-ups)
                rate = self._left() / self._workdays_left(day, last) / 1.3
                carry += rate
                while carry >= 1 and self._left() > 0:
                    carry -= 1
                    yield from self._new_fact(day, q)
            elif day > last:
                if not self.followups and not self.closings:
                    # budget left after the last quarter: more facts on its last working day
                    yield from self._new_fact(q_last - timedelta(days=max(0, q_last.weekday() - 4)), q)
            day += timedelta(days=1)

    def _workdays_left(self, day: date, last: date) -> int:
        days = (last - day).days + 1
        return max(1, days * 5 // 7)

    def _due(self, day: date) -> Iterator[ev.Fact]:
        if self.moving:
            staying = []
            for p, target, since in self.moving:
                if since <= day:
                    p.window, p.since = target, since
                else:
                    staying.append((p, target, since))
            self.moving = staying
        for item, what in self.followups.pop(day, []):
            if self._left() <= 0:
                return
            yield self._followup(item, what, day)
        for q in self.closings.pop(day, []):
            yield from self._shortlist_and_decision(q, day)

    def _shortlist_and_decision(self, q: str, day: date) -> Iterator[ev.Fact]:
        tally = self.tallies.pop(q, _QuarterTally())
        wins = sorted((c for c, _, _ in self.windows if c not in tally.out), key=lambda c: -tally.window_points[c])
        staff = sorted((p.pid for p in self.people if p.pid not in tally.out), key=lambda s: -tally.staff_points[s])
        n, m = self.cat.shortlist_windows, self.cat.shortlist_staff
        sw, ss = wins[:n], staff[:m]
        stream = ids.quarter_id(q)
        if self._left() > 0:
            yield self._event(ev.ShortlistFrozen, stream, 1, day, quarter=q, windows_n=n, staff_m=m, windows=sw,
                              staff=ss)
        if self._left() > 0:
            yield self._event(ev.DecisionRecorded, stream, 2, day, quarter=q, red_flag=sw[:3], five=ss[:5],
                              four=ss[5:20])

    def _later(self, day: date, item: _Open, what: str) -> None:
        # relative to the generator's own day, which is later than `day` for the leftover facts
        self.followups[max(day, self.today) + timedelta(days=self.rng.randint(2, 10))].append((item, what))

    def _new_fact(self, day: date, q: str) -> Iterator[ev.Fact]:
        rng = self.rng
        r = rng.random()
        tally = self.tallies[q]
        if r < 0.01:
            yield from self._move(day)
            return
        person = rng.choice(self.people) if r < 0.80 else None
        window = person.window if person else rng.choice(self.windows)[0]
        who = person.pid if person else None
        if r < 0.70:
            yield self._finding(day, window, who, tally)
        elif r < 0.87:
            yield self._claim(day, window, who, tally)
        else:
            yield self._complaint(day, window, who)

    def _move(self, day: date) -> Iterator[ev.Fact]:
        if day != self.today:
            return  # leftover facts are back-dated: a move now would change their window (D2)
        p = self.rng.choice(self.people)
        target = self.rng.choice(self.windows)[0]
        since = day + timedelta(days=1)
        if since <= p.since or target == p.window or any(m[0] is p for m in self.moving):
            return
        p.version += 1
        self.moving.append((p, target, since))
        yield self._event(ev.StaffMoved, ids.staff_id(p.pid), p.version, day, staff_id=p.pid, window=target,
                          since=since)

    def _finding(self, day: date, window: str, staff: str | None, tally: _QuarterTally) -> ev.Fact:
        rng = self.rng
        dq = None
        if rng.random() < self.finding_dq:
            kinds = ("gaming", "corruption", "discipline", "complaint") if staff else (
                "gaming", "corruption", "complaint")
            dq = rng.choice(kinds)
            items = self.staff_items if staff else self.window_items
            allowed = [c for c in items if self.cat.disqualification(dq).allows(c)]
            item = rng.choice(allowed)
            tally.out.add(staff or window)
        else:
            item = rng.choice(self.staff_items if staff else self.window_items)
        points = self.per_violation[item]
        if staff:
            tally.staff_points[staff] -= points
        tally.window_points[window] -= points
        imported = rng.random() < 0.6
        if imported:
            key = hashlib.sha256(f"{self.made}:{day}:{item}:{window}:{staff}".encode()).hexdigest()
            stream = ids.sheet_row_id(key)
        else:
            key, stream = None, self._uuid()
        source = "weekly" if imported else rng.choice(("duty", "patrol"))
        if rng.random() < 0.02:
            self._later(day, _Open(stream, "finding", bool(staff)), "retract")
        notes = demo_data.NOTES.get(item)
        return self._event(
            ev.FindingRecorded, stream, 1, day, item=item, window=window, staff=staff, date=day, source=source,
            dq=dq, note=rng.choice(notes) if notes else "", evidence=None, row_key=key,
        )

    def _claim(self, day: date, window: str, staff: str | None, tally: _QuarterTally) -> ev.Fact:
        rng = self.rng
        kinds = [k for k in self.cat.bonus_kinds if not staff or k.staff_item is not None]
        bk = rng.choice(kinds)
        level = place = ref = None
        if bk.by == "level":
            level = rng.choice(list(bk.window_points))
            ref = rng.choice(self.refs)
        elif bk.by == "place":
            place = rng.randint(1, 3)
            ref = f"{day.year}年第{(day.month - 1) // 3 + 1}季度业务技能竞赛"
        stream = self._uuid()
        fate = rng.random()
        if fate < 0.85:
            self._later(day, _Open(stream, "claim", bool(staff)), "verify")
            if staff:
                tally.staff_points[staff] += 2
            tally.window_points[window] += 2
        elif fate < 0.95:
            self._later(day, _Open(stream, "claim", bool(staff)), "reject")
        return self._event(
            ev.BonusClaimed, stream, 1, day, kind=bk.kind, window=window, staff=staff, date=day,
            evidence=rng.choice(self.evidence_pool), level=level, place=place, ref=ref,
        )

    def _complaint(self, day: date, window: str, staff: str | None) -> ev.Fact:
        rng = self.rng
        channel = rng.choice(list(self.cat.channels))
        stream = self._uuid()
        fate = rng.random()
        if fate < 0.6:
            self._later(day, _Open(stream, "complaint", bool(staff), channel), "verify")
        elif fate < 0.95:
            self._later(day, _Open(stream, "complaint", bool(staff), channel), "dismiss")
        text = "群众反映办事等候时间过长" if not staff else rng.choice(("态度冷漠", "业务不熟练，解答不清", "推诿扯皮"))
        return self._event(ev.ComplaintReceived, stream, 1, day, window=window, staff=staff, date=day,
                           channel=channel, text=text)

    def _followup(self, item: _Open, what: str, day: date) -> ev.Fact:
        rng = self.rng
        if what == "retract":
            return self._event(ev.FindingRetracted, item.stream, 2, day, reason="记录有误，经核实撤回")
        if item.kind == "claim":
            if what == "verify":
                return self._event(ev.BonusVerified, item.stream, 2, day)
            return self._event(ev.BonusRejected, item.stream, 2, day, reason="证明材料不符合要求")
        if what == "dismiss":
            return self._event(ev.ComplaintDismissed, item.stream, 2, day, reason="经核实投诉不实")
        items = self.staff_items if item.staff else self.window_items
        code = rng.choice(items)
        dq = None
        if rng.random() < self.complaint_dq:
            if item.channel == "consultation":
                dq = "consultation"
            else:
                kinds = [k for k in ("complaint", "corruption", "discipline", "gaming")
                         if self.cat.disqualification(k).allows(code)
                         and self.cat.disqualification(k).channel_only is None]
                dq = rng.choice(kinds) if kinds else None
        return self._event(ev.ComplaintVerified, item.stream, 2, day, item=code, dq=dq)


def _evidence_pool(ledger: Ledger, n: int, seed: int) -> list[dict[str, Any]]:
    """A few real evidence files in the ledger's evidence store, shared by the generated claims."""
    pool = []
    with tempfile.TemporaryDirectory(prefix="kaoping-gen-") as tmp:
        for i in range(n):
            path = Path(tmp) / f"证明材料-{i:03d}.txt"
            path.write_text(f"证明材料 {i}（生成，种子 {seed}）\n", encoding="utf-8")
            staged = evidence.stage(ledger.location.evidence_dir, str(path))
            evidence.commit(staged)
            pool.append(staged.meta)
    return pool


def _init(ledger: Ledger, key: Path | None, cast: Cast | None = None) -> int:
    """What `kaoping init` records, stamped at the start of the generated history (before 2008-05-01).

    With a key file (created unless it exists, as `init` does), also the signing key's public half, so
    checkpoints and `verify` work on the generated ledger; with a cast, then its actors' registrations, signed
    (bench/generate_actors.py). Returns how many rows it wrote.
    """
    cat = rules.load(rules.DEFAULT_RULES)
    at = datetime(2008, 4, 30, 9, tzinfo=CHINA).astimezone(UTC)
    events: list[ev.Fact] = [
        ev.CenterInitialised(  # type: ignore[call-arg]
            originator_id=ids.center_id(), originator_version=1, timestamp=at,
            actor="督查科 姚建华", center=demo_data.CENTER, rules=cat.id, rules_revision=cat.revision,
            rules_sha256=cat.sha256,
        )
    ]
    if key is not None:
        staged = keys.stage_key(key)  # the key file is written first (ledger/integrity/keys.py)
        recorded = keys.key_event("督查科 姚建华", staged.signer)
        events.append(type(recorded)(**{**recorded.__dict__, "timestamp": at + timedelta(seconds=1)}))
    ledger.events.put(events)
    if cast is None:
        return len(events)
    added = [cast.command(ledger.mapper, [e]) for e in cast.init_events(at + timedelta(seconds=2))]
    ledger.recorder.insert_events([row for rows in added for row in rows])
    return len(events) + sum(map(len, added))


def generate(url: str, events: int = 1_000_000, seed: int = 0, batch: int | None = None,
             key: Path | None = None, staff: int | None = None, quarters: int | None = None,
             actors: bool = False) -> Summary:
    """Fill an empty ledger at `url` with `events` realistic events (including `init`); deterministic per seed.

    `staff` and `quarters` give the center's shape (default: one person per thousand events, 150–1000, and one
    quarter per 25,000 events from 2008Q3, never past today); e.g. a 10-year, 300-staff center is
    `staff=300, quarters=40`.

    `key`: a signing key file recorded at init as `kaoping init` does (a fresh key is random, so the
    ledger is then the same for a seed except that event). `actors` (needs `key`): every command signed by an
    actor (bench/generate_actors.py), their keys beside `key`; `events` counts the signatures' rows too.
    """
    if events < 1 + (key is not None):
        raise ValueError("events must be at least 1 (2 with a key)")
    if actors and key is None:
        raise ValueError("actors need a key file (their keys are written beside it)")
    started = time.perf_counter()
    ledger = open_ledger(url, "督查科 姚建华", create=True)
    try:
        if any(True for _ in ledger.notifications()):
            raise NotAllowed(f"账本 {ledger.location.display()} 已有记录，生成器只写入空账本")
        if batch is None:
            # psycopg's pipelined executemany stalled on a 20,000-event batch (server waiting in ClientRead)
            batch = 20_000 if ledger.location.backend == "sqlite" else 2_000
        cast = Cast(key, seed) if actors and key is not None else None
        first = _init(ledger, key, cast)
        pool = _evidence_pool(ledger, 64, seed)
        gen = Generator(ledger, (events - first) // (2 if cast else 1), seed, pool, staff, quarters, cast)
        mapper = ledger.mapper
        pending: list[StoredEvent] = []
        for e in gen.run():
            pending.extend(cast.command(mapper, [e]) if cast else (mapper.to_stored_event(e),))
            if len(pending) >= batch:
                ledger.recorder.insert_events(pending)
                pending = []
        if pending:
            ledger.recorder.insert_events(pending)
        counts = dict(gen.counts)
        counts["CenterInitialised"] = 1
        if key is not None:
            counts["SigningKeyRecorded"] = 1
        if cast:
            counts["ActorAdded"] = len(cast.signers)
            counts["CommandSigned"] = gen.made + len(cast.signers)
        return Summary(
            url=ledger.location.display(), events=gen.made * (2 if cast else 1) + first, windows=len(gen.windows),
            staff=len(gen.people),
            quarters=tuple(gen.quarters), seconds=time.perf_counter() - started, counts=counts,
        )
    finally:
        ledger.close()


def main(argv: list[str] | None = None) -> int:
    """Command line: generate a ledger and print what and how fast."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:///big.db", help="ledger URL (must be empty)")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=None,
                        help="events per transaction (SQLite 20000, PostgreSQL 2000)")
    parser.add_argument("--key", type=Path, default=None,
                        help="record this signing key file at init, as `kaoping init` does (created if missing)")
    parser.add_argument("--actors", action="store_true",
                        help="register actors at init and sign every command (keys beside --key, which it needs)")
    parser.add_argument("--staff", type=int, default=None,
                        help="people registered (default: one per thousand events, 150–1000)")
    parser.add_argument("--quarters", type=int, default=None,
                        help="quarters from 2008Q3 (default: one per 25,000 events; a 10-year center: 40)")
    args = parser.parse_args(argv)
    if (args.staff is not None and args.staff < 1) or (args.quarters is not None and args.quarters < 2):
        print("错误：--staff 至少为 1，--quarters 至少为 2", file=sys.stderr)
        return 2
    try:
        summary = generate(args.db, args.events, args.seed, args.batch, args.key, args.staff, args.quarters,
                           args.actors)
    except NotAllowed as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(summary.line())
    for name, n in sorted(summary.counts.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<20} {n:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
