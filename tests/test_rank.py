"""Ranking promises a user relies on, each checked directly (not through a mean over a judged set)."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.engine import Engine
from search.index.writer import update_index
from search.query import SearchRequest


def parts_of_top(engine: Engine, q: str, n: int) -> list[str]:
    return [hit["part"] for hit in engine.search(SearchRequest(q=q, limit=n))["hits"]]


@pytest.mark.parametrize(
    "q,part",
    [
        ("第一责任人 法治", "第一责任人履职"),
        ("调解 不足", "存在的不足和原因"),
        ("法治意识不强", "存在的不足和原因"),
    ],
)
def test_a_query_naming_a_report_part_lists_that_parts_paragraphs_first(engine, q, part):
    assert parts_of_top(engine, q, 3) == [part] * 3


@pytest.mark.parametrize("q", ["法律顾问", "合法性审查", "普法"])
def test_a_topic_query_lists_what_was_done_before_plans_that_mention_it(engine, q):
    assert parts_of_top(engine, q, 6) == ["主要举措和成效"] * 6


def _write(corpus: Path, name: str, lines: list[str]) -> None:
    corpus.mkdir(exist_ok=True)
    (corpus / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _indexed(corpus: Path, index_dir: Path) -> Engine:
    assert not update_index(corpus, index_dir, jobs=1).failed
    return Engine(index_dir)


def _report(township: str, county: str, *paragraphs: str) -> list[str]:
    return [
        f"{county}{township}2022年法治政府建设工作情况报告",
        "一、主要举措和成效",
        *paragraphs,
        "二、存在的不足和原因",
        f"{township}法治工作队伍力量还比较薄弱，个别干部依法行政意识有待提高。",
    ]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Engine:
    """Four townships' reports written for these tests: each repeats one generic sentence, one also says
    what it did, and two say the same thing in equivalent words."""
    root = tmp_path_factory.mktemp("rank")
    corpus = root / "corpus"
    generic = "深入学习贯彻习近平法治思想，坚持依法行政，全面落实法律顾问制度，推进法治政府建设。"
    _write(
        corpus,
        "1.txt",
        _report(
            "青峰镇",
            "石泉县",
            generic,
            "开展法制宣传进村入户活动十二场，发放资料八百份。",
        ),
    )
    _write(
        corpus,
        "2.txt",
        _report(
            "白水乡",
            "石泉县",
            generic,
            "开展法治宣传进村入户活动十二场，发放资料八百份。",
        ),
    )
    _write(corpus, "3.txt", _report("柳河镇", "汉阴县", generic))
    _write(
        corpus,
        "4.txt",
        _report(
            "龙井镇",
            "汉阴县",
            generic,
            "镇政府与县城一家律师事务所签订常年服务协议，由两名律师担任法律顾问，全年审查合同21份，"
            "出具法律意见书6份，参与信访化解3次，法律顾问每月到镇便民服务中心坐班一天。",
        ),
    )
    engine = _indexed(corpus, root / "index")
    yield engine
    engine.close()


def test_the_wording_typed_outscores_the_same_text_found_through_an_equivalent(written):
    hits = written.search(SearchRequest(q="法治宣传", limit=5))["hits"]
    texts = [hit["text"] for hit in hits]
    assert texts[:2] == [
        "开展法治宣传进村入户活动十二场，发放资料八百份。",
        "开展法制宣传进村入户活动十二场，发放资料八百份。",
    ]
    assert hits[0]["score"] > hits[1]["score"]


def test_a_paragraph_copied_into_many_reports_is_listed_once_below_a_specific_one(written):
    shown = written.search(SearchRequest(q="法律顾问", limit=10, boilerplate="show"))
    assert shown["total"] == 5
    folded = written.search(SearchRequest(q="法律顾问", limit=10))
    texts = [hit["text"] for hit in folded["hits"]]
    assert len(texts) == 2 and folded["boilerplate_folded"] == 3
    assert texts[0].startswith("镇政府与县城一家律师事务所")
    assert [hit["boilerplate"] for hit in folded["hits"]] == [0, 3]


def test_question_words_in_a_users_own_words_are_never_required(engine):
    """乡镇如何发挥法律顾问的作用 asks about 法律顾问: the question and function words around it change nothing."""
    question = engine.search(SearchRequest(q="乡镇如何发挥法律顾问的作用", limit=20))
    plain = engine.search(SearchRequest(q="法律顾问", limit=20))
    assert question["total"] == plain["total"] == 12
    assert [h["id"] for h in question["hits"]] == [h["id"] for h in plain["hits"]]
    assert all("如何" not in h["snippet"] and "<mark>作用</mark>" not in h["snippet"] for h in question["hits"])


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("调解成功率是多少", "调解成功率"),
        ("法律顾问一年审查了多少份合同", "法律顾问 审查 合同"),
        ("有没有好的普法宣传经验", "普法宣传"),
        ("典型的人民调解案例", "人民调解"),
        ("2020年的法律顾问", "2020 法律顾问"),
        ("调解成功率有多高", "调解成功率"),
        ("镇里怎么审查合同", "审查合同"),
        ("哪个乡镇人民调解做得最好", "人民调解"),
        ("合法性审查的比例是多少", "合法性审查"),
        ("调解成功率最高的乡镇", "调解成功率"),
        ("重庆各乡镇的普法", "重庆 普法"),
        ("近三年的调解成功率", "调解成功率"),
        ("这几年法律顾问的做法", "法律顾问"),
        ("人民调解情况汇总", "人民调解"),
        ("法律顾问的具体措施", "法律顾问"),
        ("法律顾问取得的成绩", "法律顾问"),
        ("人民调解怎么弄", "人民调解"),
        ("法律顾问有何进展", "法律顾问"),
        ("人民调解的实际效果", "人民调解"),
        ("法律顾问的基本情况", "法律顾问"),
        ("人民调解工作要点", "人民调解"),
        ("如何提升普法水平", "普法"),
        ("法律顾问的具体情况", "法律顾问"),
        ("人民调解的有效途径", "人民调解"),
        ("法律顾问的范文", "法律顾问"),
        ("看看别人的法律顾问", "法律顾问"),
        ("求人民调解参考", "人民调解"),
        ("人民调解写得好的报告", "人民调解"),
        ("我们镇想学习法律援助", "法律援助"),
        ("怎么让法律顾问真正发挥作用", "法律顾问"),
        ("法律顾问这块做得如何", "法律顾问"),
        ("说说人民调解", "人民调解"),
        ("人民调解这方面做得怎么样", "人民调解"),
        ("我镇法律顾问该怎么做", "法律顾问"),
        ("人民调解到底怎么抓", "人民调解"),
        ("法律顾问做到位了吗", "法律顾问"),
        ("法律顾问这一块怎么样", "法律顾问"),
        ("谁家的人民调解做得好", "人民调解"),
        ("给我找找人民调解", "人民调解"),
        ("我是司法所的，想看看人民调解怎么写", "人民调解"),
        ("领导让我写法律顾问，参考一下", "法律顾问"),
        ("法律顾问人数", "法律顾问"),
        ("村里的法律顾问一般都做些什么", "法律顾问"),
        ("人民调解主要做哪些事", "人民调解"),
        ("上级检查人民调解，需要准备哪些材料", "人民调解"),
        ("你好，请帮我找一下法律顾问的相关段落，谢谢", "法律顾问"),
        ("我们镇今年要写法治政府建设报告，人民调解这部分怎么写比较好", "人民调解"),
        ("人民调解咋整", "人民调解"),
        ("法律顾问有么子办法", "法律顾问"),
        ("人民调解有啥好经验不", "人民调解"),
    ],
)
def test_a_question_finds_what_its_subject_finds(engine, question, subject):
    """调解成功率是多少 asks for a figure: no paragraph says 多少, and few say 一年 or 份 as words (全年, 27份),
    so requiring them left no full match; 好的 and 典型…案例 judge and ask for examples (好 required found
    美好生活); 做得最好 and 比例 judge and ask for a rate no paragraph words so (over the judged queries asked
    as 哪个乡镇…做得最好, nDCG 0.869 → 0.925); the 年 of 2020年, cut off as a word of its own, was scored in most paragraphs (2 to 3 s at eight
    million); 有多高 was cut into 有|多|高 and required 多 and 高; 镇里 (in the town) is no word reports use; 别人,
    参考, 写得好的报告 ask to learn from others, and 学习 took 法律 out of 法律援助 as 学习法律 (学法); 发挥作用 is
    one word of the segmenter's made of two question words; 这块 and 这方面 point back at the subject, and the
    segmenter cuts 说说 into two 说; 我镇 is the asker's own township, 到底…抓 and 做到位 (做到|位) ask how; a
    filler the segmenter cuts into words that are none (这|一块, 给|我) is joined again, 谁家 asks who; 我是司法所的
    says who asks (司法所 was required), 领导让我写 who wants the text; 人数 asks for a figure (律师2名); 做些什么 and 做哪些事 ask what is done; 上级检查 (a phrase of fillers
    around the term 检查), 你好 … 谢谢 and a clause on the asker's own report (我们镇今年要写…报告) are no concepts,
    nor are regional ways of asking (咋整, 有么子办法) or a question's last 不."""
    asked = engine.search(SearchRequest(q=question, limit=20))
    plain = engine.search(SearchRequest(q=subject, limit=20))
    assert asked["total"] == plain["total"] > 0
    assert [h["id"] for h in asked["hits"]] == [h["id"] for h in plain["hits"]]


def test_a_localizer_in_a_question_is_not_a_concept(engine):
    """…法律顾问在决策中的作用: 中 only places the question (一个方位词); requiring it cut the answers to the
    paragraphs that happen to hold the character."""
    question = engine.search(SearchRequest(q="乡镇如何发挥法律顾问在决策中的作用", limit=20))
    both = engine.search(SearchRequest(q="法律顾问 决策", limit=20))
    assert question["total"] == both["total"]
    assert [h["id"] for h in question["hits"]] == [h["id"] for h in both["hits"]]


def test_a_concept_most_paragraphs_have_is_scored_not_required(engine):
    """法治 is in more than a third of the paragraphs: 法治 法律顾问 finds what 法律顾问 finds, ranking those
    that also speak of 法治 first."""
    both = engine.search(SearchRequest(q="法治 法律顾问", limit=50))
    alone = engine.search(SearchRequest(q="法律顾问", limit=50))
    assert both["total"] == alone["total"]
    scores = {h["id"]: h["score"] for h in alone["hits"]}
    with_fazhi = [h for h in both["hits"] if h["tier"] == "all" and "法治" in h["text"]]
    assert with_fazhi and all(h["score"] > scores[h["id"]] for h in with_fazhi)


def test_a_paragraph_with_any_of_the_words_is_listed_after_the_better_ones(written):
    """Nothing a BM25 over the query's words would return is out of reach: paragraphs with one of three
    concepts come last, in their own tier."""
    result = written.search(SearchRequest(q="法律顾问 合同 坐班", limit=50, boilerplate="show"))
    tiers = [hit["tier"] for hit in result["hits"]]
    assert tiers[0] == "all" and "other" in tiers
    assert tiers == sorted(tiers, key=["all", "partial", "related", "other"].index)
    others = [hit["text"] for hit in result["hits"] if hit["tier"] == "other"]
    assert any(text.startswith("深入学习贯彻") for text in others), "the generic paragraphs with 法律顾问 only"
    assert result["other_total"] == len(others)


@pytest.fixture(scope="module")
def eight(tmp_path_factory) -> Engine:
    """Eight townships' reports of one paragraph each; two say 执法人员 (an equivalent of 执法队伍), one of them
    also 队伍."""
    root = tmp_path_factory.mktemp("own-words")
    corpus = root / "corpus"
    paragraphs = [
        "严格行政执法人员管理，全部持证上岗，年内轮训两次。",
        "加强行政执法人员队伍建设，选派业务骨干充实一线。",
        "聘请律师担任法律顾问，全年审查合同二十一份。",
        "开展法治宣传进村入户活动十二场，发放资料八百份。",
        "建立矛盾纠纷排查台账，全年调解纠纷四十三件，调解成功率百分之九十八。",
        "严格落实重大行政决策程序，三项重大决策均经合法性审查和集体讨论。",
        "镇党委书记履行推进法治建设第一责任人职责，全年专题研究法治工作四次。",
        "举办法律明白人培训班两期，培训村民骨干六十人。",
    ]
    for number, paragraph in enumerate(paragraphs):
        lines = [
            f"安康县{'青白柳龙石马金云'[number]}河镇2022年法治政府建设工作情况报告",
            "一、主要举措和成效",
            paragraph,
        ]
        _write(corpus, f"{number}.txt", lines)
    engine = _indexed(corpus, root / "index")
    yield engine
    engine.close()


def test_a_paragraph_in_the_users_own_words_outranks_one_with_only_an_equivalent(eight):
    """Both paragraphs match 执法队伍 through 执法人员; the one that also speaks of the 队伍 itself comes first."""
    hits = eight.search(SearchRequest(q="执法队伍", limit=5))["hits"]
    assert hits[0]["score"] > hits[1]["score"]
    assert [hit["text"] for hit in hits[:2]] == [
        "加强行政执法人员队伍建设，选派业务骨干充实一线。",
        "严格行政执法人员管理，全部持证上岗，年内轮训两次。",
    ]


def test_a_verb_in_a_question_is_scored_not_required(eight):
    """如何培养法律明白人: the paragraph says 培训, not 培养, and is what the user asks about; typed as two
    keywords, both words stay required."""
    hits = eight.search(SearchRequest(q="如何培养法律明白人", limit=5))["hits"]
    assert hits[0]["tier"] == "all" and hits[0]["text"].startswith("举办法律明白人培训班")
    assert eight.search(SearchRequest(q="培养 法律明白人"))["total"] == 0


def test_a_word_naming_the_leaders_part_is_not_present_in_all_of_it(tmp_path):
    """述法 names the part on the leaders' duties (a heading 述法 puts paragraphs there), but a paragraph of that
    part is not about 述法 for being there: 领导干部述法, asked as a question, lists the paragraphs that say 述法
    before those of the part that only mention 领导干部 (strict matches until then, and first). A part set apart
    by its stance still counts: 执法力量不足 finds the shortcomings about 执法力量."""
    leaders = [
        "镇党委书记带头述法，接受党员群众评议。",
        "领导干部带头尊法学法，全年集中学法六次。",
        "镇长带头开展年终述法，述法报告在镇政府网站公开。",
        "组织领导干部旁听庭审一次。",
    ]
    for number, paragraph in enumerate(leaders):
        town = f"安康县{'青白柳龙'[number]}河镇"
        lines = [
            f"{town}2022年法治政府建设工作情况报告",
            "一、主要举措和成效",
            "组织领导干部参加学法考试，参考率百分之百。",
        ]
        lines += ["二、存在的不足", "基层执法力量不足，执法人员仅三名。" if number == 0 else "法治宣传形式较为单一。"]
        lines += ["三、党政主要负责人履行推进法治建设第一责任人职责情况", paragraph]
        _write(tmp_path / "corpus", f"{number}.txt", lines)
    engine = _indexed(tmp_path / "corpus", tmp_path / "index")
    try:
        hits = engine.search(SearchRequest(q="有哪些乡镇开展了领导干部述法", limit=4))["hits"]
        shortcomings = engine.search(SearchRequest(q="执法力量不足"))
    finally:
        engine.close()
    assert ["述法" in hit["text"] for hit in hits] == [True, True, False, False]
    assert shortcomings["total"] == 1 and shortcomings["hits"][0]["part"] == "存在的不足和原因"


def test_a_word_the_segmenter_cuts_in_two_counts_once_against_the_others(tmp_path):
    """领导干部年终述法: the segmenter cuts 领导干部 into 领导 and 干部, which counted as two of three concepts, so
    paragraphs about 领导干部 alone ranked above those about 年终述法, the rarer and asked-for half."""
    paragraphs = [
        "组织领导干部参加学法考试，参考率百分之百。",
        "镇党委书记带头开展年终述法，接受党员群众评议。",
        "聘请律师担任法律顾问，全年审查合同二十一份。",
        "开展法治宣传进村入户活动十二场，发放资料八百份。",
        "建立矛盾纠纷排查台账，全年调解纠纷四十三件。",
        "严格落实重大行政决策程序，三项重大决策均经合法性审查。",
        "举办法律明白人培训班两期，培训村民骨干六十人。",
        "严格行政执法人员管理，全部持证上岗。",
    ]
    for number, paragraph in enumerate(paragraphs):
        town = f"安康县{'青白柳龙石马金云'[number]}河镇"
        _write(
            tmp_path / "corpus",
            f"{number}.txt",
            [f"{town}2022年法治政府建设工作情况报告", "一、主要举措和成效", paragraph],
        )
    engine = _indexed(tmp_path / "corpus", tmp_path / "index")
    try:
        hits = engine.search(SearchRequest(q="领导干部年终述法", limit=5))["hits"]
    finally:
        engine.close()
    assert hits[0]["text"].startswith("镇党委书记带头开展年终述法")
    assert [hit["tier"] for hit in hits[:2]] == ["partial", "partial"]


def test_asking_what_to_do_about_a_shortcoming_lists_the_plans_that_answer_it_with_the_shortcoming(tmp_path):
    """执法力量不足怎么办 asks what townships did or will do about too few enforcement staff: the plans that name
    执法力量 answer it as the shortcomings that name it do (strict matches, before what was done). 执法力量不足
    alone still asks for the shortcomings only, and a plan that names no 执法力量 is no answer."""
    towns = [
        ("青河镇", "综合执法队执法力量不足，持证人员仅三名。", "争取县里支持，充实综合执法队执法力量。"),
        ("白河镇", "法治宣传形式较为单一。", "加强执法力量，年内新增持证执法人员五名。"),
        ("柳河镇", "村干部法治意识不强。", "开展村干部法治轮训。"),
    ]
    for number, (town, lacking, planned) in enumerate(towns):
        lines = [
            f"安康县{town}2023年法治政府建设工作情况报告",
            "一、主要举措和成效",
            "整合执法力量，组建镇综合执法队，全年检查企业120家次。",
            "聘请律师担任法律顾问，审查合同41份。",
            "开展宪法宣传周活动，发放宣传资料3000份。",
            "调解矛盾纠纷86件，调解成功率98%。",
            "全年集中学法6次，组织干部参加学法考试。",
            "严格执行重大行政决策程序，开展合法性审查。",
            "二、存在的不足和原因",
            lacking,
            "三、2024年工作安排",
            planned,
        ]
        _write(tmp_path / "corpus", f"{number}.txt", lines)
    engine = _indexed(tmp_path / "corpus", tmp_path / "index")
    try:
        asked = engine.search(SearchRequest(q="执法力量不足怎么办", limit=10))
        stated = engine.search(SearchRequest(q="执法力量不足", limit=10))
    finally:
        engine.close()
    top = [(hit["part"], hit["text"]) for hit in asked["hits"][: asked["total"]]]
    assert asked["total"] == 3 and {part for part, _ in top} == {"存在的不足和原因", "下一年度安排"}
    assert all("执法力量" in text for _, text in top)
    assert stated["total"] == 1 and stated["hits"][0]["part"] == "存在的不足和原因"


def test_a_slogan_typed_in_a_question_is_required_where_paragraphs_write_it(tmp_path):
    """如何让群众遇事找法: 遇事 and 找法 were taken for the question's verbs and only scored, so every paragraph on
    群众 matched and the three that write 遇事找法 ranked below those saying 群众 most. A verb typed in a word the
    paragraphs write is what they must say."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    body = {
        "甲镇": "三是完善村法律顾问服务机制，推动法律顾问定期到村坐班，让群众遇事找法。",
        "乙镇": "坚持群众路线，倾听群众呼声，及时回应群众关切，为群众办实事。",
        "丙镇": "开展群众满意度测评，群众满意率98%，群众获得感持续增强。",
    }
    others = ["聘请律师担任法律顾问，审查合同30份。", "开展执法人员培训4期。", "修订村规民约12份。", "调处纠纷96件。"]
    for town, text in body.items():
        lines = "\n".join([text, *others])
        (corpus / f"{town}.txt").write_text(f"{town}2024年法治政府建设情况报告\n一、主要举措和成效\n{lines}\n", "utf-8")
    engine = _indexed(corpus, tmp_path / "index")
    found = engine.search(SearchRequest(q="如何让群众遇事找法", limit=5))
    assert found["total"] == 1 and "遇事找法" in found["hits"][0]["text"]
    engine.close()
