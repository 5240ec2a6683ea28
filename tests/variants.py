"""Write a sample report in the other formats users bring: GBK text, a saved web page, .docx, PDF."""

from __future__ import annotations

import html
from pathlib import Path


def sample_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def write_gbk(lines: list[str], target: Path) -> Path:
    """GBK with CRLF, as Notepad on a Chinese Windows saves it; characters GBK lacks become spaces."""
    text = "\r\n".join(lines)
    text = "".join(char if _in_gbk(char) else " " for char in text)
    target.write_bytes(text.encode("gbk"))
    return target


def _in_gbk(char: str) -> bool:
    try:
        char.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def write_utf16(lines: list[str], target: Path) -> Path:
    target.write_bytes("\n".join(lines).encode("utf-16"))
    return target


def write_html(lines: list[str], target: Path, encoding: str = "utf-8") -> Path:
    body = [line for line in lines if line.strip()]
    has_title = not any(mark in body[0] for mark in "。，")
    title, rest = (body[0], body[1:]) if has_title else ("", body)
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in rest)
    page = f"""<!DOCTYPE html>
<html><head><meta charset="{encoding}"><title>{html.escape(title)}_某某区人民政府网站</title>
<meta name="PubDate" content="2021-11-25 09:30">
<script>var tracker = "浏览统计脚本";</script><style>.x{{color:red}}</style></head>
<body>
<div class="header"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/hdjl">互动交流</a></div>
<div class="nav"><ul><li>首页</li><li>政府信息公开</li><li>办事服务</li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 法治政府建设</div>
<div class="main"><div class="article">
{f"<h1>{html.escape(title)}</h1>" if title else ""}
<div class="info">浏览：3799次 时间：2021-11-25 来源：本站</div>
<div class="content">
{paragraphs}
</div>
<div class="share">分享到：微信 微博</div>
</div></div>
<div class="footer">主办单位：某某区人民政府办公室 版权所有 联系电话：023-12345678 网站标识码：5000000001</div>
</body></html>"""
    target.write_bytes(page.encode(encoding, errors="xmlcharrefreplace"))
    return target


def write_mhtml(lines: list[str], target: Path) -> Path:
    """The page of :func:`write_html` as a browser's or Word's single-file web archive (.mht, .mhtml): a
    multipart/related MIME message, the page GBK-encoded and quoted-printable, an image beside it."""
    from email.mime.image import MIMEImage
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    page = write_html(lines, target.with_suffix(".page"), encoding="gbk")
    archive = MIMEMultipart("related", type="text/html")
    archive["Snapshot-Content-Location"] = "http://www.example.gov.cn/zwgk/fzzfjs/art_1.html"
    archive["Subject"] = "=?utf-8?B?5rOV5rK75pS/5bqc5bu66K6+?="
    text = page.read_bytes().decode("gbk")
    part = MIMEText(text.replace('charset="gbk"', ""), "html", "gbk")
    del part["Content-Transfer-Encoding"]
    part.set_payload(quopri_of(text.replace('<meta charset="gbk">', "").encode("gbk")))
    part["Content-Transfer-Encoding"] = "quoted-printable"
    part["Content-Location"] = "http://www.example.gov.cn/zwgk/fzzfjs/art_1.html"
    archive.attach(part)
    archive.attach(MIMEImage(b"\x89PNG\r\n\x1a\n" + bytes(64), "png"))
    page.unlink()
    target.write_bytes(archive.as_bytes())
    return target


def quopri_of(data: bytes) -> str:
    import quopri

    return quopri.encodestring(data).decode("ascii")


def write_docx(lines: list[str], target: Path) -> Path:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(target))
    return target


def write_pdf(lines: list[str], target: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("body", fontName="STSong-Light", fontSize=12, leading=18, firstLineIndent=24, wordWrap="CJK")
    document = SimpleDocTemplate(str(target), pagesize=A4)

    def page_number(canvas, doc) -> None:
        canvas.setFont("STSong-Light", 9)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")

    flow = [Paragraph(html.escape(line.strip()), style) for line in lines if line.strip()]
    document.build(flow, onFirstPage=page_number, onLaterPages=page_number)
    return target


def write_ofd(lines: list[str], target: Path, per_line: int = 30, per_page: int = 40) -> Path:
    """An OFD (GB/T 33190) as a layout program writes one: a text object per printed line, 5 mm characters,
    the first line of each paragraph indented two characters, wrapped at ``per_line``, page numbers."""
    import zipfile

    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    printed: list[tuple[float, str]] = []
    for line in (line.strip() for line in lines):
        if not line:
            continue
        first, rest = line[: per_line - 2], line[per_line - 2 :]
        printed.append((10.0, first))
        printed += [(0.0, rest[i : i + per_line]) for i in range(0, len(rest), per_line)]
    pages = [printed[i : i + per_page] for i in range(0, len(printed), per_page)]
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr(
            "OFD.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {ns} Version="1.0" DocType="OFD"><ofd:DocBody>'
            f"<ofd:DocInfo><ofd:DocID>1</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
            f"</ofd:DocBody></ofd:OFD>",
        )
        entries = "".join(f'<ofd:Page ID="{n + 1}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(len(pages)))
        archive.writestr(
            "Doc_0/Document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {ns}><ofd:CommonData><ofd:PhysicalBox>0 0 210 297'
            f"</ofd:PhysicalBox></ofd:CommonData><ofd:Pages>{entries}</ofd:Pages></ofd:Document>",
        )
        for number, page in enumerate(pages):
            objects = []
            for row, (indent, text) in enumerate(page):
                x, y = 25.0 + indent, 25.0 + 6.0 * row
                objects.append(
                    f'<ofd:TextObject ID="{row + 10}" Boundary="{x} {y} {5.0 * len(text)} 6" Font="1" Size="5">'
                    f'<ofd:TextCode X="0" Y="5">{html.escape(text)}</ofd:TextCode></ofd:TextObject>'
                )
            objects.append(
                f'<ofd:TextObject ID="9" Boundary="100 280 10 6" Font="1" Size="4"><ofd:TextCode X="0" Y="5">'
                f"- {number + 1} -</ofd:TextCode></ofd:TextObject>"
            )
            archive.writestr(
                f"Doc_0/Pages/Page_{number}/Content.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {ns}><ofd:Content><ofd:Layer ID="1">'
                f"{''.join(objects)}</ofd:Layer></ofd:Content></ofd:Page>",
            )
    return target
