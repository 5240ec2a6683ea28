"""Normalize one line of report text: widths, spaces, Word artifacts.

Chinese punctuation ends up full-width (，；：（）), digits and Latin letters
half-width, and spaces that Word or PDF export scattered between Chinese
characters disappear, so that the same report gives the same text whatever
format it came in.
"""

from __future__ import annotations

import re

WORD_ARTIFACTS = re.compile(
    r"\[bookmark:[^\]]*\]|\[(?:image|picture|图片)[^\]]*\]|[\u200b-\u200f\u2060\ufeff\u00ad]", re.I
)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\ufffe]")
SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
WIDE = re.compile(r"[\uff01-\uff5e]")
KEEP_WIDE = set("，；：（）！？")
ASCII_WORD = re.compile(r"[0-9A-Za-z]")
HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
CJK_OR_PUNCT = r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef“”‘’—…·《》【】]"
SPACE_NEAR_CJK = re.compile(rf"(?<={CJK_OR_PUNCT}) +| +(?={CJK_OR_PUNCT})")
# 八·五普法 / 七・五 are written with and without the dot; PDF text layers often lose it.
DOT_BETWEEN_NUMERALS = re.compile(r"(?<=[一二三四五六七八九十])[·・•‧.](?=[一二三四五六七八九十])")
# 2 0 2 3 年: a PDF's text layer or a spaced-out title puts a space between every character; figures are
# spaced so nowhere else (four or more single digits apart).
SPACED_DIGITS = re.compile(r"(?<![\d.])\d(?: \d){3,}(?![\d.])")
# 2 0 2 3 年 1 2 月 2 8 日, 4 6 名: a PDF's text layer that spaces every character out, figures and marks too.
SINGLE_SPACE = re.compile(r"(?<=\S) (?=\S)")
SPACED_OUT_SHARE = 0.8
# 一 主要举措和成效: a heading's 、 lost (a page's list numbering, a PDF's text layer) leaves a space after its
# numeral, which the next step would remove; the words after it unspaced tell a heading from a spaced-out line.
NUMERAL_AND_SPACE = re.compile(
    r"^([一二三四五六七八九十]{1,3}) (?=[\u4e00-\u9fff]{2}|20\d\d)(?![一二三四五六七八九十是])"
)


CHINESE_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "O": 0, "Ｏ": 0}
DATE_LINE = re.compile(r"^(20\d\d)\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?$")
MONTH_LINE = re.compile(r"^(20\d\d)\s*年\s*(\d{1,2})\s*月$")
CHINESE_DATE_LINE = re.compile(
    r"^([二〇○零OＯ一三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,2})\s*月(?:\s*([一二三四五六七八九十]{1,3})\s*日)?$"
)


def normalize_line(line: str) -> str:
    """Return ``line`` normalized; an empty string when nothing is left."""
    line = CONTROL.sub("", line)
    line = WORD_ARTIFACTS.sub("", line)
    line = WIDE.sub(_narrow, line)
    line = SPACES.sub(" ", line).strip()
    if spaced_out(line):
        line = SINGLE_SPACE.sub("", line)
    line = _widen_punctuation(line)
    if "。" not in line:  # a line that ends its sentences with 。 uses the dot for something else (美好生活.民法典)
        line = HALF_WIDTH_FULL_STOP.sub(_full_stop_unless_numbering, line)
    line = NUMERAL_AND_SPACE.sub(r"\1、", line)
    line = SPACE_NEAR_CJK.sub("", line)
    line = SPACED_DIGITS.sub(lambda found: found.group(0).replace(" ", ""), line)
    line = DOT_BETWEEN_NUMERALS.sub("", line)
    return line


# 加强组织领导.召开专题会议4次,…1名., 参考率100%.: in a line with no 。, a half-width full stop after a Chinese word (not after a heading's
# numeral: 一.主要举措), a percentage or a closing mark, before Chinese, a space or the line's end; a decimal point
# stands between digits.
HALF_WIDTH_FULL_STOP = re.compile(r"(?<=[\u4e00-\u9fff%％）”》])\.(?=[\u4e00-\u9fff“（]|\s|$)")
HEADING_NUMERAL_BEFORE = re.compile(r"(?:^|\s)[一二三四五六七八九十]{1,3}$")


def _full_stop_unless_numbering(found: re.Match) -> str:
    """。 for a half-width full stop, except the dot of a heading's numeral (一.主要举措, not 形式单一.)."""
    return "." if HEADING_NUMERAL_BEFORE.search(found.string, 0, found.start()) else "。"


def spaced_out(line: str) -> bool:
    """Whether (nearly) every character of ``line`` stands apart from the next by one space."""
    characters = len(line) - line.count(" ")
    return characters >= 4 and len(SINGLE_SPACE.findall(line)) >= SPACED_OUT_SHARE * (characters - 1)


def _narrow(match: re.Match) -> str:
    char = match.group()
    return char if char in KEEP_WIDE else chr(ord(char) - 0xFEE0)


def _widen_punctuation(line: str) -> str:
    """Half-width ,;:?!() become full-width except between two ASCII letters or digits (12:30, a,b)."""
    if not any(c in line for c in ",;:?!()"):
        return line
    out = []
    last = len(line) - 1
    for i, char in enumerate(line):
        if char in HALF_TO_FULL:
            before = line[i - 1] if i else ""
            after = line[i + 1] if i < last else ""
            if ASCII_WORD.match(before) and ASCII_WORD.match(after):
                out.append(char)
                continue
            out.append(HALF_TO_FULL[char])
        elif char == "(":
            out.append("（")
        elif char == ")":
            out.append("）")
        else:
            out.append(char)
    return "".join(out)


def iso_date(match: re.Match) -> str:
    """2024-01-20 of a match whose first three groups are the year, month and day."""
    year, month, day = match.groups()[:3]
    return f"{year}-{int(month):02d}-{int(day):02d}"


def chinese_number(text: str) -> int:
    """一 … 九, 十, 十二, 二十, 二十八, 三十一 as a number."""
    tens, _, units = text.rpartition("十")
    if "十" not in text:
        return CHINESE_DIGITS[text] if len(text) == 1 else 0
    return (CHINESE_DIGITS.get(tens, 0) if tens else 1) * 10 + (CHINESE_DIGITS.get(units, 0) if units else 0)


def date_of_line(line: str) -> str:
    """The ISO date a line consists of, in figures (2024年1月10日, 2024-01-10) or in Chinese numerals as
    official documents sign them (二〇二四年一月十日); of a month only (2024年1月, 二〇二四年一月), the year and
    month (2024-01); 元月 as the first month; "" for any other line."""
    line = line.replace("元月", "1月" if line[:1].isdigit() else "一月")
    found = DATE_LINE.match(line)
    if found:
        return iso_date(found)
    found = MONTH_LINE.match(line)
    if found:
        return f"{found.group(1)}-{int(found.group(2)):02d}" if 1 <= int(found.group(2)) <= 12 else ""
    found = CHINESE_DATE_LINE.match(line)
    if not found:
        return ""
    year = int("".join(str(CHINESE_DIGITS[c]) for c in found.group(1)))
    month = chinese_number(found.group(2))
    if year < 2000 or not 1 <= month <= 12:
        return ""
    if found.group(3) is None:
        return f"{year}-{month:02d}"
    day = chinese_number(found.group(3))
    return f"{year}-{month:02d}-{day:02d}" if 1 <= day <= 31 else ""


# ——2025年3月17日在西乌珠穆沁旗第十六届人民代表大会常务委员会第二十四次会议上: a report delivered to a meeting
# (a county's to its people's congress) gives the date and the meeting under its title, often over two lines.
DELIVERED_AT = re.compile(r"^[—\-－（(\s]*(.{6,16}?日)\s*在\s*\S{2,60}?会议上[）)]?$")


def delivery_dateline(line: str, next_line: str) -> tuple[str, int]:
    """(ISO date, lines) of a delivery dateline on ``line`` or on it and ``next_line``; ("", 0) for none."""
    for taken, text in ((1, line), (2, line + next_line)):
        found = DELIVERED_AT.match(text)
        date = date_of_line(found.group(1).replace(" ", "")) if found else ""
        if date:
            return date, taken
    return "", 0
