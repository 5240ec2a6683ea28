"""草稿体检: a draft uploaded, reviewed against the index and never indexed."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import pytest

from search.cli import main
from search.ingest.pipeline import process_file
from webui import create_app


def _draft(samples, township: str = "青龙镇", year: int = 2022, extra: str = "") -> bytes:
    """A draft that copies 北屏乡's mediation paragraph (我乡 → 我镇, figures changed) and writes the rest itself."""
    mediation = next(p.text for p in process_file(samples["北屏乡"]).paragraphs if "调处纠纷共59件" in p.text)
    copied = mediation.replace("我乡", "我镇").replace("59件", "41件")
    lines = [
        f"{township}{year}年度法治政府建设情况报告",
        "一、主要举措和成效",
        f"镇政府聘请两名律师担任法律顾问，全年审查合同15份{extra}。",
        copied,
        "二、存在的不足",
        "执法人员数量不足，专业素养有待提高。",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def client(sample_index):
    return create_app(sample_index, testing=True).test_client()


def _post(client, body: bytes, name: str = "草稿.txt", **headers):
    return client.post(
        "/api/check/draft",
        data={"file": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
        headers=headers,
    )


def test_a_copied_paragraph_is_found_with_its_source_and_shared_sentences(client, samples):
    result = _post(client, _draft(samples)).get_json()
    assert result["file"] == "草稿.txt" and result["township"] == "青龙镇"
    (copy,) = result["copies"]
    source = copy["sources"][0]
    assert copy["paragraph"] == 2 and source["township"] == "北屏乡" and source["similarity"] >= 0.8
    assert copy["from_other_townships"] and not source["own_township"]
    assert all(sentence["shared"] for sentence in copy["sentences"])
    assert 0.5 < result["copied_share"]["other_townships"] < 0.8 and result["copied_share"]["own_township"] == 0
    statuses = {part["part"]: part["status"] for part in result["parts"]}
    assert statuses == {
        "主要举措和成效": "present",
        "存在的不足和原因": "present",
        "第一责任人履职": "missing",
        "下一年度安排": "missing",
    }
    stated = {v["indicator"]: v["value"] for v in result["indicators"]["stated"]}
    assert stated["法律顾问/公职律师人数"] == "两名" and stated["矛盾纠纷调解件数"] == "41件"
    assert all(
        section["hits"] and all(h["township"] != "青龙镇" for h in section["hits"]) for section in result["similar"]
    )


def test_a_paragraph_from_the_townships_own_earlier_report_counts_as_its_own(client, samples):
    result = _post(client, _draft(samples, township="北屏乡", year=2021)).get_json()
    assert result["copies"][0]["sources"][0]["own_township"]
    assert result["copied_share"]["own_township"] > 0.5 and result["copied_share"]["other_townships"] == 0


def test_a_draft_is_never_added_to_the_index_and_leaves_no_file(client, samples):
    before = client.get("/api/stats").get_json()
    leftovers = set(Path(tempfile.gettempdir()).glob("reportsearch-draft-*"))
    assert _post(client, _draft(samples)).status_code == 200
    after = client.get("/api/stats").get_json()
    assert (after["reports"], after["paragraphs"]) == (before["reports"], before["paragraphs"])
    assert set(Path(tempfile.gettempdir()).glob("reportsearch-draft-*")) == leftovers


@pytest.mark.parametrize(
    ("body", "name", "status", "says"),
    [
        (b"MZ\x90\x00", "setup.exe", 415, "不支持的文件类型"),
        (b"PK\x03\x04" + bytes(200), "草稿.docx", 400, "无法读取"),
        (b"", "", 400, "请选择"),
    ],
)
def test_a_file_no_reader_takes_is_refused_with_the_reason(client, body, name, status, says):
    response = _post(client, body, name)
    assert response.status_code == status
    assert says in response.get_json()["error"] and response.get_json()["parameter"] == "file"


def test_a_file_over_the_size_cap_is_413(client):
    response = _post(client, b"a" * (20 * 1024 * 1024 + 1), "大.txt")
    assert response.status_code == 413 and "20 MB" in response.get_json()["error"]


def test_a_post_from_another_site_is_refused(client, samples):
    assert _post(client, _draft(samples), Origin="http://evil.example").status_code == 403
    assert _post(client, _draft(samples), **{"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert _post(client, _draft(samples), Origin="http://localhost").status_code == 200


def test_the_result_page_escapes_the_drafts_text(client, samples):
    body = _draft(samples, extra="，<script>alert(1)</script>")
    response = client.post(
        "/draft", data={"file": (io.BytesIO(body), "<i>草稿.txt")}, content_type="multipart/form-data"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<script>alert" not in html and "&lt;script&gt;" in html
    assert "&lt;i&gt;草稿.txt" in html and "<mark>" in html
    refused = client.post("/draft", data={"file": (io.BytesIO(b"x"), "a.exe")}, content_type="multipart/form-data")
    assert refused.status_code == 415 and "不支持的文件类型" in refused.get_data(as_text=True)


def test_the_indicators_most_reports_of_the_county_state_are_named_when_missing(tmp_path):
    from search.index.writer import update_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(6):
        text = (
            f"城口县第{number}镇2022年度法治政府建设情况报告\n一、主要举措和成效\n"
            f"全年共调解矛盾纠纷{20 + number}件，调解成功率{90 + number}%。\n二、存在的不足\n执法力量薄弱。\n"
        )
        (corpus / f"r{number}.txt").write_text(text, encoding="utf-8")
    update_index(corpus, tmp_path / "index", jobs=1)
    client = create_app(tmp_path / "index", testing=True).test_client()
    draft = "城口县新村镇2022年度法治政府建设情况报告\n一、主要举措和成效\n聘请律师2名担任法律顾问。\n".encode()
    result = _post(client, draft).get_json()
    usual = {u["indicator"]: u for u in result["indicators"]["usually_stated_but_missing"]}
    assert result["indicators"]["compared_with"] == "城口县"
    assert set(usual) == {"矛盾纠纷调解件数", "调解成功率"} and usual["调解成功率"]["share"] == 1.0


def test_check_file_prints_the_review_and_json(sample_index, samples, tmp_path, capsys):
    path = tmp_path / "草稿.txt"
    path.write_bytes(_draft(samples))
    assert main(["check", "--index", str(sample_index), "--file", str(path)]) == 0
    out = capsys.readouterr().out
    assert "第一责任人履职：缺" in out and "北屏乡 2020" in out
    assert main(["check", "--index", str(sample_index), "--file", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["copies"][0]["sources"][0]["township"] == "北屏乡"
    (tmp_path / "坏.docx").write_bytes(b"PK\x03\x04")
    assert main(["check", "--index", str(sample_index), "--file", str(tmp_path / "坏.docx")]) == 1


@pytest.mark.parametrize(
    ("shape", "says"),
    [("docx_bomb", "压缩"), ("doc_difat_loop", "分配表"), ("html_nested", "嵌套过深"), ("mht_nested", "嵌套过深")],
)
def test_a_hostile_draft_is_refused_with_its_reason_and_the_server_goes_on(client, samples, tmp_path, shape, says):
    from benchmarks.hostile import SHAPES

    path = SHAPES[shape](tmp_path, "small")
    response = _post(client, path.read_bytes(), path.name)
    assert response.status_code == 400 and says in response.get_json()["error"]
    assert "reportsearch-draft" not in response.get_json()["error"]  # no server path in the message
    assert _post(client, _draft(samples)).status_code == 200


def test_a_paragraph_copied_into_many_reports_verifies_its_likeliest_sources_and_says_so(
    tmp_path, samples, monkeypatch
):
    """In a national index a formula paragraph has thousands of candidates: those sharing the most band keys
    are verified, and the count of sources is then marked a lower bound (页面: 等 N 份以上)."""
    from search.engine import Engine
    from search.index.writer import update_index
    from search.insights import draft

    mediation = next(p.text for p in process_file(samples["北屏乡"]).paragraphs if "调处纠纷共59件" in p.text)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number, place in enumerate(("东山镇", "西山镇", "南山镇", "北山镇")):
        text = f"{place}2021年法治政府建设情况报告\n一、主要举措和成效\n{mediation}\n二、存在的不足\n人员偏少。\n"
        (corpus / f"{number}.txt").write_text(text, encoding="utf-8")
    update_index(corpus, tmp_path / "index", jobs=1)
    (tmp_path / "草稿.txt").write_bytes(_draft(samples))
    engine = Engine(tmp_path / "index")
    (whole,) = engine.check_draft(tmp_path / "草稿.txt")["copies"]
    assert whole["sources_total"] == 4 and not whole["sources_capped"]
    monkeypatch.setattr(draft, "CANDIDATES_VERIFIED", 2)
    (capped,) = engine.check_draft(tmp_path / "草稿.txt")["copies"]
    assert capped["sources_total"] == 2 and capped["sources_capped"]
    assert capped["sources"][0]["similarity"] == whole["sources"][0]["similarity"]
    engine.close()


def test_a_long_draft_paragraph_meets_only_paragraphs_sharing_one_of_its_band_keys(engine, tmp_path):
    """A paragraph over SHORT_BODY characters has no key in the short bands: the empty key there must not
    make every long indexed paragraph a candidate."""
    from search.index.folding import fold
    from search.index.minhash import SHORT_BODY, body_of
    from search.insights import draft

    written = "本街道创新推行“法治夜校”，邀请执业律师和退休法官每月为社区工作者、网格员授课一次，" * 5
    assert len(body_of(fold(written))) > SHORT_BODY
    path = tmp_path / "草稿.txt"
    path.write_text(f"新城街道2022年法治政府建设情况报告\n一、主要举措和成效\n{written}\n", encoding="utf-8")
    with engine.using() as state:
        assert not draft._shared_bands(state, process_file(path).paragraphs)


def test_a_paragraph_stitched_from_several_paragraphs_of_one_report_names_them_all(client, samples):
    """A copier joins three paragraphs of 北屏乡's report into one: no one of them is a copy of it (each is a
    third), but together they are all of it. A paragraph that holds one of them beside twice as much text of
    its own is no copy."""
    paragraphs = [p.text for p in process_file(samples["北屏乡"]).paragraphs]
    parts = [paragraphs[4], paragraphs[7], paragraphs[8]]
    own = "镇党委、政府坚持把法治建设摆在突出位置，年内组织镇村干部集中学习宪法和民法典，开展法治文化进村入户活动，" * 2
    lines = [
        "青龙镇2022年度法治政府建设情况报告",
        "一、主要举措和成效",
        "".join(parts).replace("我乡", "我镇"),
        own + paragraphs[12].replace("我乡", "我镇"),
    ]
    result = _post(client, ("\n".join(lines) + "\n").encode("utf-8")).get_json()
    (copy,) = result["copies"]
    assert copy["paragraph"] == 1 and copy["stitched"] and copy["sources_total"] == 3
    assert [source["paragraph"] for source in copy["sources"]] == [5, 8, 9]
    assert {source["township"] for source in copy["sources"]} == {"北屏乡"}
    assert copy["sources"][0]["similarity"] >= 0.75 and all(sentence["shared"] for sentence in copy["sentences"])
    body = ("\n".join(lines) + "\n").encode("utf-8")
    page = client.post("/draft", data={"file": (io.BytesIO(body), "草稿.txt")}, content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert "由北屏乡2020年报告的 3 段拼合" in html and html.count("第 8 段") == 1


@pytest.mark.parametrize(
    ("measures", "status"),
    [
        ("面向少数民族群众开展双语普法，全年没有发生一起群体性事件，信访量明显减少。", "missing"),
        ("面向少数民族群众开展双语普法，针对执法力量不足的问题，争取增配执法人员2名。", "mentioned"),
    ],
)
def test_a_draft_without_a_shortcomings_section_is_told_so_unless_its_text_speaks_of_them(client, measures, status):
    """少数民族, 没有发生 and 减少 hold a question's words of lack (少, 没有) and made every draft and report
    without a section on its shortcomings 'mentioned' them; a text that says 不足 does mention them."""
    body = f"青龙镇2023年度法治政府建设情况报告\n一、主要举措和成效\n{measures}\n二、下一步打算\n继续推进依法行政。\n"
    review = _post(client, body.encode("utf-8")).get_json()
    shortcomings = next(part for part in review["parts"] if part["part"] == "存在的不足和原因")
    assert shortcomings["status"] == status
