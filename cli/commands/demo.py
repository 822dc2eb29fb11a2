"""`kaoping demo`: a realistic sample center and quarter, built through the real ledger commands."""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click

from cli.main import Session, pass_session
from cli.render import table
from cli.sample import data, tenure
from cli.sample.plan import OFFICE, PARTY, Scenario
from cli.sample.scenario import scenario
from ledger import events as ev
from ledger.app import Ledger, Recorded
from ledger.errors import NotAllowed
from ledger.integrity import keys
from ledger.storage.location import parse_url
from projections.log import type_name
from projections.views import Views


def run_scenario(ledger: Ledger, sc: Scenario) -> None:
    """Run every step through the ledger's own commands, as the named 督查科 staff."""
    for action in sc.actions:
        ledger.actor = action.actor
        action.run(ledger)


@dataclass(frozen=True)
class QuarterOutcome:
    """Where the quarter's life landed: the positions a newcomer can replay with --as-of."""

    decision_position: int
    now_position: int
    voided: str
    rated: str  # the person whose 差评 was found true, rectified and called back (D30, D31)


def finish_quarter(session: Session, ledger: Ledger, sc: Scenario, quarter: str) -> QuarterOutcome | None:
    """Shortlist, 征求意见 of the shortlisted, 党组 decision by rank, then a late complaint that voids a star.

    Runs the quarter commands of CLI.md as a user would; returns None when they are not registered.
    """
    root = click.get_current_context().find_root()
    commands = {name: root.command.get_command(root, name) for name in ("shortlist", "decide")}  # type: ignore[attr-defined]
    if any(c is None for c in commands.values()):
        return None

    def run(name: str, *args: str) -> None:
        # The ids these commands print are not news here; warnings (stderr) still show.
        with contextlib.redirect_stdout(io.StringIO()):
            commands[name].main(list(args), prog_name=f"kaoping {name}", standalone_mode=False, obj=session)

    ledger.actor = OFFICE
    run("shortlist", quarter)
    # 征求意见 among the shortlisted (办法 五(三)): one response is found true and takes the person out.
    listed = [p.id for p in Views(ledger).result(quarter).staff if p.shortlisted]
    consulted = listed[len(listed) // 2]
    cid = ledger.record_complaint(staff=consulted, day="2008-09-30", channel="consultation",
                                  text="办证代理员反映：该同志曾为熟人优先办理，插队现象明显")
    ledger.verify_complaint(str(cid), "S3.3", "consultation", "2008-09-30")
    # The 党组 names the best of the shortlist: three 红旗窗口, about 5 five-star and 15 four-star staff.
    res = Views(ledger).result(quarter)
    windows = [w.code for w in sorted(res.windows, key=lambda w: w.rank) if w.shortlisted and w.eligible]
    staff = [p.id for p in sorted(res.staff, key=lambda p: p.rank) if p.shortlisted and p.eligible]
    five, four = staff[:5], staff[5:20]
    ledger.actor = PARTY
    # The minutes first name one four-star pick too few; the 党组 amends its decision with the reason (D25).
    run("decide", quarter, "--red-flag", ",".join(windows[:3]), "--five", ",".join(five), "--four",
        ",".join(four[1:]))
    run("decide", quarter, "--red-flag", ",".join(windows[:3]), "--five", ",".join(five), "--four", ",".join(four),
        "--amend", "--reason", "核对会议纪要：漏录一名四星级服务明星")
    decision_position = sum(1 for _ in ledger.read())
    # A 12345 complaint about a four-star pick, found true after the decision: it voids that star (D11).
    voided = (four or five)[-1]
    ledger.actor = OFFICE
    late = ledger.record_complaint(staff=voided, day="2008-09-26", channel="hotline-12345",
                                   text="群众来电反映该工作人员业务不熟练，多次让群众补交材料，耽误办事")
    ledger.verify_complaint(str(late), "S3.4", "complaint", "2008-10-08")
    now_position = sum(1 for _ in ledger.read())
    rated = (ledger.fact_fields(str(sc.ids["rating-verified"])) or {}).get("staff") or ""
    return QuarterOutcome(decision_position, now_position, voided, rated)


def print_report(session: Session, quarter: str) -> None:
    """The quarter's results, exactly as `kaoping report QUARTER` prints them."""
    root = click.get_current_context().find_root()
    report = root.command.get_command(root, "report")  # type: ignore[attr-defined]
    if report is not None:
        report.main([quarter], prog_name="kaoping report", standalone_mode=False, obj=session)


def empty_or_initialised(ledger: Ledger) -> bool:
    """True for an empty ledger (or one only `init`ed); False when it already holds anything else."""
    init_only = (ev.CenterInitialised, ev.SigningKeyRecorded)
    return all(isinstance(r.event, init_only) for r in _take(ledger, 3))


def refuse_unless_empty(ledger: Ledger) -> None:
    """The demo never mixes its sample with real records."""
    if not empty_or_initialised(ledger):
        where = ledger.location.display()
        raise NotAllowed(f"账本 {where} 已有记录，演示只写入空账本；"
                         "请用 --db 指定新文件，如 kaoping demo --db kaoping-demo.db")


def _take(ledger: Ledger, n: int) -> Iterator[Recorded]:
    for i, r in enumerate(ledger.read()):
        if i >= n:
            return
        yield r


def build(ledger: Ledger, seed: int = data.SEED, key_file: Path | None = None) -> tuple[Scenario, Counter[str]]:
    """Build the sample center into an empty ledger; returns how many events of each kind it wrote.

    A fresh ledger is initialised as `kaoping init` does it, with its checkpoint signing key
    (written to `key_file`, or the default beside the ledger) recorded in the same save.
    """
    refuse_unless_empty(ledger)
    fresh = not any(True for _ in _take(ledger, 1))
    with tempfile.TemporaryDirectory(prefix="kaoping-demo-") as tmp:
        sc = scenario(Path(tmp), seed)
        if fresh:
            ledger.actor = OFFICE
            staged = keys.stage_key(key_file or keys.key_path(ledger.location, None))
            ledger.init(data.CENTER, also=[keys.key_event(ledger.actor, staged.signer)])
        run_scenario(ledger, sc)
    return sc, Counter(type_name(type(r.event).__name__) for r in ledger.read())


@click.command("demo")
@click.option("--db", "db", default=None, metavar="URL",
              help="演示账本地址（默认同全局 --db，即 sqlite:///kaoping.db）；必须是空账本")
@pass_session
def demo_cmd(session: Session, db: str | None) -> None:
    """建立一个演示用的考评账本：31 个窗口、约 150 名人员和 2008 年第三季度的全部记录，并输出季度结果。

    其中有一个 8 月进驻的窗口、一个 9 月撤出的窗口、一名 8 月借调期满离开的人员、一次更名和一次补登的轮换，
    以及每月 1000 条好差评（一条差评查实后整改、回访，一条恶意差评被驳回）。
    """
    if db:
        session.db = db
    location = parse_url(session.db)
    created = not location.exists  # only a SQLite file can be missing
    created_evidence = not location.evidence_dir.exists()
    key_file = keys.key_path(location, session.key)
    created_key = not key_file.exists()
    ledger = session.ledger(create=True)
    refuse_unless_empty(ledger)
    try:
        sc, counts = build(ledger, key_file=key_file)
        outcome = finish_quarter(session, ledger, sc, data.QUARTER)
    except BaseException:
        if created:
            session.close()
            _remove_sqlite(location.sqlite_path)  # type: ignore[arg-type]
        if created_evidence:
            shutil.rmtree(location.evidence_dir, ignore_errors=True)
        if created_key:
            key_file.unlink(missing_ok=True)
        raise
    session.keep()  # the demo ledger is complete; only printing is left
    counts = Counter(type_name(type(r.event).__name__) for r in ledger.read())
    total = sum(counts.values())
    click.echo(f"演示账本已建立：{location.display()}（{data.CENTER}，{data.QUARTER}，共 {total} 个事件）")
    click.echo(table(["事件类型", "数量"], sorted(counts.items(), key=lambda kv: -kv[1]), align="<>"))
    if outcome is None:
        # Pending: the quarter commands (shortlist / decide / report) come from the projections branch.
        click.echo("（季度入围、党组决定与报表待季度功能合并后自动生成）")
        return
    q = data.QUARTER
    click.echo()
    print_report(session, q)
    kp = "kaoping" if session.db is None else f"kaoping --db {location.display()}"
    click.echo()
    click.echo("接着可以试试：")
    for command, why in (
        (f"{kp} report {q}", "本季度结果"),
        (f"{kp} report {q} --as-of {outcome.decision_position}", "党组决定时的结果"),
        (f"{kp} explain --staff {outcome.voided} {q}", "决定后才查实的投诉如何取消其四星"),
        (f"{kp} explain --staff {outcome.rated} {q}", "好差评满意率，以及一条查实的差评如何扣分（S3.5，已整改并回访）"),
        (f"{kp} todo", "还在等待处理的差评、整改和季度步骤"),
        (f"{kp} publish {q} --out 公布", "公布本季度结果：网站公布页附各窗口好差评满意率"),
        (f"{kp} audit disqualifications --year 2008", "吃拿卡要等取消资格的来龙去脉"),
        (f"{kp} window list", "各窗口参加考评的期间（人防窗口 8 月进驻，防雷窗口 9 月撤出）和更名"),
        (f"{kp} staff list --at 2008-08-20", "某一天谁在哪个窗口"),
        (f"{kp} explain --window {tenure.LATE_MOVE[0]} {q}", "补登的轮换把一条扣分移到了人员当日所在的窗口"),
        (f"{kp} report 2008Q4", "借调期满离开的人员在第四季度不再列出"),
    ):
        click.echo(f"  {command}    # {why}")


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def register(cli: click.Group) -> None:
    """Attach `demo` to the top-level group."""
    cli.add_command(demo_cmd)
