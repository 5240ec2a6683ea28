"""Word's automatic list numbering (.docx): the labels Word draws before numbered paragraphs (一、 （二） 3.),
which are not in the paragraphs' text.

A report whose headings Word numbers itself reads, without them, as slogans glued to the paragraphs under them
(坚持高位推动，扎实推进法治政府建设 over 镇党委专题研究…): its parts and sections are lost. The numbering part
(numbering.xml) defines, for each list (w:num) and level (w:ilvl), the format of the number (w:numFmt), the text
around it (w:lvlText, "%1、" or "（%2）") and where it starts (w:start, or the list's w:startOverride). A paragraph
is numbered by its own w:numPr or by its style's; each list counts its levels, a level restarting below a higher
one that advances.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docx.oxml.ns import qn

LEVEL_PLACEHOLDER = re.compile(r"%([1-9])")
LABEL_MAX = 20  # characters of a level's text (（%2）, 第%1章); a longer one is cut
NUMBER_DIGITS_MAX = 9  # of a start or level; a longer figure is no count
LEVELS = 9  # w:ilvl 0–8; a document claiming more is not followed
LETTERS_MAX, ROMAN_MAX = 26 * 4, 3999  # AAAA, MMMCMXCIX; a larger count is written in figures
CHINESE = "〇一二三四五六七八九"
CHINESE_LEGAL = "零壹贰叁肆伍陆柒捌玖"
HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
PARENTHESIZED = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
FULL_STOPPED = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"))
ROMAN += ((9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


@dataclass(frozen=True)
class Level:
    start: int
    number_format: str
    text: str


class Numbering:
    """The numbering of one document, counted paragraph by paragraph in reading order."""

    def __init__(self, document) -> None:
        self.levels = _list_levels(document)
        self.counts: dict[str, list[int | None]] = {}

    def text_of(self, paragraph) -> str:
        """The paragraph's text with the label Word numbers it with, where the text does not already start so."""
        text, label = paragraph.text, self.label(paragraph)
        return label + text if label and text.strip() and not text.lstrip().startswith(label) else text

    def label(self, paragraph) -> str:
        """The label Word draws before ``paragraph`` (一、, （二）, 3.), counted; "" for a paragraph it numbers not."""
        found = _numbering_of(paragraph)
        if found is None or found[0] not in self.levels:
            return ""
        list_id, level = found
        levels = self.levels[list_id]
        if level not in levels or level >= LEVELS:
            return ""
        counts = self.counts.setdefault(list_id, [None] * LEVELS)
        counts[level] = (counts[level] + 1) if counts[level] is not None else levels[level].start
        counts[level + 1 :] = [None] * (len(counts) - level - 1)
        return LEVEL_PLACEHOLDER.sub(lambda at: self._number(list_id, int(at.group(1)) - 1), levels[level].text)

    def _number(self, list_id: str, level: int) -> str:
        levels = self.levels[list_id]
        if level not in levels or level >= LEVELS:
            return ""
        count = self.counts[list_id][level]
        return formatted(levels[level].start if count is None else count, levels[level].number_format)


def formatted(number: int, number_format: str) -> str:
    """``number`` as Word writes it in ``number_format`` (w:numFmt); decimal for a format not known here."""
    if number_format in ("bullet", "none"):
        return ""
    if number_format in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting"):
        return chinese_numeral(number, CHINESE)
    if number_format == "chineseLegalSimplified":
        return chinese_numeral(number, CHINESE_LEGAL, ten="拾")
    if number_format in ("ideographTraditional",) and 1 <= number <= len(HEAVENLY_STEMS):
        return HEAVENLY_STEMS[number - 1]
    for name, signs in (
        ("decimalEnclosedCircle", CIRCLED),
        ("decimalEnclosedCircleChinese", CIRCLED),
        ("decimalEnclosedParen", PARENTHESIZED),
        ("decimalEnclosedFullstop", FULL_STOPPED),
    ):
        if number_format == name and 1 <= number <= len(signs):
            return signs[number - 1]
    if number_format in ("upperLetter", "lowerLetter") and 1 <= number <= LETTERS_MAX:
        letter = chr(ord("A") + (number - 1) % 26) * ((number - 1) // 26 + 1)
        return letter if number_format == "upperLetter" else letter.lower()
    if number_format in ("upperRoman", "lowerRoman") and 1 <= number <= ROMAN_MAX:
        roman = _roman(number)
        return roman if number_format == "upperRoman" else roman.lower()
    if number_format == "decimalFullWidth":
        return str(number).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if number_format == "decimalZero":
        return f"{number:02d}"
    return str(number)


def chinese_numeral(number: int, digits: str, ten: str = "十") -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (in ``digits``, their zero the sign for 零 within a number;
    ``ten`` the sign for ten: 拾 of the legal digits, which write 壹拾贰 in full)."""
    if number < 0 or number >= 1000:
        return str(number)
    if number < 10:
        return digits[number]
    legal = ten != "十"
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    text = digits[hundreds] + ("佰" if legal else "百") if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds and not legal else digits[tens]) + ten
    elif hundreds and units:
        text += "零"
    return text + (digits[units] if units else "")


def _roman(number: int) -> str:
    text = ""
    for value, signs in ROMAN:
        while number >= value:
            text += signs
            number -= value
    return text


def _list_levels(document) -> dict[str, dict[int, Level]]:
    """{list id (w:numId): {level: its Level}}: the abstract definition's levels, with the list's overrides; {}
    for a document without a numbering part."""
    try:
        root = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return {}
    abstract = {node.get(qn("w:abstractNumId")): _levels(node) for node in root.findall(qn("w:abstractNum"))}
    lists = {}
    for node in root.findall(qn("w:num")):
        base = node.find(qn("w:abstractNumId"))
        levels = dict(abstract.get(base.get(qn("w:val")) if base is not None else None, {}))
        for override in node.findall(qn("w:lvlOverride")):
            level = _whole_number(override.get(qn("w:ilvl")), 0)
            own = override.find(qn("w:lvl"))
            if own is not None:
                levels[level] = _level(own)
            start = _value(override, "w:startOverride")
            if start is not None and level in levels:
                levels[level] = Level(_whole_number(start, 1), levels[level].number_format, levels[level].text)
        lists[node.get(qn("w:numId"))] = levels
    return lists


def _levels(node) -> dict[int, Level]:
    return {_whole_number(lvl.get(qn("w:ilvl")), 0): _level(lvl) for lvl in node.findall(qn("w:lvl"))}


def _level(node) -> Level:
    text = (_value(node, "w:lvlText") or "")[:LABEL_MAX]
    return Level(_whole_number(_value(node, "w:start"), 1), _value(node, "w:numFmt") or "decimal", text)


def _whole_number(value: str | None, default: int) -> int:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) <= NUMBER_DIGITS_MAX else default


def _value(node, tag: str) -> str | None:
    child = node.find(qn(tag))
    return child.get(qn("w:val")) if child is not None else None


def _numbering_of(paragraph) -> tuple[str, int] | None:
    """(list id, level) of a numbered paragraph: each from its own w:numPr, else from its style's or a style's it
    is based on (a heading style numbers its headings; a paragraph may set only its level); None where it has no
    list, or list 0 (numbering taken off)."""
    properties = [paragraph._p.pPr]
    style = paragraph.style
    while style is not None:
        properties.append(style.element.pPr)
        style = style.base_style
    list_id = level = None
    for pPr in properties:
        numbering = pPr.find(qn("w:numPr")) if pPr is not None else None
        if numbering is not None:
            list_id = list_id or _value(numbering, "w:numId")
            level = level or _value(numbering, "w:ilvl")
    if list_id is None or list_id == "0":
        return None
    return list_id, _whole_number(level, 0)
