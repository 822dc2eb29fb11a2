"""Sample data for `kaoping demo`: real 长兴县 departments, their windows, and plausible Chinese names."""

from __future__ import annotations

import random
from dataclasses import dataclass

QUARTER = "2008Q3"
CENTER = "长兴县行政服务中心"
OPENED = "2008-05-01"  # everyone is assigned from the day the rules took effect
SEED = 2008


@dataclass(frozen=True)
class SampleWindow:
    """A window of the sample center and how many people staff it."""

    code: str
    name: str
    department: str
    staff: int


WINDOWS: tuple[SampleWindow, ...] = (
    SampleWindow("GS", "工商窗口", "县市场监督管理局", 8),
    SampleWindow("ZJ", "质监窗口", "县市场监督管理局", 4),
    SampleWindow("CRJ", "出入境窗口", "县公安局出入境", 5),
    SampleWindow("HZ", "户政窗口", "县公安局治安大队", 5),
    SampleWindow("CG", "车管窗口", "县公安局交警大队", 7),
    SampleWindow("SB", "社保窗口", "县人力社保局", 9),
    SampleWindow("JY", "就业窗口", "县人力社保局", 4),
    SampleWindow("BDC", "不动产登记窗口", "县不动产登记中心", 9),
    SampleWindow("GST", "国税窗口", "县税务局", 7),
    SampleWindow("DST", "地税窗口", "县税务局", 7),
    SampleWindow("JS", "建设窗口", "县住建局", 6),
    SampleWindow("FG", "房管窗口", "县住建局", 5),
    SampleWindow("GT", "国土窗口", "县国土资源局", 6),
    SampleWindow("GH", "规划窗口", "县规划局", 4),
    SampleWindow("FGW", "发改窗口", "县发改局", 4),
    SampleWindow("JM", "经贸窗口", "县经贸委", 3),
    SampleWindow("HB", "环保窗口", "县环保局", 4),
    SampleWindow("WS", "卫生窗口", "县卫生局", 5),
    SampleWindow("YJ", "药监窗口", "县食品药品监管局", 4),
    SampleWindow("WG", "文广窗口", "县文广新局", 3),
    SampleWindow("JT", "交通窗口", "县交通运输局", 5),
    SampleWindow("SL", "水利窗口", "县水利局", 3),
    SampleWindow("NY", "农业窗口", "县农业局", 3),
    SampleWindow("LY", "林业窗口", "县林业局", 3),
    SampleWindow("MZ", "民政窗口", "县民政局", 4),
    SampleWindow("GZ", "公证窗口", "县司法局", 4),
    SampleWindow("XF", "消防窗口", "县公安消防大队", 3),
    SampleWindow("QX", "防雷窗口", "县气象局", 2),
    SampleWindow("GJJ", "公积金窗口", "县住房公积金管理中心", 5),
    SampleWindow("YH", "收费窗口", "县农村信用合作联社", 5),
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙朱胡沈钱姚蒋费顾施潘蔡陆俞金邵丁汪方许臧钟戴宋唐冯叶程夏倪"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玲燕飞鹏斌宇浩凯琳晨"
    "婷雪倩晓峰亮辉慧颖佳鑫欣怡海波志新春林荣丹萍"
)


def staff_names(count: int, seed: int = SEED) -> list[str]:
    """`count` distinct plausible Chinese names, the same for the same seed."""
    rng = random.Random(seed)
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        name = rng.choice(SURNAMES) + given
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


# Notes written on the inspection sheets, per item code prefix (what the inspector saw).
NOTES: dict[str, tuple[str, ...]] = {
    "S1.1": ("未佩戴工作牌", "未按规定着制服", "穿拖鞋上班"),
    "S1.2": ("接待办事群众语气生硬", "未使用文明用语"),
    "S1.3": ("桌面放置零食", "下班未关闭电脑电源", "工作台面杂乱"),
    "S1.4": ("台牌未放置", "样板表缺失"),
    "S2.2": ("对新出台政策不熟悉，解答不清",),
    "S2.3": ("与同事在窗口争执",),
    "S2.4": ("对办事群众态度冷淡",),
    "S3.1": ("业务解答不清，群众多次往返",),
    "S3.2": ("承诺件超期一天办结",),
    "S3.4": ("未一次性告知所需材料",),
    "S3.6": ("退办件未出具退办件通知书",),
    "S4.1": ("上班迟到", "未请假擅自离岗", "早退", "事后补假"),
    "S4.2": ("上班时间看与业务无关的杂志", "串岗聊天", "上班时间打瞌睡"),
    "S4.3": ("窗口负责人会议缺席", "业务学习迟到"),
    "W1.2": ("本季度分管领导未到窗口指导工作",),
    "W2.4": ("未派人参加联办会议",),
    "W2.5": ("办件资料未及时归档",),
    "W2.6": ("打印机故障未报修",),
    "W3.2": ("《办事须知》未更新",),
    "W3.5": ("未及时提供最新审批政策文件",),
    "W4.3": ("便民用品缺少胶水、笔",),
    "W4.5": ("承诺件未出具取件通知单",),
}
