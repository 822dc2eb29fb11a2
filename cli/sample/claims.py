"""The sample quarter's bonus claims (with evidence, verified or rejected) and complaints (true, untrue, open)."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from cli.sample.plan import OFFICE, WORKDAYS, Scenario
from ledger.app import Ledger


def claim(sc: Scenario, key: str, day: str, kind: str, *, staff: str | None = None, window: str | None = None,
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


def bonuses(sc: Scenario, achievers: list[str]) -> None:
    """Bonus claims of a quarter: articles, training, competitions, honours, measures, suggestions."""
    a = achievers
    comp1, comp2, comp3 = "2008年第三季度窗口业务技能竞赛", "“迎奥运”文明服务知识竞赛", "计算机操作技能比武"
    # Window claims.
    art = "工商窗口推行“预约服务”见成效"
    claim(sc, "w-art-county", "2008-07-18", "article", window="GS", level="county", ref=art,
           evidence="长兴政务信息录用通知", verify="2008-07-25")
    claim(sc, "w-art-city", "2008-08-08", "article", window="GS", level="city", ref=art,
           evidence="湖州日报刊登样报", verify="2008-08-14")  # same article, higher level: counted once, at 3
    claim(sc, "w-train-sb", "2008-07-24", "training", window="SB", evidence="社保业务知识培训签到表",
           verify="2008-07-30")
    claim(sc, "w-train-gst", "2008-09-10", "training", window="GST", evidence="国税窗口新税法培训通知",
           verify="2008-09-15")
    claim(sc, "w-measure-bdc", "2008-08-04", "measure", window="BDC", evidence="不动产登记预约服务实施方案",
           verify="2008-08-11")
    claim(sc, "w-honour-bdc", "2008-09-03", "honour", window="BDC", level="city", ref="湖州市青年文明号",
           evidence="市级青年文明号证书", verify="2008-09-08")
    claim(sc, "w-suggest-crj", "2008-08-20", "suggestion", window="CRJ", evidence="关于增设自助填表台的建议",
           verify="2008-08-27")
    claim(sc, "w-honour-jt", "2008-07-29", "honour", window="JT", level="county", ref="县级文明窗口",
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
        claim(sc, f"s-{n}", day.isoformat(), kind, staff=a[who], evidence=title,
               level=opts.get("level"), place=opts.get("place"), ref=opts.get("ref"),  # type: ignore[arg-type]
               verify=verified.isoformat())
    claim(sc, "s-rejected", "2008-08-22", "honour", staff=a[21], level="province", ref="浙江省劳动模范",
           evidence="劳动模范推荐表", reject=("2008-08-29", "所附材料为推荐表，并非荣誉证书，不予认定"))
    claim(sc, "s-pending", "2008-09-26", "suggestion", staff=a[20], evidence="关于窗口排班的建议")


def complaints(sc: Scenario, cast: dict[str, str]) -> None:
    """Complaints and 征求意见 responses: verified (with disqualifications), dismissed, one still open."""

    def complaint(key: str, day: str, channel: str, text: str, *, staff: str | None = None,
                  window: str | None = None) -> None:
        def run(lg: Ledger) -> UUID:
            cid = lg.record_complaint(window=window, staff=staff, day=day, channel=channel, text=text)
            sc.ids[key] = cid
            return cid

        sc.at(day, OFFICE, run)

    def verify(key: str, day: str, item: str, dq: str | None = None) -> None:
        sc.at(day, OFFICE, lambda lg: lg.verify_complaint(str(sc.ids[key]), item, dq, day))  # found true that day

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

