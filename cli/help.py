"""Help that people read: click's own words in Chinese, the commands in the order of the work, an example each,
and what a quarter looks like wherever a command takes one."""

from __future__ import annotations

import re
from collections.abc import Iterable

import click

WORDS = {
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
}
HEADINGS = {"Options": "选项", "Commands": "命令", "Positional arguments": "参数"}
# Patterns as text, compiled by `re` (its cache) the first time a help page is written: every command imports this
# module, and compiling them at import cost ~0.4 ms of each command's start (issue 15).
EXTRAS = ((r"^required$", "必填"), (r"^default: (.*)$", r"默认：\1"), (r"^env var: (.*)$", r"环境变量：\1"),
          (r"^x>=(\d+)$", r"至少 \1"))
_EXTRA = r"(?s)^(.*?)\s*\[([^\[\]]*)\]$"

QUARTER_HELP = "季度写作 YYYYQn：年份加 Q 加第几季度，如 2008Q3 是 2008 年第三季度（7 月 1 日至 9 月 30 日）。"

# The work of a quarter, in order: what the top-level help lists, each command under its step.
STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("建账", ("init", "actor", "rules", "window", "staff", "calendar")),
    ("日常录入", ("template", "import", "record", "retract", "bonus", "complaint", "evidence")),
    ("季度流程", ("shortlist", "decide", "announce", "appeal", "publish")),
    ("查询", ("todo", "report", "explain", "audit", "year", "log", "province")),
    ("防篡改", ("checkpoint", "verify", "receipt", "verify-receipt", "prove", "verify-consistency", "public-key",
                "key", "witness")),
    ("账本维护", ("backup", "migrate", "pg-setup", "rebuild", "demo")),
)

# Each top-level command's one-line summary: the top-level help lists these without importing any command's module
# (so `kaoping --help` starts as fast as the interpreter), and KaopingGroup.add_command gives each command its
# click short_help from here — the one source of a command's summary. Each fits beside the names in 100 columns.
SUMMARIES: dict[str, str] = {
    "init": "初始化账本：登记中心并采用考评规则。",
    "actor": "操作人与角色：登记、停用、更换密钥；登记后每次写入都要操作人签名。",
    "key": "中心检查点签名密钥：丢失、被盗或到期时更换（新旧密钥共同签署的事件）。",
    "rules": "考评规则：各版次的规则目录，以及本中心自哪个季度起采用哪一版。",
    "window": "窗口登记。",
    "staff": "人员登记与轮换。",
    "calendar": "工作日历：国家法定节假日和调休上班日（已含 2004–2026 年）。",
    "template": "空白表格：在 Excel 中填写后再导入。",
    "import": "批量导入。",
    "record": "录入一条检查记录：ITEM 为条目代码（窗口用 W 条目，人员用 S 条目）。",
    "retract": "撤回一条录错的检查记录（原记录保留，标记为已撤回）。",
    "bonus": "加分申报与核实。",
    "complaint": "投诉与征求意见的登记与核实。",
    "evidence": "证据文件。",
    "shortlist": "按得分确定并冻结 QUARTER 的入围名单（取消资格者不入围，并列者同时入围）。",
    "decide": "记录党组决定：只能从入围名单中确定红旗窗口、五星和四星服务明星。",
    "announce": "党组决定后公示 QUARTER 的考评结果 N 个工作日，并显示公示截止日。",
    "appeal": "申诉与复核：对检查记录、查实的投诉或驳回的加分申报申诉，督查科维持或撤销。",
    "publish": "公布 QUARTER 的考评结果，并记录所公布结果的 sha256 摘要。",
    "todo": "待办：待核实的申报和投诉、待复核的申诉、待办的季度；已逾期的排在最前。",
    "report": "QUARTER 的考评结果：各窗口、各人员的得分、排名、入围、取消资格、星级和奖励。",
    "explain": "逐条说明一个窗口或一名人员在 QUARTER 的得分、加分、取消资格和星级从何而来。",
    "audit": "审计查询。",
    "year": "年度汇总：各窗口获红旗窗口的季度，以及影响年度评比的取消资格。",
    "log": "按账本顺序列出事件：位置、时间、操作人、类型、摘要。",
    "province": "省级汇总：多个中心账本各自公布的红旗窗口和五星，核对摘要和签名。",
    "checkpoint": "签发检查点：账本当前的事件数和根哈希，经签名后交给数据库之外保存。",
    "verify": "校验整个账本是否被篡改；完好退出码 0，发现问题退出码 1 并指出位置。",
    "receipt": "出具收据：证明某条记录的事件在签名检查点覆盖的账本中。",
    "verify-receipt": "离线核验收据（.json 或 .tlog-proof）：只需要收据文件和受信任的公钥。",
    "prove": "出具一致性证明：新检查点是旧检查点的延续（旧检查点覆盖的事件一个未改）。",
    "verify-consistency": "离线核验一致性证明：只需要两个检查点、证明文件和受信任的公钥，不需要数据库。",
    "public-key": "打印账本的签名公钥（名称+编号+公钥），供核验收据和检查点使用。",
    "witness": "见证方（县纪委、县效能办等）：副署检查点，证明账本没有被改写或分叉。",
    "backup": "在账本使用中做一份一致的 SQLite 备份（连同证据）；PostgreSQL 用 pg_dump。",
    "migrate": "把账本的全部事件按原顺序原样复制到一个空账本，并证明两边根哈希一致。",
    "pg-setup": "PostgreSQL 最小权限设置：应用角色只能追加和读取事件，不能修改或删除。",
    "rebuild": "丢弃并重建季度结果投影（从第一个事件重新计算）。",
    "demo": "建立一个演示账本：30 个窗口、约 150 名人员和 2008 年第三季度的全部记录。",
}

EXAMPLES: dict[str, str] = {
    "calendar": "kaoping calendar add 2027 --holidays 2027-01-01,2027-10-01..2027-10-07 --workdays 2027-10-09 "
                "--source 国办发明电〔2026〕1号",
    "calendar add": "kaoping calendar add 2027 --holidays 2027-01-01,2027-10-01..2027-10-07 --workdays 2027-10-09 "
                    "--source 国办发明电〔2026〕1号",
    "calendar show": "kaoping calendar show",
    "announce": "kaoping announce 2008Q3 --date 2008-10-08",
    "appeal": "kaoping appeal file --against 编号 --date 2008-10-09 --text 当日在窗口值班，并非离岗",
    "appeal file": "kaoping appeal file --against 编号 --date 2008-10-09 --text 当日在窗口值班，并非离岗",
    "appeal uphold": "kaoping appeal uphold 编号 --reason 经查记录属实",
    "appeal overturn": "kaoping appeal overturn 编号 --reason 经查当日在岗",
    "todo": "kaoping todo",
    "init": "kaoping init --center 长兴县行政服务中心",
    "rules": "kaoping rules show",
    "rules show": "kaoping rules show",
    "rules adopt": "kaoping rules adopt changxing-2008@2 --from 2009Q1",
    "window": "kaoping window add DS 地税窗口 --department 县地税局",
    "window add": "kaoping window add DS 地税窗口 --department 县地税局",
    "window list": "kaoping window list",
    "staff": "kaoping staff add 0101 张三 --window DS --from 2008-05-01",
    "staff add": "kaoping staff add 0101 张三 --window DS --from 2008-05-01",
    "staff move": "kaoping staff move 0102 --window GT --from 2008-08-16",
    "staff list": "kaoping staff list",
    "template": "kaoping template findings --out 第28周值周检查.xlsx",
    "template findings": "kaoping template findings --out 第28周值周检查.xlsx",
    "import": "kaoping import findings 第28周值周检查.xlsx",
    "import findings": "kaoping import findings 第28周值周检查.xlsx",
    "import ratings": "kaoping import ratings 2008年9月好差评.xlsx",
    "record": "kaoping record W2.2 --window DS --date 2008-07-14 --source weekly --note 上班迟到",
    "retract": "kaoping retract 编号 --reason 人员记错",
    "bonus": "kaoping bonus claim honour --staff 0101 --date 2008-08-02 --evidence 证书.pdf --level city "
             "--ref 青年文明号",
    "bonus claim": "kaoping bonus claim training --window DS --date 2008-08-10 --evidence 培训通知.pdf",
    "bonus verify": "kaoping bonus verify 编号",
    "bonus reject": "kaoping bonus reject 编号 --reason 未经中心认可",
    "complaint": "kaoping complaint record --staff 0102 --date 2008-08-20 --channel hotline-12345 --text 态度冷漠",
    "complaint record": "kaoping complaint record --staff 0102 --date 2008-08-20 --channel hotline-12345 "
                        "--text 态度冷漠",
    "complaint verify": "kaoping complaint verify 编号 --item S2.4 --dq complaint",
    "complaint dismiss": "kaoping complaint dismiss 编号 --reason 经查当时在岗",
    "complaint rectify": "kaoping complaint rectify 编号 --date 2008-09-10 --text 当面致歉",
    "complaint callback": "kaoping complaint callback 编号 --date 2008-09-12 --result satisfied",
    "complaint show": "kaoping complaint show 编号",
    "complaint erase-contact": "kaoping complaint erase-contact 编号 --reason 投诉人要求删除",
    "evidence": "kaoping evidence get 编号 --out 证据",
    "evidence get": "kaoping evidence get 编号 --out 证据",
    "shortlist": "kaoping shortlist 2008Q3",
    "decide": "kaoping decide 2008Q3 --red-flag DS --five 0101 --four 0102",
    "publish": "kaoping publish 2008Q3 --out 2008Q3公布 --number 长行服〔2008〕12号",
    "report": "kaoping report 2008Q3 --out 结果.xlsx",
    "explain": "kaoping explain --staff 0101 2008Q3",
    "audit": "kaoping audit disqualifications --year 2008 --kind corruption",
    "audit disqualifications": "kaoping audit disqualifications --year 2008 --kind corruption",
    "year": "kaoping year 2008",
    "log": "kaoping log --subject 0101 --quarter 2008Q3",
    "province": "kaoping province report 2008Q3 --db postgresql://省厅@db/changxing --db postgresql://省厅@db/anji",
    "province report": "kaoping province report 2008Q3 --db postgresql://省厅@db/changxing "
                       "--db postgresql://省厅@db/anji --public-key 长兴公钥.txt",
    "checkpoint": "kaoping checkpoint --out 检查点-2008Q3.txt",
    "verify": "kaoping verify --checkpoint 检查点-2008Q3.txt",
    "receipt": "kaoping receipt 编号 --out 收据.json",
    "verify-receipt": "kaoping verify-receipt 收据.json --public-key 公钥.txt",
    "prove": "kaoping prove 检查点-2008Q2.txt 检查点-2008Q3.txt --out 一致性.txt",
    "verify-consistency": "kaoping verify-consistency 检查点-2008Q2.txt 检查点-2008Q3.txt 一致性.txt "
                          "--public-key 公钥.txt",
    "public-key": "kaoping public-key --out 公钥.txt",
    "key": "kaoping key rotate --key-out 新签名密钥.key --reason 密钥文件丢失",
    "witness": "kaoping witness cosign 检查点-2008Q3.txt --key 县纪委.key --state 县纪委-状态.json --out 副署.txt",
    "actor": "kaoping actor add 王芳 --role clerk --key-out 王芳.key",
    "actor add": "kaoping actor add 王芳 --role clerk --key-out 王芳.key",
    "actor list": "kaoping actor list",
    "actor retire": "kaoping actor retire 王芳 --reason 调离督查科",
    "actor rotate-key": "kaoping actor rotate-key 王芳 --key-out 王芳-新.key",
    "witness new": "kaoping witness new jw.changxing.gov.cn/witness --key-out 县纪委.key",
    "witness cosign": "kaoping witness cosign 检查点-2008Q3.txt --key 县纪委.key --state 县纪委-状态.json "
                      "--out 副署.txt",
    "witness record": "kaoping witness record 副署.txt --witness 县纪委公钥.txt",
    "backup": "kaoping backup 备份/kaoping-2008Q3.db",
    "migrate": "kaoping migrate --from sqlite:///kaoping.db --to postgresql://kaoping:密码@127.0.0.1:5432/kaoping",
    "rebuild": "kaoping rebuild",
    "pg-setup": "kaoping --db postgresql://kaoping_owner@127.0.0.1:5432/kaoping pg-setup --app-role kaoping_app",
    "demo": "kaoping demo --db sqlite:///kaoping-demo.db",
}
"""One example per command (by its path after `kaoping`): shown in the top-level list and in the command's help."""


def chinese(text: str) -> str:
    """Click's English in a help text: its fixed sentences and the [required; default: …] after an option."""
    text = WORDS.get(text, text)
    m = re.match(_EXTRA, text)
    if m is None:
        return text
    items = []
    for item in m.group(2).split("; "):
        for pattern, replacement in EXTRAS:
            if re.match(pattern, item):
                item = re.sub(pattern, replacement, item)
                break
        items.append(item)
    return f"{WORDS.get(m.group(1), m.group(1))}  [{'；'.join(items)}]".lstrip()


class ChineseFormatter(click.HelpFormatter):
    """Click's help layout with its headings and fixed words in Chinese."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}：\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, chinese(text)) for term, text in rows], col_max, col_spacing)


class ChineseContext(click.Context):
    """A context whose help is Chinese, ends with the command's example, and explains the quarter format."""

    formatter_class = ChineseFormatter

    def get_help(self) -> str:
        text = super().get_help()
        path = " ".join(self.command_path.split()[1:])
        if self.parent is not None and path in EXAMPLES:
            text += f"\n\n例：\n  {EXAMPLES[path]}"
        if any(_takes_quarter(p) for p in self.command.params):
            text += f"\n\n{QUARTER_HELP}"
        return text


def _takes_quarter(param: click.Parameter) -> bool:
    return (param.name or "") == "quarter"


def chinese_everywhere(command: click.Command) -> None:
    """Give a command, and every command under it, the Chinese context (so its --help is Chinese too)."""
    command.context_class = ChineseContext
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            chinese_everywhere(sub)


def in_order_of_work(names: Iterable[str]) -> list[str]:
    """Command names in the order of the work (STEPS); any not listed there after them, alphabetically."""
    known = [n for _, step in STEPS for n in step]
    present = set(names)
    return [n for n in known if n in present] + sorted(present - set(known))


def format_steps(group: click.Group, ctx: click.Context, formatter: click.HelpFormatter) -> None:
    """The top-level command list: a section per step of the work, each command with its summary and example, all
    from the tables above (no command's module is imported to list them)."""
    names = group.list_commands(ctx)
    stepped = {c for _, s in STEPS for c in s}
    sections = [*STEPS, ("其他", tuple(n for n in names if n not in stepped))]
    for title, step in sections:
        rows: list[tuple[str, str]] = []
        for name in step:
            if name not in names:
                continue
            rows.append((name, SUMMARIES.get(name, "")))
            if name in EXAMPLES:
                rows.append(("", f"例：{EXAMPLES[name]}"))
        if rows:
            with formatter.section(f"{title}命令"):
                formatter.write_dl(rows)
