"""`kaoping demo`: a realistic sample center and quarter, built through the real ledger commands."""

from __future__ import annotations

import contextlib
import csv
import io
import random
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

import click

from cli.main import Session, pass_session
from cli.render import table
from cli.sample import data
from ledger import events as ev
from ledger.app import Ledger, Recorded
from ledger.errors import NotAllowed
from ledger.integrity import keys
from ledger.sheets.findings import HEADER, read_findings_csv
from ledger.storage.location import parse_url
from projections.log import type_name
from projections.views import Views

WEEKLY = "值周组 钱志强"
DUTY = "中心值班室 陆晓峰"
PATROL = "督查科 沈红梅"
OFFICE = "督查科 姚建华"
PARTY = "中心党组"


@dataclass(order=True)
class Action:
    """One dated step of the sample quarter; steps run in date order, then in the order written."""

    day: date
    seq: int
    actor: str = field(compare=False)
    run: Callable[[Ledger], object] = field(compare=False)


@dataclass
class Scenario:
    """The sample quarter as dated steps, plus what the steps produced (ids by name)."""

    workdir: Path
    rng: random.Random
    actions: list[Action] = field(default_factory=list)
    ids: dict[str, UUID] = field(default_factory=dict)
    people: dict[str, list[str]] = field(default_factory=dict)  # window -> staff ids (from OPENED)
    names: dict[str, str] = field(default_factory=dict)  # staff id -> name
    moves: dict[str, list[tuple[date, str]]] = field(default_factory=dict)  # staff id -> assignments
    _files: int = 0

    def at(self, day: date | str, actor: str, run: Callable[[Ledger], object]) -> None:
        """Schedule a step on a day."""
        d = day if isinstance(day, date) else date.fromisoformat(day)
        self.actions.append(Action(d, len(self.actions), actor, run))

    def window_of(self, person: str, day: date) -> str:
        """Where the sample says a person works on a day (D2), for sheet rows."""
        current = ""
        for since, window in self.moves[person]:
            if since <= day:
                current = window
        return current

    def evidence(self, title: str, body: str) -> str:
        """Write an evidence file (a scanned notice, in the sample) and return its path."""
        self._files += 1
        path = self.workdir / f"{self._files:03d}-{title}.txt"
        path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
        return str(path)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)]


QUARTER_FIRST, QUARTER_LAST = date(2008, 7, 1), date(2008, 9, 30)
WORKDAYS = [d for d in _days(QUARTER_FIRST, QUARTER_LAST) if d.weekday() < 5]


def _registry(sc: Scenario) -> None:
    """Thirty windows of real county departments and about 150 people, all from the opening day."""
    names = iter(data.staff_names(sum(w.staff for w in data.WINDOWS)))
    n = 0
    for w in data.WINDOWS:
        sc.at(data.OPENED, OFFICE, lambda lg, w=w: lg.add_window(w.code, w.name, w.department))
        sc.people[w.code] = []
        for _ in range(w.staff):
            n += 1
            pid, name = f"CX{n:03d}", next(names)
            sc.people[w.code].append(pid)
            sc.names[pid] = name
            sc.moves[pid] = [(date.fromisoformat(data.OPENED), w.code)]
            sc.at(data.OPENED, OFFICE, lambda lg, pid=pid, name=name, c=w.code: lg.add_staff(pid, name, c, data.OPENED))


def _move(sc: Scenario, person: str, window: str, day: str) -> None:
    sc.moves[person].append((date.fromisoformat(day), window))
    sc.at(day, OFFICE, lambda lg: lg.move_staff(person, window, day))


def _finding(sc: Scenario, name: str | None, day: str, item: str, source: str, *, staff: str | None = None,
             window: str | None = None, dq: str | None = None, note: str = "") -> None:
    """Schedule a finding recorded one by one (值班 / 督查巡查 sheets)."""
    actor = {"weekly": WEEKLY, "duty": DUTY, "patrol": PATROL}[source]

    def run(lg: Ledger) -> UUID:
        fid = lg.record_finding(item, window=window, staff=staff, day=day, source=source, dq=dq, note=note)
        if name:
            sc.ids[name] = fid
        return fid

    sc.at(day, actor, run)


@dataclass
class WeeklySheets:
    """The 值周检查记录表 rows of each week, imported as one CSV sheet on the week's Friday."""

    rows: dict[date, list[list[str]]] = field(default_factory=dict)

    def add(self, sc: Scenario, day: date, item: str, *, staff: str = "", window: str = "", note: str = "",
            dq: str = "") -> None:
        friday = day + timedelta(4 - day.weekday())
        where = sc.window_of(staff, day) if staff else window
        self.rows.setdefault(friday, []).append([day.isoformat(), where, staff, item, "weekly", dq, note])

    def schedule(self, sc: Scenario) -> None:
        for friday, rows in sorted(self.rows.items()):
            path = sc.workdir / f"值周检查记录表-{friday.isoformat()}.csv"
            with path.open("w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(HEADER)
                writer.writerows(sorted(rows))
            sc.at(friday, WEEKLY, lambda lg, p=str(path): lg.import_findings(read_findings_csv(p)))


def _story_findings(sc: Scenario, weekly: WeeklySheets) -> dict[str, str]:
    """The people whose quarter tells a story: 应扣分 at 15 and 20+, 轮换, disqualifications, a retraction."""
    p = sc.people
    cast = {
        "late20": p["CG"][2],  # S4.1 four times: exactly 20 → minus two stars (D17)
        "heavy": p["DST"][3],  # 22 raw, S1 over its cap
        "late15": p["SB"][4],  # S4.1 three times: exactly 15 → minus one
        "untidy": p["HZ"][1],  # S1.1 four times: raw 16 although S1 caps at 15
        "rotated": p["GS"][5],  # 工商窗口 → 质监窗口 on 2008-08-01
        "rotated2": p["SB"][7],  # 社保窗口 → 就业窗口 on 2008-08-18
        "gaming": p["FG"][2],
        "discipline": p["JT"][3],
        "complained": p["BDC"][6],
        "corrupt": p["JS"][4],
        "consulted": p["GT"][2],
        "dismissed": p["GST"][1],
        "wrongly": p["WS"][2],
    }
    d = date.fromisoformat
    _move(sc, cast["rotated"], "ZJ", "2008-08-01")
    _move(sc, cast["rotated2"], "JY", "2008-08-18")

    for day in ("2008-07-08", "2008-08-05", "2008-09-02"):
        weekly.add(sc, d(day), "S4.1", staff=cast["late20"], note="上班迟到")
    _finding(sc, None, "2008-09-17", "S4.1", "duty", staff=cast["late20"], note="未请假擅自离岗")

    for day, item, note in (
        ("2008-07-15", "S1.3", "桌面放置零食"),
        ("2008-08-12", "S1.3", "下班未关闭电脑电源"),
        ("2008-08-26", "S4.2", "串岗聊天"),
        ("2008-09-09", "S3.2", "承诺件超期一天办结"),
    ):
        weekly.add(sc, d(day), item, staff=cast["heavy"], note=note)
    _finding(sc, None, "2008-09-23", "S4.2", "patrol", staff=cast["heavy"], note="上班时间看与业务无关的杂志")

    for day in ("2008-07-22", "2008-08-19"):
        weekly.add(sc, d(day), "S4.1", staff=cast["late15"], note="早退")
    _finding(sc, None, "2008-09-11", "S4.1", "duty", staff=cast["late15"], note="上班迟到")

    for day in ("2008-07-10", "2008-07-31", "2008-08-21", "2008-09-18"):
        weekly.add(sc, d(day), "S1.1", staff=cast["untidy"], note="未佩戴工作牌")

    weekly.add(sc, d("2008-07-17"), "S1.1", staff=cast["rotated"], note="未按规定着制服")  # counts for 工商窗口
    weekly.add(sc, d("2008-09-04"), "S3.4", staff=cast["rotated"], note="未一次性告知所需材料")  # for 质监窗口
    _finding(sc, None, "2008-09-16", "S3.6", "duty", staff=cast["rotated2"], note="退办件未出具退办件通知书")

    _finding(sc, "gaming", "2008-08-13", "S4.2", "patrol", staff=cast["gaming"], dq="gaming",
             note="上班时间玩电脑游戏（督查巡查当场发现）")
    _finding(sc, "discipline", "2008-09-05", "S4.1", "patrol", staff=cast["discipline"], dq="discipline",
             note="县纪委暗访发现上班时间擅自外出")

    _finding(sc, "mistake", "2008-08-07", "S4.1", "duty", staff=cast["wrongly"], note="上班迟到")
    sc.at("2008-08-11", OFFICE, lambda lg: lg.retract(str(sc.ids["mistake"]),
                                                    "经核实该同志当日经批准外出办事，值班记录有误"))
    return cast


def _background_findings(sc: Scenario, weekly: WeeklySheets, spare: list[str]) -> None:
    """The ordinary findings of a quarter: a few per week on the weekly sheet, plus 值班 and 巡查 notes."""
    rng = sc.rng
    staff_items = [k for k in data.NOTES if k.startswith("S")]
    window_items = [k for k in data.NOTES if k.startswith("W")]
    codes = [w.code for w in data.WINDOWS]
    for week in range(13):
        days = [d for d in WORKDAYS if (d - QUARTER_FIRST).days // 7 == week]
        for _ in range(rng.randint(4, 8)):
            day = rng.choice(days)
            if rng.random() < 0.75:
                item = rng.choice(staff_items)
                weekly.add(sc, day, item, staff=rng.choice(spare), note=rng.choice(data.NOTES[item]))
            else:
                item = rng.choice(window_items)
                weekly.add(sc, day, item, window=rng.choice(codes), note=rng.choice(data.NOTES[item]))
    for source, count in (("duty", 24), ("patrol", 12)):
        for _ in range(count):
            day = rng.choice(WORKDAYS).isoformat()
            if rng.random() < 0.8:
                item = rng.choice(staff_items)
                _finding(sc, None, day, item, source, staff=rng.choice(spare), note=rng.choice(data.NOTES[item]))
            else:
                item = rng.choice(window_items)
                _finding(sc, None, day, item, source, window=rng.choice(codes), note=rng.choice(data.NOTES[item]))


def _claim(sc: Scenario, key: str, day: str, kind: str, *, staff: str | None = None, window: str | None = None,
           level: str | None = None, place: int | None = None, ref: str | None = None, evidence: str,
           verify: str | None = None, reject: tuple[str, str] | None = None) -> None:
    """Schedule a bonus claim with its evidence file and, later, its verification or rejection."""
    path = sc.evidence(evidence, f"{ref or kind}\n{staff or window} {day}")

    def run(lg: Ledger) -> UUID:
        cid = lg.claim_bonus(kind, window=window, staff=staff, day=day, evidence_file=path,
                             level=level, place=place, ref=ref)
        sc.ids[key] = cid
        return cid

    sc.at(day, OFFICE, run)
    if verify:
        sc.at(verify, OFFICE, lambda lg: lg.verify_bonus(str(sc.ids[key])))
    if reject:
        sc.at(reject[0], OFFICE, lambda lg: lg.reject_bonus(str(sc.ids[key]), reject[1]))


def _bonuses(sc: Scenario, achievers: list[str]) -> None:
    """Bonus claims of a quarter: articles, training, competitions, honours, measures, suggestions."""
    a = achievers
    comp1, comp2, comp3 = "2008年第三季度窗口业务技能竞赛", "“迎奥运”文明服务知识竞赛", "计算机操作技能比武"
    # Window claims.
    art = "工商窗口推行“预约服务”见成效"
    _claim(sc, "w-art-county", "2008-07-18", "article", window="GS", level="county", ref=art,
           evidence="长兴政务信息录用通知", verify="2008-07-25")
    _claim(sc, "w-art-city", "2008-08-08", "article", window="GS", level="city", ref=art,
           evidence="湖州日报刊登样报", verify="2008-08-14")  # same article, higher level: counted once, at 3
    _claim(sc, "w-train-sb", "2008-07-24", "training", window="SB", evidence="社保业务知识培训签到表",
           verify="2008-07-30")
    _claim(sc, "w-train-gst", "2008-09-10", "training", window="GST", evidence="国税窗口新税法培训通知",
           verify="2008-09-15")
    _claim(sc, "w-measure-bdc", "2008-08-04", "measure", window="BDC", evidence="不动产登记预约服务实施方案",
           verify="2008-08-11")
    _claim(sc, "w-honour-bdc", "2008-09-03", "honour", window="BDC", level="city", ref="湖州市青年文明号",
           evidence="市级青年文明号证书", verify="2008-09-08")
    _claim(sc, "w-suggest-crj", "2008-08-20", "suggestion", window="CRJ", evidence="关于增设自助填表台的建议",
           verify="2008-08-27")
    _claim(sc, "w-honour-jt", "2008-07-29", "honour", window="JT", level="county", ref="县级文明窗口",
           evidence="县级文明窗口证书复印件",
           reject=("2008-08-04", "证书为2007年度荣誉，已在上年度计分，不予重复认定"))
    # Staff claims (each also counts for the person's window, D7).
    plan: list[tuple[int, str, dict[str, object], str]] = [
        (0, "article", {"level": "province", "ref": "窗口服务“零距离”"}, "浙江日报录用通知"),
        (0, "competition", {"place": 1, "ref": comp1}, "竞赛获奖通报"),
        (0, "honour", {"level": "city", "ref": "湖州市三八红旗手"}, "三八红旗手证书"),
        (1, "honour", {"level": "province", "ref": "浙江省巾帼建功标兵"}, "巾帼建功标兵证书"),
        (1, "article", {"level": "county", "ref": "一次性告知制度的实践"}, "长兴报刊登样报"),
        (1, "measure", {}, "承诺件改即办件实施细则"),
        (2, "article", {"level": "city", "ref": "社保窗口延时服务侧记"}, "湖州日报录用通知"),
        (2, "competition", {"place": 2, "ref": comp1}, "竞赛获奖通报"),
        (2, "measure", {}, "缩短承诺期限申请表"),
        (2, "honour", {"level": "county", "ref": "长兴县优秀共产党员"}, "优秀共产党员证书"),
        (3, "honour", {"level": "province", "ref": "浙江省青年岗位能手"}, "青年岗位能手证书"),
        (3, "competition", {"place": 2, "ref": comp2}, "知识竞赛获奖通报"),
        (4, "article", {"level": "county", "ref": "出入境窗口便民十条"}, "长兴报刊登样报"),
        (4, "article", {"level": "city", "ref": "出入境窗口便民十条"}, "湖州日报转载样报"),  # same article twice
        (4, "measure", {}, "预约服务登记表"),
        (4, "honour", {"level": "county", "ref": "长兴县服务标兵"}, "服务标兵证书"),
        (5, "measure", {}, "减少审批环节方案"),
        (5, "suggestion", {}, "关于统一收费票据的建议"),
        (5, "article", {"level": "county", "ref": "窗口服务的几点体会"}, "长兴报刊登样报"),
        (6, "honour", {"level": "city", "ref": "湖州市优秀团员"}, "优秀团员证书"),
        (6, "article", {"level": "county", "ref": "规划窗口提速记"}, "长兴政务信息录用通知"),
        (7, "competition", {"place": 1, "ref": comp2}, "知识竞赛获奖通报"),
        (7, "suggestion", {}, "关于延长午间值班的建议"),
        (8, "article", {"level": "center", "ref": "窗口简报第12期稿件"}, "中心简报录用单"),
        (8, "measure", {}, "网上预审实施办法"),
        (8, "article", {"level": "county", "ref": "便民服务再提速"}, "长兴政务信息录用通知"),
        (9, "article", {"level": "province", "ref": "基层窗口的一天"}, "浙江政务信息录用通知"),
        (10, "suggestion", {}, "关于设置老年人绿色通道的建议"),
        (10, "suggestion", {}, "关于叫号系统语音提示的建议"),
        (11, "competition", {"place": 3, "ref": comp1}, "竞赛获奖通报"),
        (11, "honour", {"level": "city", "ref": "湖州市岗位能手"}, "岗位能手证书"),
        (12, "honour", {"level": "city", "ref": "湖州市文明职工"}, "文明职工证书"),
        (13, "article", {"level": "city", "ref": "税收服务进窗口"}, "湖州日报录用通知"),
        (14, "competition", {"place": 1, "ref": comp3}, "技能比武获奖通报"),
        (15, "competition", {"place": 3, "ref": comp2}, "知识竞赛获奖通报"),
        (15, "measure", {}, "材料清单标准化方案"),
        (16, "measure", {}, "窗口预约服务方案"),
        (17, "suggestion", {}, "关于公示办件进度的建议"),
        (18, "article", {"level": "county", "ref": "国土窗口一日行"}, "长兴报刊登样报"),
        (19, "competition", {"place": 2, "ref": comp3}, "技能比武获奖通报"),
        (20, "article", {"level": "center", "ref": "窗口简报第15期稿件"}, "中心简报录用单"),
        (21, "honour", {"level": "county", "ref": "长兴县岗位能手"}, "岗位能手证书"),
    ]
    rng = sc.rng
    for n, (who, kind, opts, title) in enumerate(plan):
        day = rng.choice(WORKDAYS[5:-12])
        verified = day + timedelta(rng.randint(3, 8))
        _claim(sc, f"s-{n}", day.isoformat(), kind, staff=a[who], evidence=title,
               level=opts.get("level"), place=opts.get("place"), ref=opts.get("ref"),  # type: ignore[arg-type]
               verify=verified.isoformat())
    _claim(sc, "s-rejected", "2008-08-22", "honour", staff=a[21], level="province", ref="浙江省劳动模范",
           evidence="劳动模范推荐表", reject=("2008-08-29", "所附材料为推荐表，并非荣誉证书，不予认定"))
    _claim(sc, "s-pending", "2008-09-26", "suggestion", staff=a[20], evidence="关于窗口排班的建议")


def _complaints(sc: Scenario, cast: dict[str, str]) -> None:
    """Complaints and 征求意见 responses: verified (with disqualifications), dismissed, one still open."""

    def complaint(key: str, day: str, channel: str, text: str, *, staff: str | None = None,
                  window: str | None = None) -> None:
        def run(lg: Ledger) -> UUID:
            cid = lg.record_complaint(window=window, staff=staff, day=day, channel=channel, text=text)
            sc.ids[key] = cid
            return cid

        sc.at(day, OFFICE, run)

    def verify(key: str, day: str, item: str, dq: str | None = None) -> None:
        sc.at(day, OFFICE, lambda lg: lg.verify_complaint(str(sc.ids[key]), item, dq))

    complaint("c-hotline", "2008-07-21", "hotline-12345", "办事群众反映窗口工作人员态度冷漠、故意刁难，多次往返未办成",
              staff=cast["complained"])
    verify("c-hotline", "2008-07-28", "S2.4", "complaint")
    complaint("c-corrupt", "2008-08-14", "efficiency-office",
              "群众反映该工作人员暗示办事人请客送礼后方予办理施工许可（吃拿卡要）", staff=cast["corrupt"])
    verify("c-corrupt", "2008-08-29", "S4.4", "corruption")
    complaint("c-consult", "2008-09-02", "consultation", "行风监督员反映：该同志多次提前离岗，办事群众等候无人",
              staff=cast["consulted"])
    verify("c-consult", "2008-09-12", "S4.1", "consultation")
    complaint("c-window", "2008-08-06", "efficiency-office", "企业反映护照加急办理超过承诺期限", window="CRJ")
    verify("c-window", "2008-08-15", "W5.2")
    complaint("c-dismissed", "2008-09-08", "civilization-office", "群众反映窗口人员推诿，不予受理",
              staff=cast["dismissed"])
    sc.at("2008-09-16", OFFICE, lambda lg: lg.dismiss_complaint(
        str(sc.ids["c-dismissed"]), "经调取监控录像核实，申请材料不全，工作人员已出具补件清单，投诉不实"))
    complaint("c-open", "2008-09-29", "hotline-12345", "群众反映车管窗口排队时间过长", window="CG")


def scenario(workdir: Path, seed: int = data.SEED) -> Scenario:
    """The whole sample quarter as dated steps (deterministic for a seed)."""
    sc = Scenario(workdir=workdir, rng=random.Random(seed))
    _registry(sc)
    weekly = WeeklySheets()
    cast = _story_findings(sc, weekly)
    taken = set(cast.values())
    pool = [p for ps in sc.people.values() for p in ps if p not in taken]
    sc.rng.shuffle(pool)
    achievers, spare = pool[:22], pool[22:]
    _background_findings(sc, weekly, spare)
    weekly.schedule(sc)
    _bonuses(sc, achievers)
    _complaints(sc, cast)
    sc.actions.sort()
    return sc


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
            commands[name].main(list(args), prog_name=f"kaoping {name}", standalone_mode=False, obj=session)  # type: ignore[union-attr]

    ledger.actor = OFFICE
    run("shortlist", quarter)
    # 征求意见 among the shortlisted (办法 五(三)): one response is found true and takes the person out.
    listed = [p.id for p in Views(ledger).result(quarter).staff if p.shortlisted]
    consulted = listed[len(listed) // 2]
    cid = ledger.record_complaint(staff=consulted, day="2008-09-30", channel="consultation",
                                  text="办证代理员反映：该同志曾为熟人优先办理，插队现象明显")
    ledger.verify_complaint(str(cid), "S3.3", "consultation")
    # The 党组 names the best of the shortlist: three 红旗窗口, about 5 five-star and 15 four-star staff.
    res = Views(ledger).result(quarter)
    windows = [w.code for w in sorted(res.windows, key=lambda w: w.rank) if w.shortlisted and w.eligible]
    staff = [p.id for p in sorted(res.staff, key=lambda p: p.rank) if p.shortlisted and p.eligible]
    five, four = staff[:5], staff[5:20]
    ledger.actor = PARTY
    run("decide", quarter, "--red-flag", ",".join(windows[:3]), "--five", ",".join(five), "--four", ",".join(four))
    decision_position = sum(1 for _ in ledger.read())
    # A 12345 complaint about a four-star pick, found true after the decision: it voids that star (D11).
    voided = (four or five)[-1]
    ledger.actor = OFFICE
    late = ledger.record_complaint(staff=voided, day="2008-09-26", channel="hotline-12345",
                                   text="群众来电反映该工作人员业务不熟练，多次让群众补交材料，耽误办事")
    ledger.verify_complaint(str(late), "S3.4", "complaint")
    now_position = sum(1 for _ in ledger.read())
    return QuarterOutcome(decision_position, now_position, voided)


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
        raise NotAllowed(f"账本 {where} 已有记录，演示只写入空账本；请用 --db 指定新文件，如 kaoping demo --db kaoping-demo.db")


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
            staged.commit()
        run_scenario(ledger, sc)
    return sc, Counter(type_name(r.event) for r in ledger.read())


@click.command("demo")
@click.option("--db", "db", default=None, metavar="URL",
              help="演示账本地址（默认同全局 --db，即 sqlite:///kaoping.db）；必须是空账本")
@pass_session
def demo_cmd(session: Session, db: str | None) -> None:
    """建立一个演示用的考评账本：30 个窗口、约 150 名人员和 2008 年第三季度的全部记录，并输出季度结果。"""
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
    counts = Counter(type_name(r.event) for r in ledger.read())
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
        (f"{kp} audit disqualifications --year 2008", "吃拿卡要等取消资格的来龙去脉"),
    ):
        click.echo(f"  {command}    # {why}")


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def register(cli: click.Group) -> None:
    """Attach `demo` to the top-level group."""
    cli.add_command(demo_cmd)
