"""Hostile and broken report files, and a run that indexes each beside the five samples.

    python -m benchmarks hostile            # every shape at full size, each beside the samples, limits as shipped

Each shape is a file a report folder can end up holding — a zip bomb, a Word file whose chains loop, a PDF whose
content stream inflates to gigabytes, a web page nested ten thousand deep, an 8 GiB sparse file — written at a
``scale``: ``"full"`` for the sizes the issue reports, ``"small"`` for tests (each still trips its check). The
run records, per shape, the seconds, the peak memory of the indexer and its readers, what became of the file and
whether the five samples were indexed.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpus"
WORD97 = ROOT / "tests" / "data" / "word97" / "000.doc"
REPORT = "北屏乡2020年度法治政府建设情况报告\n一、主要举措\n聘请律师担任法律顾问，全年审查合同12份。\n"
MB = 1 << 20

SIZES = {  # shape: (small, full)
    "bomb_mb": (210, 2048),
    "pages": (2100, 100_000),
    "nesting": (500, 2_000_000),
    "text_mb": (21, 200),
    "stream_mb": (70, 1024),
    "sparse_gb": (1, 8),
    "pieces": (2000, 200_000),
}


def size(name: str, scale: str) -> int:
    return SIZES[name][0 if scale == "small" else 1]


def _zip(path: Path, members: dict[str, bytes | Callable[[zipfile.ZipFile, str], None]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if callable(content):
                content(archive, name)
            else:
                archive.writestr(name, content)
    return path


def _repeated(megabytes: int, chunk: bytes = b"<w:p/>" * 4096) -> Callable[[zipfile.ZipFile, str], None]:
    """A member of ``megabytes`` MB written in chunks (the archive stays small, its declared size does not)."""

    def write(archive: zipfile.ZipFile, name: str) -> None:
        with archive.open(name, "w", force_zip64=True) as member:
            for _ in range(megabytes * MB // len(chunk) + 1):
                member.write(chunk)

    return write


def docx_bomb(folder: Path, scale: str) -> Path:
    return _zip(
        folder / "bomb.docx",
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": _repeated(size("bomb_mb", scale))},
    )


def docx_truncated(folder: Path, scale: str) -> Path:
    path = folder / "truncated.docx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 4000)
    return path


def docx_random(folder: Path, scale: str) -> Path:
    path = folder / "random.docx"
    path.write_bytes(random.Random(1).randbytes(20_000))
    return path


def docx_no_text(folder: Path, scale: str) -> Path:
    import docx

    path = folder / "empty.docx"
    docx.Document().save(str(path))
    return path


def _ofd(path: Path, pages: list[str], page_xml: bytes | Callable, extra: dict | None = None) -> Path:
    listed = "".join(f'<ofd:Page ID="{i}" BaseLoc="{loc}"/>' for i, loc in enumerate(pages))
    members = {
        "OFD.xml": b'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
        "Doc_0/Document.xml": f'<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Pages>{listed}</ofd:Pages></ofd:Document>'.encode(),
    }
    for location in dict.fromkeys(pages):
        members[f"Doc_0/{location}"] = page_xml
    members.update(extra or {})
    return _zip(path, members)


PAGE = (
    '<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer>'
    '<ofd:TextObject Boundary="20 30 170 6"><ofd:TextCode X="0" Y="5">北屏乡聘请律师担任法律顾问，全年审查合同12份。</ofd:TextCode>'
    "</ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>"
).encode()


def ofd_bomb(folder: Path, scale: str) -> Path:
    return _ofd(folder / "bomb.ofd", ["Pages/0/Content.xml"], _repeated(size("bomb_mb", scale), b"<ofd:Layer/>" * 4096))


def ofd_same_page_listed(folder: Path, scale: str) -> Path:
    return _ofd(folder / "same-page.ofd", ["Pages/0/Content.xml"] * size("pages", scale), PAGE)


def ofd_many_pages(folder: Path, scale: str) -> Path:
    return _ofd(folder / "many-pages.ofd", [f"Pages/{i}/Content.xml" for i in range(size("pages", scale))], PAGE)


def ofd_broken_xml(folder: Path, scale: str) -> Path:
    return _ofd(folder / "broken.ofd", ["Pages/0/Content.xml"], b"<ofd:Page><unclosed>")


def ofd_external_entity(folder: Path, scale: str) -> Path:
    page = b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY leak SYSTEM "file:///etc/passwd">]>' + PAGE.replace(
        "北屏乡聘请".encode(), b"&leak;"
    )
    return _ofd(folder / "entity.ofd", ["Pages/0/Content.xml"], page)


def _word97(folder: Path, name: str, patch: Callable[[bytearray], None]) -> Path:
    data = bytearray(WORD97.read_bytes())
    patch(data)
    path = folder / name
    path.write_bytes(bytes(data))
    return path


def _directory_entry(data: bytearray, stream: str) -> int:
    """The offset of a stream's directory entry (the sample's directory lies in one 512-byte sector chain)."""
    first = struct.unpack_from("<I", data, 0x30)[0]
    offset = 512 + first * 512
    for entry in range(4 * 8):
        at = offset + entry * 128
        length = struct.unpack_from("<H", data, at + 0x40)[0]
        if data[at : at + length - 2].decode("utf-16-le", "ignore") == stream:
            return at
    raise LookupError(stream)


def doc_claims_huge_stream(folder: Path, scale: str) -> Path:
    def patch(data: bytearray) -> None:
        struct.pack_into("<I", data, _directory_entry(data, "WordDocument") + 0x78, 0xFFFFFFF0)

    return _word97(folder, "huge-stream.doc", patch)


def doc_difat_loop(folder: Path, scale: str) -> Path:
    def patch(data: bytearray) -> None:
        struct.pack_into("<II", data, 0x44, 0, 0x7FFFFFFF)  # DIFAT starts at sector 0 and claims 2^31 sectors

    return _word97(folder, "difat-loop.doc", patch)


def doc_fat_count(folder: Path, scale: str) -> Path:
    def patch(data: bytearray) -> None:
        struct.pack_into("<I", data, 0x2C, 0x00FFFFFF)

    return _word97(folder, "fat-count.doc", patch)


def doc_directory_loop(folder: Path, scale: str) -> Path:
    def patch(data: bytearray) -> None:
        root = _directory_entry(data, "Root Entry")
        struct.pack_into("<I", data, root + 0x4C, 0)  # the root's child is the root

    return _word97(folder, "directory-loop.doc", patch)


def _with_table(folder: Path, name: str, change: Callable[[bytes, bytes], bytes]) -> Path:
    import olefile

    path = folder / name
    shutil.copy(WORD97, path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        document = ole.openstream("WordDocument").read()
        table_name = "1Table" if struct.unpack_from("<H", document, 0x0A)[0] & 0x0200 else "0Table"
        table = ole.openstream(table_name).read()
        ole.write_stream(table_name, change(document, table))
    return path


def _clx_at(document: bytes, table: bytes) -> tuple[int, int]:
    fc_clx, _ = struct.unpack_from("<II", document, 0x01A2)
    at = fc_clx
    while table[at] == 0x01:
        at += 3 + struct.unpack_from("<H", table, at + 1)[0]
    return at, struct.unpack_from("<I", table, at + 1)[0]


def doc_piece_outside(folder: Path, scale: str) -> Path:
    """A piece table whose first piece claims text past the end of the document stream."""

    def change(document: bytes, table: bytes) -> bytes:
        at, lcb = _clx_at(document, table)
        pieces = (lcb - 4) // 12
        data = bytearray(table)
        struct.pack_into("<I", data, at + 5 + 4 * (pieces + 1) + 2, len(document) * 4)
        return bytes(data)

    return _with_table(folder, "piece-outside.doc", change)


def doc_pieces_repeat(folder: Path, scale: str) -> Path:
    """As many pieces as the table holds, every one pointing at the same text."""

    def change(document: bytes, table: bytes) -> bytes:
        at, lcb = _clx_at(document, table)
        pieces = (lcb - 4) // 12
        positions = struct.unpack_from(f"<{pieces + 1}I", table, at + 5)
        first = table[at + 5 + 4 * (pieces + 1) : at + 5 + 4 * (pieces + 1) + 8]
        room = (len(table) - at - 5 - 4) // 12
        count = max(1, min(room, size("pieces", scale)))
        span = positions[1] - positions[0]
        plc = struct.pack(f"<{count + 1}I", *(i * span for i in range(count + 1))) + first * count
        data = bytearray(table)
        struct.pack_into("<I", data, at + 1, len(plc))
        data[at + 5 : at + 5 + len(plc)] = plc
        return bytes(data[: len(table)])

    return _with_table(folder, "pieces-repeat.doc", change)


def doc_encrypted(folder: Path, scale: str) -> Path:
    import olefile

    path = folder / "encrypted.doc"
    shutil.copy(WORD97, path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        document = bytearray(ole.openstream("WordDocument").read())
        struct.pack_into("<H", document, 0x0A, struct.unpack_from("<H", document, 0x0A)[0] | 0x0100)
        ole.write_stream("WordDocument", bytes(document))
    return path


def doc_random(folder: Path, scale: str) -> Path:
    path = folder / "random.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(2).randbytes(4088))
    return path


def html_nested(folder: Path, scale: str) -> Path:
    depth = size("nesting", scale)
    path = folder / "nested.html"
    path.write_bytes(
        b"<html><body>" + b"<div>" * depth + "北屏乡法律顾问".encode() + b"</div>" * depth + b"</body></html>"
    )
    return path


def mht_nested(folder: Path, scale: str) -> Path:
    """A web archive of parts nested in parts, each a multipart of its own."""
    depth = size("nesting", scale)
    path = folder / "nested.mht"
    with open(path, "wb") as handle:
        handle.write(b"MIME-Version: 1.0\n")
        for level in range(depth):
            handle.write(f"Content-Type: multipart/related; boundary=b{level}\n\n--b{level}\n".encode())
        handle.write("Content-Type: text/html; charset=utf-8\n\n<p>北屏乡法律顾问</p>\n".encode())
        for level in reversed(range(depth)):
            handle.write(f"--b{level}--\n".encode())
    return path


def html_huge(folder: Path, scale: str) -> Path:
    path = folder / "huge.html"
    with open(path, "wb") as handle:
        handle.write(b"<html><body>")
        line = "<p>北屏乡聘请律师担任法律顾问，全年审查合同12份。</p>\n".encode()
        for _ in range(size("text_mb", scale) * MB // len(line) + 1):
            handle.write(line)
        handle.write(b"</body></html>")
    return path


def html_wide(folder: Path, scale: str) -> Path:
    path = folder / "wide.html"
    count = 20_000 if scale == "small" else 400_000
    path.write_bytes(b"<html><body>" + "<span>法</span>".encode() * count + b"</body></html>")
    return path


def txt_one_line(folder: Path, scale: str) -> Path:
    path = folder / "one-line.txt"
    with open(path, "wb") as handle:
        sentence = "北屏乡聘请律师担任法律顾问，全年审查合同12份。".encode()
        for _ in range(size("text_mb", scale) * MB // len(sentence) + 1):
            handle.write(sentence)
    return path


def txt_long_line(folder: Path, scale: str) -> Path:
    path = folder / "long-line.txt"
    sentence = "北屏乡聘请律师担任法律顾问，全年审查合同12份。"
    path.write_text(
        "北屏乡2020年法治政府建设报告\n" + sentence * (5_000 if scale == "small" else 200_000), encoding="utf-8"
    )
    return path


def txt_utf16_broken(folder: Path, scale: str) -> Path:
    path = folder / "utf16.txt"
    path.write_bytes(b"\xff\xfe" + "北屏乡".encode("utf-16-le") + b"\x00\xd8\x41")
    return path


def txt_binary(folder: Path, scale: str) -> Path:
    path = folder / "binary.txt"
    path.write_bytes(random.Random(3).randbytes(50_000))
    return path


def txt_empty(folder: Path, scale: str) -> Path:
    path = folder / "empty.txt"
    path.write_bytes(b"")
    return path


def txt_nul(folder: Path, scale: str) -> Path:
    path = folder / "nul.txt"
    path.write_bytes(b"\0" * 100_000)
    return path


def txt_gb18030_noise(folder: Path, scale: str) -> Path:
    path = folder / "noise.txt"
    path.write_bytes(bytes(random.Random(4).choice(range(0x81, 0xFF)) for _ in range(30_000)))
    return path


def _pdf(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def pdf_stream_bomb(folder: Path, scale: str) -> Path:
    compressor = zlib.compressobj(9)
    chunk = b"0 0 m 1 1 l S\n" * 65536
    stream = b"".join(compressor.compress(chunk) for _ in range(size("stream_mb", scale) * MB // len(chunk) + 1))
    stream += compressor.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream + b"\nendstream",
    ]
    path = folder / "stream-bomb.pdf"
    path.write_bytes(_pdf(objects))
    return path


def pdf_many_pages(folder: Path, scale: str) -> Path:
    pages = size("pages", scale) if scale == "small" else 20_000
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages)).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + f"] /Count {pages} >>".encode(),
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * pages
    path = folder / "many-pages.pdf"
    path.write_bytes(_pdf(objects))
    return path


def pdf_truncated(folder: Path, scale: str) -> Path:
    path = folder / "truncated.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    return path


def pdf_no_text(folder: Path, scale: str) -> Path:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length 13 >>\nstream\n0 0 m 1 1 l S\nendstream",
    ]
    path = folder / "no-text.pdf"
    path.write_bytes(_pdf(objects))
    return path


def sparse(folder: Path, scale: str) -> Path:
    path = folder / "sparse.txt"
    with open(path, "wb") as handle:
        handle.truncate(size("sparse_gb", scale) << 30)
    return path


def too_large(folder: Path, scale: str) -> Path:
    path = folder / "too-large.pdf"
    with open(path, "wb") as handle:
        handle.write(b"%PDF-1.4\n")
        block = random.Random(5).randbytes(MB)
        for _ in range(101 if scale == "full" else 3):
            handle.write(block)
    return path


def fifo(folder: Path, scale: str) -> Path:
    path = folder / "pipe.txt"
    os.mkfifo(path)
    return path


def device(folder: Path, scale: str) -> Path:
    path = folder / "zero.txt"
    path.symlink_to("/dev/zero")
    return path


def symlink_loop(folder: Path, scale: str) -> Path:
    path = folder / "loop.txt"
    path.symlink_to(path)
    return path


def wrong_suffix(folder: Path, scale: str) -> Path:
    path = folder / "report.pdf"
    path.write_text(REPORT, encoding="utf-8")
    return path


SHAPES: dict[str, Callable[[Path, str], Path]] = {
    name: function
    for name, function in dict(globals()).items()
    if callable(function) and name.split("_")[0] in ("docx", "ofd", "doc", "html", "mht", "txt", "pdf")
} | {
    "sparse": sparse,
    "too_large": too_large,
    "fifo": fifo,
    "device": device,
    "symlink_loop": symlink_loop,
    "wrong_suffix": wrong_suffix,
}


INDEX_AND_MEASURE = """
import json, resource, sys
from search.index.writer import update_index
summary = update_index(sys.argv[1], sys.argv[2]).to_json()
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"summary": summary, "peak_mb": round(peak / 1024)}, ensure_ascii=False))
"""


def run(scale: str = "full", out: Path | None = None) -> list[dict]:
    """Index each shape beside the samples in a fresh index with the shipped limits; print a line per shape.
    The peak is the largest resident set of the indexer or of any of its readers."""
    import tempfile

    rows = []
    for name, make in SHAPES.items():
        with tempfile.TemporaryDirectory() as folder:
            corpus = Path(folder) / "corpus"
            shutil.copytree(SAMPLES, corpus)
            hostile = make(corpus, scale).name
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", INDEX_AND_MEASURE, str(corpus), str(Path(folder) / "index")],
                capture_output=True,
                text=True,
                timeout=900,
            )
            seconds = time.perf_counter() - started
            answer = json.loads(done.stdout) if done.returncode == 0 else {}
            summary = answer.get("summary", {})
            failed = [f["error"] for f in summary.get("failed", []) if f["path"] == hostile]
            row = {
                "shape": name,
                "seconds": round(seconds, 1),
                "peak_mb": answer.get("peak_mb"),
                "samples_indexed": summary.get("added", 0) >= 5,
                "outcome": failed[0] if failed else ("读入" if summary else "运行失败"),
                "traceback": "Traceback" in done.stderr,
            }
            rows.append(row)
            samples = "样本已索引" if row["samples_indexed"] else "样本未索引"
            print(
                f"{name:24} {row['seconds']:6.1f} s {row['peak_mb'] or 0:6} MB  {samples}  {row['outcome']}", flush=True
            )
    worst = max(rows, key=lambda r: r["seconds"])
    print(
        f"{len(rows)} 种：最慢 {worst['seconds']} 秒（{worst['shape']}），内存峰值最高 {max(r['peak_mb'] or 0 for r in rows)} MB，"
        f"样本未索引 {sum(not r['samples_indexed'] for r in rows)} 次，Traceback {sum(r['traceback'] for r in rows)} 次"
    )
    if out:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"hostile-{scale}.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return rows
