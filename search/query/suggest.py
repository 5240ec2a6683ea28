"""Query suggestions from the index itself: did-you-mean for a mistyped word, related terms of a result.

Did-you-mean: a query word that matches little is compared with the words the
index holds that differ from it by one character (replaced, missing, extra or
swapped). Candidates come from the character bigrams of the corpus (法律顾? has
to be a bigram 顾X that occurs), so only strings the corpus contains are
offered, and the one indexed as a word in most paragraphs wins.

Related terms: pseudo-relevance feedback. The words of the best strict hits
that are much more frequent there than in the corpus (p(w|hits) · log(N/df)),
thesaurus terms preferred and ``data/stopwords.txt`` left out, shown as chips
that narrow the query.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

from search.data import DATA
from search.index.analyze import RUN, segmenter, words
from search.index.figures import load_indicators, ranking_words
from search.index.terms import SHIFT
from search.index.vocabulary import dictionary_words
from search.ingest.classify import load_part_rules
from search.query.parse import Text
from search.query.thesaurus import load_thesaurus

LOW = (1 << SHIFT) - 1
MAX_CORRECTABLE = 8
MIN_PHRASE_CORRECTABLE, MAX_PHRASE_CORRECTABLE = 4, 16
PHRASE_CANDIDATES = 12
CANDIDATES_PER_SLOT = 40
RELATED_LIMIT = 8
FEEDBACK_DOCS = 10
COMMON_SHARE = 0.2


THESAURUS_PREFERENCE = 1.5
NUMERALS = set("一二三四五六七八九十百千万零两")


def _most_found(word: str, scored: list[tuple[int, str]], enough: int) -> str | None:
    """The candidate found most often, more often than ``enough``: one as long as ``word`` (a character replaced
    or two swapped) before a longer or shorter one, since a string cut short (矛盾纠纷多元化 of 矛盾纠纷多元化介) is
    found wherever the whole one (…多元化解) is, and more often."""
    for same_length in (True, False):
        found = [(count, c) for count, c in scored if count > max(enough, 0) and (len(c) == len(word)) == same_length]
        if found:
            return max(found)[1]
    return None


@lru_cache(maxsize=2)
def load_stopwords(path: Path = DATA / "stopwords.txt") -> frozenset[str]:
    """Words never offered as related terms (data/stopwords.txt, editable)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _offerable(word: str) -> bool:
    return len(word) > 1 and _is_han(word) and word not in load_stopwords() and not NUMERALS & set(word[:1])


def _is_han(text: str) -> bool:
    return all("\u3400" <= c <= "\u9fff" for c in text)


class Suggester:
    """Suggestions over one index state (its evaluator's segments and postings)."""

    def __init__(self, evaluator) -> None:
        self.evaluator = evaluator
        self._tables: tuple[tuple[np.ndarray, np.ndarray], np.ndarray] | None = None

    @property
    def _backward(self) -> np.ndarray:
        """Every bigram key with its two characters swapped, sorted: what precedes a character."""
        return self._built()[1]

    def _bigrams(self) -> tuple[np.ndarray, np.ndarray]:
        """Every bigram key of the corpus (sorted, unique) and the documents having it."""
        return self._built()[0]

    def _built(self) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
        """The bigram tables, built on first use (concurrent first uses build them twice, harmlessly)."""
        if self._tables is None:
            keys, counts = [], []
            for segment, _ in self.evaluator.segments:
                grams = segment.grams
                keys.append(np.asarray(grams.keys))
                counts.append(np.diff(np.asarray(grams.offsets)))
            all_keys = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
            all_counts = np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64)
            unique, inverse = np.unique(all_keys, return_inverse=True)
            forward = (unique, np.bincount(inverse, weights=all_counts, minlength=len(unique)))
            self._tables = (forward, np.sort(((unique & LOW) << SHIFT) | (unique >> SHIFT)))
        return self._tables

    def _followers(self, char: str) -> tuple[np.ndarray, np.ndarray]:
        """(characters that follow ``char`` in the corpus, how many documents have that bigram)."""
        keys, counts = self._bigrams()
        low = np.searchsorted(keys, ord(char) << SHIFT)
        high = np.searchsorted(keys, (ord(char) + 1) << SHIFT)
        return keys[low:high] & LOW, counts[low:high]

    def _precedes(self, chars: np.ndarray, char: str) -> np.ndarray:
        """Which of ``chars`` occur right before ``char`` somewhere in the corpus."""
        if not len(self._backward):
            return np.zeros(len(chars), dtype=bool)
        wanted = (np.int64(ord(char)) << SHIFT) | np.asarray(chars, dtype=np.int64)
        found = np.minimum(np.searchsorted(self._backward, wanted), len(self._backward) - 1)
        return self._backward[found] == wanted

    def _between(self, before: str | None, after: str | None) -> list[str]:
        """Characters X such that before+X and X+after occur in the corpus, the most frequent first."""
        if before is not None:
            chars, counts = self._followers(before)
            if after is not None:
                keep = self._precedes(chars, after)
                chars, counts = chars[keep], counts[keep]
        elif after is not None:
            low = np.searchsorted(self._backward, ord(after) << SHIFT)
            high = np.searchsorted(self._backward, (ord(after) + 1) << SHIFT)
            chars = self._backward[low:high] & LOW
            counts = np.ones(len(chars))
        else:
            return []
        order = np.argsort(-counts, kind="stable")[:CANDIDATES_PER_SLOT]
        return [chr(int(c)) for c in chars[order] if "\u3400" <= chr(int(c)) <= "\u9fff"]

    def word_frequency(self, word: str) -> int:
        """Paragraphs that have ``word`` as an indexed word."""
        return self.evaluator.document_frequency(word)

    def correction(self, word: str) -> str | None:
        """The indexed word one edit away from ``word`` with the most paragraphs, if it has more than ``word``. A
        term of the domain (述法 in a corpus that never names it) is no typo of a commoner word (依法), nor is a
        dictionary word the corpus has (合同 is not 合法 mistyped); a dictionary word the corpus lacks may be one
        (调节纠纷 for 调解纠纷). A phrase the index holds as several words (行政执法三项制度 typed 行政执法三项制渡)
        is no indexed word: see :meth:`_phrase_correction`."""
        if not (2 <= len(word) <= MAX_PHRASE_CORRECTABLE) or not _is_han(word) or word in _domain_terms():
            return None
        current = self.word_frequency(word)
        if current and segmenter().has_word(word):
            return None
        candidates = self._one_edit_away(word)
        if len(word) <= MAX_CORRECTABLE:
            scored = [(self.word_frequency(c), c) for c in candidates if len(c) >= 2]
            best = _most_found(word, scored, 2 * max(current, 0))
            if best:
                return best
        return self._phrase_correction(word, candidates) if len(word) >= MIN_PHRASE_CORRECTABLE else None

    def _one_edit_away(self, word: str) -> set[str]:
        """Strings one character replaced, missing, extra or swapped away from ``word``, where each replaced or
        extra character makes bigrams the corpus has with its neighbours."""
        candidates: set[str] = set()
        for at in range(len(word)):
            before = word[at - 1] if at else None
            after = word[at + 1] if at + 1 < len(word) else None
            candidates.update(word[:at] + x + word[at + 1 :] for x in self._between(before, after))
            if at:
                candidates.update(word[:at] + x + word[at:] for x in self._between(word[at - 1], word[at]))
            if len(word) > 2:
                candidates.add(word[:at] + word[at + 1 :])
            if at + 1 < len(word):
                candidates.add(word[:at] + word[at + 1] + word[at] + word[at + 2 :])
        candidates.discard(word)
        return candidates

    def _phrase_correction(self, word: str, candidates: set[str]) -> str | None:
        """The candidate that most paragraphs contain as a string, where more do than contain ``word`` (twice as
        many): for a phrase written as several indexed words. Each count is a search: only candidates whose every
        bigram the corpus has are counted (a typo's own bigram, 制渡, is seldom one), the PHRASE_CANDIDATES whose
        bigrams are commonest (制度 before 制造)."""
        commonness = {c: self._bigram_commonness(c) for c in candidates if len(c) >= MIN_PHRASE_CORRECTABLE}
        likely = sorted((c for c in commonness if commonness[c] is not None), key=lambda c: (-commonness[c], c))
        if not likely:
            return None
        scored = [(self._paragraphs_with(c), c) for c in likely[:PHRASE_CANDIDATES]]
        return _most_found(word, scored, 2 * max(self._paragraphs_with(word), 0))

    def _bigram_commonness(self, text: str) -> float | None:
        """The mean logarithm of how many documents have each of ``text``'s bigrams; None where the corpus lacks
        one."""
        keys, counts = self._bigrams()
        if not len(keys):
            return None
        wanted = np.array([(ord(a) << SHIFT) | ord(b) for a, b in zip(text, text[1:], strict=False)], dtype=np.int64)
        found = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        present = keys[found] == wanted
        return float(np.log(counts[found]).mean()) if present.all() else None

    def _paragraphs_with(self, text: str) -> int:
        return len(self.evaluator.run(Text(text, exact=True), False).strict)

    def did_you_mean(self, text: str, weak: set[str]) -> str | None:
        """``text`` with each weak run of Chinese characters replaced by its correction; None if nothing changes. A
        word naming a report part at a run's end (调解成功率低: 低 names the shortcomings) is the user's, never
        corrected away."""
        changed = text
        for run in dict.fromkeys(RUN.findall(text)):
            if run in weak:
                stem, cue = _without_part_cue(run)
                fixed = self.correction(stem)
                if fixed:
                    changed = changed.replace(run, fixed + cue)
        return changed if changed != text else None

    def related_terms(self, docnums: list[int], exclude: set[str], limit: int = RELATED_LIMIT) -> list[str]:
        """Words much more frequent in ``docnums`` than in the corpus, not in ``exclude`` (nor inside it)."""
        if len(docnums) < 2:
            return []
        seen: Counter = Counter()
        for docnum in docnums[:FEEDBACK_DOCS]:
            seen.update(w for w in set(words(self.evaluator.text(docnum))) if _offerable(w))
        total = self.evaluator.documents
        domain = load_thesaurus().terms()
        shared = [
            (word, count)
            for word, count in seen.items()
            if count >= 2 and not any(word in term or term in word for term in exclude)
        ]
        frequencies = self.evaluator.document_frequencies([word for word, _ in shared])
        scored = []
        for (word, count), frequency in zip(shared, frequencies.tolist(), strict=True):
            if not frequency or frequency > COMMON_SHARE * total:
                continue
            preference = THESAURUS_PREFERENCE if word in domain else 1.0
            scored.append((count / len(docnums) * math.log(total / frequency) * preference, word))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [word for _, word in scored[:limit]]


@lru_cache(maxsize=1)
def _domain_terms() -> frozenset[str]:
    """The thesaurus's terms and the domain dictionary's words (data files users may edit)."""
    return frozenset(load_thesaurus().terms()) | frozenset(word for word, _ in dictionary_words())


def _without_part_cue(run: str) -> tuple[str, str]:
    """(the run, "") or, where it ends with a word naming a report part after two characters or more, (what
    comes before that word, the word)."""
    cues = [cue for words in load_part_rules().cues.values() for cue in words if run.endswith(cue)]
    cue = max(cues, key=len, default="")
    return (run[: -len(cue)], cue) if cue and len(run) - len(cue) >= 2 else (run, "")


def indicator_ranking(text: str) -> dict | None:
    """{"indicator", "order"} where a query asks which reports state the highest or lowest of an indicator, or
    more or less than a figure (调解成功率最高的乡镇, 哪个街道法律顾问最多, 调解成功率超过98%的乡镇): the indicator by
    its name, else by the longest anchor only it has; None where it names no ranking word, or no indicator or two."""
    asked = [(len(word), order) for order, words in ranking_words().items() for word in words if word in text]
    if not asked:
        return None
    order = max(asked)[1]  # the longest word: 不低于 asks for the high ones, not 低于's low ones
    indicators = load_indicators()
    named = [i.name for i in indicators if any(piece in text for piece in i.name.split("/"))]
    if not named:
        longest = max((len(a) for i in indicators for a in i.anchor if a in text), default=0)
        named = [i.name for i in indicators if any(len(a) == longest and a in text for a in i.anchor)]
    return {"indicator": named[0], "order": order} if len(set(named)) == 1 else None
