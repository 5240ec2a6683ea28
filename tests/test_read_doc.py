"""Word 97–2003 .doc and WPS .wps attachments read as the same report as their text originals."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from variants import sample_lines, write_docx, write_html

from search.ingest.model import ReportError
from search.ingest.pipeline import process_file
from search.ingest.read_doc import _drop_field_codes

WORD97 = Path(__file__).parent / "data" / "word97"
FILES = {"北屏乡": "000", "黄石镇": "001", "蒲台乡": "002", "花台乡": "003", "大湾镇": "004"}


def _shape(report):
    meta = [report.title, report.township, report.county, report.city, report.province, report.year, report.date]
    return meta, [(p.section, p.text) for p in report.paragraphs]


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
@pytest.mark.parametrize("township", list(FILES))
def test_word97_and_wps_files_give_the_same_report_as_the_text(township, suffix, sample_reports, tmp_path):
    copy = shutil.copy(WORD97 / f"{FILES[township]}.doc", tmp_path / f"report{suffix}")
    assert _shape(process_file(Path(copy))) == _shape(sample_reports[township])


def test_an_encrypted_doc_is_refused_with_a_reason(tmp_path):
    import olefile

    copy = shutil.copy(WORD97 / "000.doc", tmp_path / "locked.doc")
    with olefile.OleFileIO(str(copy), write_mode=True) as ole:
        stream = bytearray(ole.openstream("WordDocument").read())
        stream[0x0B] |= 0x01  # fEncrypted: bit 0x0100 of the little-endian flags word at 0x0A
        ole.write_stream("WordDocument", bytes(stream))
    with pytest.raises(ReportError, match="加密"):
        process_file(Path(copy))


def test_a_file_that_is_no_word_document_is_refused_naming_it(tmp_path):
    bogus = tmp_path / "bogus.wps"
    bogus.write_bytes(b"\x00\x01binary stuff that is not a compound file" * 20)
    with pytest.raises(ReportError, match="bogus.wps.*不是 Word 97"):
        process_file(bogus)


def test_a_docx_or_a_web_page_saved_as_doc_is_read_as_what_it_is(samples, sample_reports, tmp_path):
    lines = sample_lines(samples["花台乡"])
    docx = write_docx(lines, tmp_path / "a.docx").rename(tmp_path / "a.doc")
    page = write_html(lines, tmp_path / "b.html").rename(tmp_path / "b.doc")
    assert _shape(process_file(docx))[1] == _shape(sample_reports["花台乡"])[1]
    assert _shape(process_file(page))[1] == _shape(sample_reports["花台乡"])[1]


def test_field_codes_are_dropped_and_their_results_kept():
    text = '见\x13 HYPERLINK "http://example.org" \x14司法局网站\x15。\r第二段\x07'
    assert _drop_field_codes(text) == "见司法局网站。\r第二段\x07"
