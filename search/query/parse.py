"""The query language: parse what a user typed into a Whoosh query and the strings to highlight.

Syntax::

    法律顾问 人民调解            both words (AND)
    法律顾问 OR 律师             either (also |)
    NOT 信访   -信访             without
    "法律顾问制度"               exact, contiguous text
    (普法 OR 宣传) 形式          grouping
    township:北屏乡 乡镇:北屏乡   field filters: township county province year part topic
    year:2020-2022 year:2021-    year ranges
    标题:法律顾问                 in the heading path only (also title: heading:)

The parser returns a small tree (Text, AllOf, AnyOf, FieldIs) that
:mod:`search.query.evaluate` runs; positive field conditions become filters.
Every word is matched as words and as a string of characters, so text the
segmenter cut differently is still found; word and heading matches score
higher. Equivalent and related terms from the thesaurus (``data/thesaurus.txt``)
are added when the query is evaluated (:mod:`search.query.evaluate`), not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from search.index.analyze import fold, query_grams, words
from search.ingest.classify import PARTS
from search.ingest.model import LEVELS
from search.query.thesaurus import load_thesaurus

MAX_QUERY_LENGTH = 500
MAX_CLAUSES = 40
MAX_DEPTH = 20

FIELD_ALIASES = {
    "level": "level",
    "级别": "level",
    "township": "township",
    "乡镇": "township",
    "乡": "township",
    "镇": "township",
    "county": "county",
    "县": "county",
    "县区": "county",
    "区县": "county",
    "city": "city",
    "市": "city",
    "地市": "city",
    "province": "province",
    "省": "province",
    "省份": "province",
    "year": "year",
    "年": "year",
    "年度": "year",
    "年份": "year",
    "part": "part",
    "部分": "part",
    "topic": "topic",
    "主题": "topic",
}
FIELD_NAMES = "level、township、county、city、province、year、part、topic"
YEAR_VALUE = re.compile(r"^(\d{4})?\s*(?:(-|~|—|至|到)\s*(\d{4})?)?$")


DISJUNCTIONS = {"OR", "|", "或"}
CONJUNCTIONS = {"AND", "&", "且"}
NEGATIONS = {"NOT", "非"}
OPERATORS = DISJUNCTIONS | CONJUNCTIONS | NEGATIONS
CHINESE_OPERATORS = {"或", "且", "非"}  # also characters of the text users search (或增加其义务, 非诉)


# Full-width letters, digits and the marks of the syntax (ＡＢＣ, １２３４５, ＯＲ, ＂…＂, －信访), as a Chinese input
# method in full-width mode types them; the reports' text has them narrow (search.ingest.normalize).
NARROWED = {
    code: code - 0xFEE0
    for code in range(0xFF01, 0xFF5F)
    if chr(code - 0xFEE0).isalnum() or chr(code - 0xFEE0) in '"|&-'
}


class QueryError(ValueError):
    """A query the user has to fix; the message says what is wrong, in Chinese, and ``parameter`` which
    request parameter it is about (None where the caller knows better)."""

    def __init__(self, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter


@dataclass
class Text:
    """A word or phrase (folded). Unquoted text of several words also matches its words apart."""

    text: str
    exact: bool


@dataclass
class AllOf:
    """Every node of ``include`` and none of ``exclude`` (no ``include``: every paragraph)."""

    include: list
    exclude: list = field(default_factory=list)


@dataclass
class AnyOf:
    options: list


@dataclass
class FieldIs:
    """A field condition, used inside NOT (positive field conditions become filters)."""

    name: str
    value: object


@dataclass
class InHeading:
    """Text that must occur in the paragraph's heading path (标题:…), not merely in its text."""

    text: str


Node = Text | AllOf | AnyOf | FieldIs | InHeading
HEADING_FIELDS = {"heading", "title", "标题"}


@dataclass
class ParsedQuery:
    query: Node | None
    highlight: list[str] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)
    terms: list[str] = field(default_factory=list)
    """The unquoted texts the query looks for (not the excluded ones): where thesaurus concepts come from."""

    @property
    def is_empty(self) -> bool:
        return self.query is None


TOKEN = re.compile(
    r'\s*(?:(?P<lparen>[(（])|(?P<rparen>[)）])|(?P<phrase>-?"[^"]*"|-?“[^”]*”)|'
    r'(?P<word>[^\s()（）"“”]+))'
)


def tokenize_query(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            rest = text[position:].strip()
            if rest.startswith(('"', "“", "”")):
                raise QueryError("引号没有配对：请检查查询中的引号")
            raise QueryError(f"无法理解查询中的“{rest[:20]}”")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


EITHER = re.compile(r"^([^\s或]{2,6})(?:或者|或是|或(?![缺许多少]))([^\s或]{2,6})$")  # 人民调解或行政调解: OR
# 不含信访的矛盾纠纷, 除了信访以外的矛盾纠纷, 北屏乡以外的…, 矛盾纠纷不包括信访: the user's NOT (排除 also means
# removing hazards)
WITHOUT_WORD = r"(?:不含|不包括|不包含|不要(?!求))"  # 不要求 is "not require"
OTHERS = r"(?:其他|其余|别的)(?:乡镇|街道|地方|地区)?的?"  # 除了北屏乡，其他乡镇的法律顾问
WITHOUT = [
    re.compile(
        r"^(?:除了|除)(?P<x>\S{2,10}?)(?:(?:以外|之外|外)的?[，,]?(?:"
        + OTHERS
        + r")?|[，,]?"
        + OTHERS
        + r")(?P<y>\S{2,})$"
    ),
    # 北屏乡以外的…: a place only, as 八小时以外的监督 (after hours) and 职责以外的事项 ask for what lies outside
    re.compile(r"^(?P<x>\S{1,9}?(?:乡|镇|街道|苏木|县|区|市|旗|州|盟|省))(?:以外|之外)的(?P<y>\S{2,})$"),
    re.compile(r"^" + WITHOUT_WORD + r"(?P<x>\S{2,10}?)的(?P<y>\S{2,})$"),
    re.compile(r"^(?P<y>\S{2,}?)[，,]?但?" + WITHOUT_WORD + r"(?P<x>\S{2,10})$"),
]


BAR_BETWEEN = re.compile(r"(?<=[^\s|/／])[|/／]+(?=[^\s|/／])")  # 法律顾问|律师, 法律顾问/公职律师, ||: either


def _bars_apart(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A word with | or / between two terms (法律顾问|人民调解, 法律顾问/公职律师) as the terms OR-ed: | is the
    syntax's OR even without the spaces around it, and / is how Chinese writes "or" between two names."""
    apart: list[tuple[str, str]] = []
    for kind, value in tokens:
        if kind != "word" or not BAR_BETWEEN.search(value) or ":" in value or "：" in value:  # a field's value
            apart.append((kind, value))
            continue
        for at, term in enumerate(BAR_BETWEEN.split(value)):
            apart += [("word", "|"), ("word", term)] if at else [("word", term)]
    return apart


def _exclusions_apart(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A word asking for one thing without another in the user's words (不含信访的矛盾纠纷, 除了信访以外的矛盾纠纷,
    矛盾纠纷不包括信访), or 不含 standing between two words, as the syntax's NOT: read as words, 不含 and 信访
    were required."""
    apart: list[tuple[str, str]] = []
    for at, (kind, value) in enumerate(tokens):
        found = next((m for pattern in WITHOUT if (m := pattern.match(value))), None) if kind == "word" else None
        if found:
            apart += [("word", found.group("y")), ("word", "NOT"), ("word", found.group("x"))]
        elif kind == "word" and re.fullmatch(WITHOUT_WORD, value) and 0 < at < len(tokens) - 1:
            apart.append(("word", "NOT"))
        else:
            apart.append((kind, value))
    return apart


def _either_words_apart(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A word typed as two short terms joined by 或者 (人民调解或者行政调解) as the two terms OR-ed: read as one
    run, it required both; a longer stretch (法律顾问或者律师怎么审查合同) is left as typed."""
    apart: list[tuple[str, str]] = []
    for kind, value in tokens:
        either = EITHER.match(value) if kind == "word" else None
        apart += [("word", either.group(1)), ("word", "或"), ("word", either.group(2))] if either else [(kind, value)]
    return apart


def _literal_chinese_operators(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """或, 且 and 非 standing where they can join nothing (first or last, beside a parenthesis or another
    operator) are words to search, not operators: a user who searches the character 或 gets the paragraphs
    with it, not "OR 前面缺少检索词"."""

    def starts_operand(at: int) -> bool:
        kind, value = tokens[at] if 0 <= at < len(tokens) else ("", "")
        return kind in ("phrase", "lparen") or kind == "word" and (value not in OPERATORS or value in NEGATIONS)

    def ends_operand(at: int) -> bool:
        kind, value = tokens[at] if 0 <= at < len(tokens) else ("", "")
        return kind in ("phrase", "rparen") or kind == "word" and value not in OPERATORS

    def joins_nothing(at: int, value: str) -> bool:
        if value in NEGATIONS:
            return not starts_operand(at + 1)
        return not (ends_operand(at - 1) and starts_operand(at + 1))

    return [
        ("literal", value)
        if kind == "word" and value in CHINESE_OPERATORS and joins_nothing(at, value)
        else (kind, value)
        for at, (kind, value) in enumerate(tokens)
    ]


def _terms_with_marks_named(text: str) -> str:
    """``text`` with the thesaurus terms written with brackets or marks (村（社区）法律顾问) outside quotes named by
    their groups, so that their brackets do not group words; quoted text stays as typed."""
    pieces = re.split(r'("[^"]*"|“[^”]*”)', text)
    thesaurus = load_thesaurus()
    return "".join(piece if at % 2 else thesaurus.punctuated_terms_named(piece) for at, piece in enumerate(pieces))


PASTED_MIN = 20  # characters of a passage pasted from a report (a sentence or more), not typed syntax
PASTED_MARKS = re.compile(r"[，。；！？、]")
OPENING = {"(": ")", "（": "）", "“": "”"}


def _pasted_passage_balanced(text: str) -> str:
    """A passage pasted from a report (long, with its sentences' marks) with the quotes and brackets that pair
    nothing left out: cut from its paragraph, it may start inside a quotation (…”三级调解网络，) or end inside
    a bracket, which in a query the user typed is a mistake to point out, in a pasted passage only text."""
    if len(text) < PASTED_MIN or not PASTED_MARKS.search(text):
        return text
    kept = list(text)
    opened: list[int] = []
    for at, char in enumerate(text):
        if char in OPENING:
            opened.append(at)
        elif char in OPENING.values():
            if opened and OPENING[text[opened[-1]]] == char:
                opened.pop()
            else:
                kept[at] = " "
    for at in opened:
        kept[at] = " "
    straight = [at for at, char in enumerate(text) if char == '"']
    if len(straight) % 2:
        kept[straight[-1]] = " "
    return "".join(kept)


def parse_query(text: str) -> ParsedQuery:
    """Parse ``text``; raise QueryError with a message for the user when it is malformed."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"查询太长（{len(text)} 个字符，最多 {MAX_QUERY_LENGTH} 个）")
    tokens = [
        (kind, value if kind in ("lparen", "rparen") or value in OPERATORS else fold(value))
        for kind, value in tokenize_query(
            _terms_with_marks_named(_pasted_passage_balanced(text.replace("\u3000", " ").translate(NARROWED)))
        )
    ]
    parser = _Parser(_literal_chinese_operators(_either_words_apart(_bars_apart(_exclusions_apart(tokens)))))
    result = ParsedQuery(query=None)
    if parser.tokens:
        result.query = parser.parse(result)
    if parser.clauses > MAX_CLAUSES:
        raise QueryError(f"查询的词太多（{parser.clauses} 个，最多 {MAX_CLAUSES} 个）")
    if result.query is None and parser.unsearchable:
        shown = "".join(parser.unsearchable)[:20].replace("\x00", "")
        raise QueryError(f"检索词“{shown}”里没有可检索的文字（汉字、字母或数字），所以什么也没有找到")
    return result


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.index = 0
        self.clauses = 0
        self.depth = 0
        self.unsearchable: list[str] = []

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self, result: ParsedQuery) -> Node | None:
        query = self.and_expr(result)
        if self.peek() is not None:
            kind, value = self.peek()
            raise QueryError("右括号多了一个" if kind == "rparen" else f"无法理解查询中的“{value}”")
        return query

    def and_expr(self, result: ParsedQuery) -> Node | None:
        positives: list[Node] = []
        negatives: list[Node] = []
        while True:
            token = self.peek()
            if token is None or token[0] == "rparen":
                break
            if _is_or(token):
                raise QueryError("OR 前面缺少检索词")
            if token[0] == "word" and token[1] in CONJUNCTIONS:
                self.take()
                continue
            clause = self.either(result)
            if clause is None:
                continue
            (negatives if clause[0] else positives).append(clause[1])
        if not positives and not negatives:
            return None
        if not negatives and len(positives) == 1:
            return positives[0]
        return AllOf(positives, negatives)

    def either(self, result: ParsedQuery) -> tuple[bool, Node] | None:
        """One operand, or several joined by OR. OR binds closer than the space between terms, as web search
        engines read it: 重庆 OR 青海 法律顾问 is (重庆 OR 青海) 法律顾问, and 人民调解或行政调解 北屏乡 asks for
        either kind of mediation in 北屏乡."""
        branches = [self.operand(result)]
        while self.peek() is not None and _is_or(self.peek()):
            self.take()
            following = self.peek()
            if following is None or following[0] == "rparen" or _is_or(following):
                raise QueryError("OR 后面缺少检索词")
            branches.append(self.operand(result))
        if len(branches) == 1:
            return branches[0]
        if any(branch is None for branch in branches):
            raise QueryError("OR 两边都要有检索词（字段条件不能用 OR 连接，请分别勾选筛选项）")
        if any(negated for negated, _ in branches):
            raise QueryError("OR 连接的词不能是要排除的词（-词、NOT 词）：请先写要找的词")
        return False, AnyOf([node for _, node in branches])

    def operand(self, result: ParsedQuery) -> tuple[bool, Node] | None:
        """A term, a phrase, a field or a group, excluded when NOT comes before it."""
        negate = False
        token = self.peek()
        if token[0] == "word" and token[1] in NEGATIONS:
            self.take()
            if self.peek() is None or self.peek()[0] == "rparen":
                raise QueryError("NOT 后面缺少要排除的词")
            negate = True
        return self.unary(result, negate)

    def unary(self, result: ParsedQuery, negate: bool) -> tuple[bool, Node] | None:
        kind, value = self.take()
        if kind == "lparen":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(f"括号嵌套太深（最多 {MAX_DEPTH} 层）")
            inner = self.and_expr(result)
            self.depth -= 1
            if self.peek() is None:
                raise QueryError("括号没有配对：缺少右括号")
            self.take()
            if inner is None:
                raise QueryError("括号里没有检索词")
            return negate, inner
        if kind == "rparen":
            raise QueryError("右括号多了一个")
        if value.startswith("-") and len(value) > 1:
            negate, value = True, value[1:]
        elif value == "-":
            raise QueryError("减号后面缺少要排除的词")
        if kind == "phrase":
            text = value.strip('"“”')
            if not query_grams(text):
                raise QueryError("引号里没有可检索的文字")
            self.clauses += 1
            if not negate:
                result.highlight.extend(_highlight_forms(text, exact=True))
            return negate, Text(text, exact=True)
        field_match = re.match(r"^([^:：]+)[:：](.*)$", value)
        if field_match and field_match.group(1) in HEADING_FIELDS:
            text = field_match.group(2).strip('"“”')
            if not query_grams(text):
                raise QueryError("标题: 后面缺少可检索的文字")
            self.clauses += 1
            if not negate:
                result.highlight.append(text)
            return negate, InHeading(text)
        if field_match and field_match.group(1) in FIELD_ALIASES:
            name = FIELD_ALIASES[field_match.group(1)]
            raw = field_match.group(2).strip('"“”')
            if negate:
                return True, field_query(name, raw)
            normalize_filter_value(name, raw)
            result.filters.setdefault(name, []).append(raw)
            return None
        if field_match and re.fullmatch(r"[a-z_]+", field_match.group(1)):
            raise QueryError(f"未知字段“{field_match.group(1)}”：可用的字段有 {FIELD_NAMES}")
        if not query_grams(value):
            self.unsearchable.append(value)
            return None
        self.clauses += 1
        if not negate:
            result.highlight.extend(_highlight_forms(value, exact=False))
            result.terms.append(value)
        return negate, Text(value, exact=False)


def _is_or(token: tuple[str, str]) -> bool:
    return token[0] == "word" and token[1] in DISJUNCTIONS


def _highlight_forms(text: str, exact: bool) -> list[str]:
    forms = [text]
    if not exact:
        forms.extend(words(text))
    return forms


def normalize_filter_value(name: str, value: str) -> str | int | tuple[int | None, int | None]:
    """Check and normalize one filter value; raise QueryError naming the parameter when it is wrong."""
    value = fold(str(value).strip())
    if not value:
        raise QueryError(f"{name} 的值是空的", name)
    if name == "year":
        match = YEAR_VALUE.match(value)
        if not match or (not match.group(1) and not match.group(3)):
            raise QueryError(f"year 的值“{value}”不是年份：请写 2020、2020-2022、2021- 或 -2021", name)
        start = int(match.group(1)) if match.group(1) else None
        end = int(match.group(3)) if match.group(3) else (None if match.group(2) else start)
        if start and end and start > end:  # 2022-2020: the same years as 2020-2022
            start, end = end, start
        return (start, end)
    if name == "level" and value not in LEVELS:
        raise QueryError(f"level 的值“{value}”不是报告单位的级别：可用 {'、'.join(LEVELS)}", name)
    if name == "part":
        matches = [part for part in PARTS if value in part]
        if not matches:
            raise QueryError(f"part 的值“{value}”不是报告的组成部分：可用 {'、'.join(PARTS)}", name)
        return matches[0]
    return value


def field_query(name: str, value) -> FieldIs:
    if name not in set(FIELD_ALIASES.values()):
        raise QueryError(f"未知字段“{name}”：可用的字段有 {FIELD_NAMES}")
    return FieldIs(name, normalize_filter_value(name, value))


def looser_queries(text: str) -> list[str]:
    """Nearby queries for a search that found nothing: unquoted, any word instead of all, fewer words."""
    try:
        tokens = tokenize_query(text)
    except QueryError:
        return []
    plain = [
        value.strip('"“”').lstrip("-")
        for kind, value in tokens
        if kind in ("word", "phrase") and value not in OPERATORS and ":" not in value and "：" not in value
    ]
    plain = [word for word in plain if word]
    offers: list[str] = []
    if any(kind == "phrase" for kind, _ in tokens):
        offers.append(" ".join(plain))
    if len(plain) > 1:
        offers.append(" OR ".join(plain))
        offers.append(" ".join(plain[:-1]))
    elif len(plain) == 1 and len(words(fold(plain[0]))) > 1:
        offers.append(" OR ".join(words(fold(plain[0]))))
    return [offer for offer in dict.fromkeys(offers) if offer and offer != text.strip()]
