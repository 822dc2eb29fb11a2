"""待办 (`kaoping todo`): what waits for someone, each with its due date — overdue first, then by due date, then the
undated by age. Every kind of item comes from one source function over a `TodoContext`; a new kind of work
(rectifications, callbacks, 差评 …) adds its source module and appends its function to SOURCES, nothing else."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta

from ledger.calendar import quarter_bounds, quarter_label, quarter_of
from ledger.short_ids import Between, typeable
from projections.fold.entries import display_id
from projections.fold.state import QuarterState
from projections.rectify_todo import open_rectifications
from projections.review_view import announced
from projections.scoring.standings import status_of
from projections.todo_items import TodoContext, TodoItem, TodoSource

FULL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _subject(window: str, staff: str | None) -> str:
    return staff or window


def open_claims(ctx: TodoContext) -> Iterable[TodoItem]:
    """Bonus claims waiting to be verified or rejected (D5)."""
    for quarter, q in ctx.quarters.items():
        for fid, c in q.claims.items():
            if fid not in q.claim_outcomes:
                yield TodoItem("claim", display_id(fid), _subject(c["w"], c["s"]),
                               f"加分申报 {c['kind']}（{c['d']}）待核实", None, quarter, c["p"])


def open_complaints(ctx: TodoContext) -> Iterable[TodoItem]:
    """Complaints waiting to be verified or dismissed (D9)."""
    for quarter, q in ctx.quarters.items():
        for fid, c in q.complaints.items():
            if fid not in q.complaint_outcomes:
                yield TodoItem("complaint", display_id(fid), _subject(c["w"], c["s"]),
                               f"投诉（{c['ch']}，{c['d']}）待核实：{c['text'][:30]}", None, quarter, c["p"])


def announced_span(ctx: TodoContext, q: QuarterState) -> tuple[date, date] | None:
    """The quarter's 公示 in force (the report's `announced`, D25), as (first, last) day."""
    shown = announced(q, ctx.calendar, None)
    return (date.fromisoformat(shown["from"]), date.fromisoformat(shown["to"])) if shown else None


def open_appeals(ctx: TodoContext) -> Iterable[TodoItem]:
    """Appeals waiting for 复核, due by the end of their quarter's 公示 (publication waits for them, D28)."""
    for quarter, q in ctx.quarters.items():
        span = announced_span(ctx, q)
        for aid, a in q.appeals.items():
            if aid not in q.appeal_outcomes:
                summary = f"申诉待复核（{a['d']} 提出，针对 {display_id(a['f'])}）：{a['text'][:30]}"
                yield TodoItem("appeal", display_id(aid), a["by"], summary, review_due(ctx, span, a["d"]), quarter,
                               a["p"])


def review_due(ctx: TodoContext, span: tuple[date, date] | None, filed: str) -> date | None:
    """An appeal's 复核 deadline: the 公示's last day, or for an appeal filed after it (a late fact's, D29) the same
    number of working days after filing as the late appeal itself had; None before any 公示."""
    if span is None:
        return None
    day = date.fromisoformat(filed)
    return span[1] if day <= span[1] else ctx.calendar.after(day, ctx.catalogue.procedure.appeal_late_working_days)


def quarter_steps(ctx: TodoContext) -> Iterable[TodoItem]:
    """Ended quarters waiting for their shortlist, decision, 公示 or publication."""
    last_ended = quarter_of(quarter_bounds(quarter_of(ctx.today))[0] - timedelta(days=1))
    quarters = dict(ctx.quarters)
    if last_ended not in quarters and quarter_bounds(last_ended)[1] >= ctx.catalogue.effective:
        quarters[last_ended] = QuarterState(last_ended)
    for quarter, q in sorted(quarters.items()):
        if quarter_bounds(quarter)[1] >= ctx.today:
            continue
        label = quarter_label(quarter)
        status = status_of(q, None)
        age = max([0, *(e["p"] for e in (*q.shortlists, *q.decisions))])
        if status == "open":
            yield TodoItem("shortlist", quarter, quarter, f"{label}待确定入围名单", None, quarter, age)
        elif status == "shortlisted":
            yield TodoItem("decide", quarter, quarter, f"{label}待党组决定", None, quarter, age)
        elif status == "decided":
            span = announced_span(ctx, q)
            if span is None:
                yield TodoItem("announce", quarter, quarter, f"{label}待公示", None, quarter, age)
            else:
                due = ctx.calendar.on_or_after(span[1] + timedelta(days=1))
                yield TodoItem("publish", quarter, quarter, f"{label}公示至 {span[1]}，期满后公布", due, quarter, age)


SOURCES: list[TodoSource] = [open_claims, open_complaints, open_appeals, quarter_steps, open_rectifications]
"""Every kind of 待办, in no particular order (the list is sorted): append a source to add a kind."""


def todo(ctx: TodoContext, between: Between) -> list[TodoItem]:
    """Everything waiting: overdue first, then by due date, then undated items oldest first; every id shown (the
    item's and those its summary names) as its shortest prefix that names one stream of the whole ledger."""
    items = sorted((item for source in SOURCES for item in source(ctx)),
                   key=lambda i: (not i.overdue(ctx.today), i.due is None, i.due or date.max, i.age, i.id))
    short = typeable({m for i in items for m in FULL_ID.findall(f"{i.id} {i.summary}")}, between)

    def shown(text: str) -> str:
        return FULL_ID.sub(lambda m: short[m.group(0)], text)

    return [replace(i, id=shown(i.id), summary=shown(i.summary)) for i in items]
