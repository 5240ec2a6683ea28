"""Writes tests/data/copy_pairs.json: judged pairs of paragraphs for near-copy detection (run from the repository root)."""

import json
from pathlib import Path

from search.ingest.pipeline import process_file

P = {}
for f in sorted(Path("corpus").glob("*.txt")):
    r = process_file(f)
    P[r.township] = [p.text for p in r.paragraphs]


def sub(text, *pairs):
    for a, b in pairs:
        assert a in text, (a, text[:40])
        text = text.replace(a, b)
    return text


def paragraph(path: str, needle: str) -> tuple[str, str]:
    """The paragraph of a test report that contains ``needle``, and the report's township."""
    report = process_file(Path(path))
    return next(p.text for p in report.paragraphs if needle in p.text), report.township


pairs = []


def add(a, pa, b, pb, copy, kind):
    pairs.append({"a": a, "a_place": pa, "b": b, "b_place": pb, "copy": copy, "kind": kind})


t = P["北屏乡"][1]
add(
    t,
    "北屏乡",
    sub(t, ("我乡", "我镇"), ("本乡", "本镇"), ("乡村干部", "镇村干部")),
    "新华镇",
    True,
    "乡 → 镇 throughout",
)
t = P["北屏乡"][3]
add(t, "北屏乡", sub(t, ("乡党委", "镇党委")), "龙岗镇", True, "乡 → 镇 throughout")
t = P["蒲台乡"][2]
add(t, "蒲台乡", sub(t, ("乡长", "镇长"), ("我乡", "我镇")), "石门镇", True, "乡 → 镇 throughout")
t = P["蒲台乡"][7]
add(
    t,
    "蒲台乡",
    sub(t, ("乡党委、政府", "街道党工委、办事处"), ("28个村", "15个社区"), ("乡、村委会", "街道、社区")),
    "东风街道",
    True,
    "乡 → 街道, 村 → 社区",
)
t = P["大湾镇"][2]
add(
    t,
    "大湾镇",
    sub(t, ("我镇", "我乡"), ("镇务会", "乡务会"), ("镇班子成员", "乡班子成员")),
    "白云乡",
    True,
    "镇 → 乡 throughout",
)
t = P["花台乡"][1]
add(
    t,
    "花台乡",
    sub(t, ("乡政务服务大厅", "镇便民服务中心"), ("行政村", "村（社区）")),
    "河口镇",
    True,
    "level and room names",
)
t = P["北屏乡"][8]
add(t, "北屏乡", sub(t, ("，实现全过程留痕和可回溯管理", "")), "青山镇", True, "one clause removed")
t = P["黄石镇"][4]
add(
    t,
    "黄石镇",
    sub(t, ("常年法律顾问。", "常年法律顾问，全程参与重大行政决策合法性审查。")),
    "金桥镇",
    True,
    "one clause added",
)
t = P["花台乡"][4]
add(
    t,
    "花台乡",
    sub(
        t,
        (
            "二是定期对行政执法人员进行行政执法知识培训，重点强化执法人员纪律、作风和执法业务学习。",
            "二是每季度组织一次执法业务培训，着重提升执法人员的纪律意识和业务水平。",
        ),
    ),
    "柳林镇",
    True,
    "one sentence of four reworded",
)
t = P["大湾镇"][9]
add(
    t,
    "大湾镇",
    sub(t, ("新政务服务大厅", "便民服务中心"), ("社区政务窗口", "村级便民服务站")),
    "石井街道",
    True,
    "room names changed",
)
t = P["北屏乡"][5]
add(
    t,
    "北屏乡",
    sub(
        t,
        ("严格要求", "认真要求"),
        ("进一步规范", "切实规范"),
        ("及时在", "按时在"),
        ("加大我乡", "加强我乡"),
        ("健全公开", "完善公开"),
        ("统一登记", "集中登记"),
        ("报送县司法局", "报送区司法局"),
        ("做到有件必备", "确保有件必备"),
    ),
    "白沙镇",
    True,
    "eight small word swaps",
)
t = P["北屏乡"][10]
add(
    t,
    "北屏乡",
    sub(t, ("59件", "47件"), ("97.33%", "95.74%"), ("2020年", "2021年")),
    "南留庄镇",
    True,
    "figures and year changed",
)
t = P["黄石镇"][9]
add(t, "黄石镇", sub(t, ("我镇", "我乡")), "桃洪乡", True, "镇 → 乡 throughout")
t = P["黄石镇"][2]
first, second, third = t.split("。")[:3]
add(
    t,
    "黄石镇",
    t.replace(first + "。" + second + "。", second + "。" + first + "。"),
    "长安镇",
    True,
    "two sentences in the other order",
)
t = P["大湾镇"][2]
add(
    t,
    "大湾镇",
    sub(
        t,
        ("我镇领导", "我乡领导"),
        ("，为工作落实提供了组织保障", ""),
        ("镇务会议事日程", "乡党委会议事日程"),
        ("确保工作落到实处", "确保各项工作落地见效"),
    ),
    "三合乡",
    True,
    "a clause removed, words swapped, the ending reworded",
)
t = P["大湾镇"][7]
add(
    t,
    "大湾镇",
    sub(t, ("为依法化解社会矛盾纠纷，", ""), ("每月按时按质报送", "每月按时报送"))
    + "全年共排查矛盾纠纷43件，全部化解。",
    "王家镇",
    True,
    "the opening clause dropped, a sentence of figures added",
)
a, a_place = paragraph("corpus/001_4544791d050806db.txt", "宣传工作不够深入")
b, b_place = paragraph("corpus/002_4ffb6e69647b4641.txt", "宣传工作不够深入")
add(a, a_place, b, b_place, True, "two published reports: 由于 → 基于, 和 → 及, a sentence added")
formula = "深入学习贯彻习近平法治思想和党的二十大关于法治政府建设的部署要求。"
add(P["北屏乡"][18], "北屏乡", P["大湾镇"][14], "大湾镇", False, "same topic, written apart")
add(P["北屏乡"][17], "北屏乡", P["大湾镇"][13], "大湾镇", False, "same topic, written apart")
add(P["蒲台乡"][9], "蒲台乡", P["花台乡"][10], "花台乡", False, "same topic, written apart")
add(
    formula + P["花台乡"][2],
    "花台乡",
    formula + P["大湾镇"][5],
    "大湾镇",
    False,
    "a shared formula sentence, the rest apart",
)
add(P["蒲台乡"][3], "蒲台乡", P["北屏乡"][9], "北屏乡", False, "same topic, written apart")
add(P["北屏乡"][6], "北屏乡", P["花台乡"][4], "花台乡", False, "same topic, written apart")
add(P["大湾镇"][27], "大湾镇", P["花台乡"][5], "花台乡", False, "one clause of the national outline shared")
add(P["北屏乡"][15], "北屏乡", P["蒲台乡"][11], "蒲台乡", False, "shortcomings, written apart")
add(P["北屏乡"][19], "北屏乡", P["黄石镇"][3], "黄石镇", False, "mediation, written apart")
add(P["大湾镇"][35], "大湾镇", P["黄石镇"][1], "黄石镇", False, "第一责任人, written apart")
for first, second in (
    (
        ("tests/data/indicators/02_河口乡.txt", "出庭应诉率66.7%"),
        ("tests/data/indicators_styles/H_桃洪镇.txt", "五是行政复议应诉"),
    ),
    (
        ("tests/data/styles/d4_辛集镇.txt", "作为被申请人"),
        ("tests/data/indicators/01_青山镇.txt", "全年发生行政复议案件2件"),
    ),
    (
        ("tests/data/indicators/01_青山镇.txt", "全年发生行政复议案件2件"),
        ("tests/data/indicators/06_白沙镇.txt", "全年发生行政诉讼案件2件"),
    ),
    (
        ("tests/data/indicators/03_东风街道.txt", "重大行政决策事项2项"),
        ("tests/data/indicators_styles/E_塘下镇.txt", "重大行政决策3项"),
    ),
):
    add(*paragraph(*first), *paragraph(*second), False, "a short statement in the standard wording, other facts")
add(
    *paragraph("tests/data/heldout/h1_递铺街道.txt", "坚强领导下"),
    *paragraph("tests/data/styles/d1_白鹭镇.txt", "坚强领导下"),
    False,
    "the report's opening formula, written apart",
)
doc = {
    "_comment": "Pairs of paragraphs a county reviewer judges: copies (a sample paragraph with the edits a copier makes: level words 乡/镇/街道 swapped, a clause removed or added, one sentence reworded, room names, small word swaps, figures, sentences reordered; and one pair found in two published samples) and hard negatives (the same topic written apart, a shared formula sentence or clause of the national outline, short statements in the standard wording with other facts, opening formulas). Written by tests/data/make_copy_pairs.py from corpus/ and tests/data/ reports; judged when written.",
    "pairs": pairs,
}
Path("tests/data/copy_pairs.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
print(len(pairs))
