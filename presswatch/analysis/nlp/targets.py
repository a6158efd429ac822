"""A company's place in a sentence: the clause that speaks of it, and its side in a comparison.

Tone is read toward each company, not for the sentence: in "X lève 600 millions d'euros,
tandis que Y licencie", X's clause is good news and Y's is bad. A target is the sentence
with the offsets of the company's mentions and of the other companies' mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Span = tuple[int, int]
ComparisonRole = Literal["winner", "loser"]


@dataclass(frozen=True, slots=True)
class Target:
    """A sentence and where it names one company (``spans``) and the others (``others``)."""

    sentence: str
    spans: tuple[Span, ...] = ()
    others: tuple[Span, ...] = ()


# Where a clause ends: punctuation, and the words that open another clause or the other
# side of a contrast or comparison, in French and English.
_CLAUSE_WORDS = (
    r"mais|tandis qu[e'’]|alors qu[e'’]|contrairement à|face à|plutôt qu[e'’]|bien qu[e'’]"
    r"|malgré|même si|qui|dont|selon|d[’']après|devant|derrière|au détriment d[eu']"
    r"|but|while|whereas|than|unlike|compared (?:with|to)|versus|vs\.?|although|despite"
    r"|which|who|according to|ahead of|behind|at the expense of"
)
# A comparative and its "que" end a clause too ("meilleur que", "plus rapide que").
_COMPARATIVE_QUE = (
    r"\b(?:plus|moins|mieux|meilleure?s?|pires?|davantage)\b"
    r"(?:\s+[\w'’-]+){0,3}?\s+qu[e'’]"
)
_CLAUSE_END = re.compile(
    r"[,;:!?()\[\]«»\"“”—–]|\s-\s|\b(?:" + _CLAUSE_WORDS + r")\b|" + _COMPARATIVE_QUE,
    re.IGNORECASE,
)
# Words by which one side of a comparison beats the other: the company before them wins,
# the one after them loses ("X dépasse Y", "X beats Y", "X, meilleur que Y").
_WINS_OVER = re.compile(
    r"\b(?:dépass\w*|devan[cç]\w*|surpass\w*|détrôn\w*|bat|battent|coiff\w* au poteau"
    r"|distanc\w*|supplant\w*|évinc\w*|éclips\w*|ringardis\w*"
    r"|meilleure?s? qu(?:e\b|['’])|mieux qu(?:e\b|['’])|surclass\w*"
    r"|(?:pass\w*|loin|largement|nettement) devant"
    r"|overtak\w*|overtook|beat|beats|beating|outperform\w*|outsell\w*|outpac\w*|outshin\w*"
    r"|surpass\w*|dethron\w*|eclips\w*|outclass\w*|better than|(?:faster|stronger|smarter) than"
    r"|(?:far|well|way|pulls?|pulled|moves?|moved) ahead of)",
    re.IGNORECASE,
)
# ... and by which it loses ("X est à la traîne de Y", "X lags Y"). Words whose side
# depends on the rest of the sentence ("more than", "behind", "ahead of", "plus ... que")
# are not read as a comparison; "far behind", "loin derrière" and "passe devant" are.
_LOSES_TO = re.compile(
    r"\b(?:à la traîne|en retard sur|distancé\w* par|dépassé\w* par|devancé\w* par"
    r"|battu\w* par|pires? qu(?:e\b|['’])|(?:loin|largement|nettement) derrière"
    r"|lags?|lagg\w*|trails?|trail\w*|worse than|(?:slower|weaker) than"
    r"|beaten by|overtaken by|outpaced by|surclass\w* par|(?:far|well|way|falls?|fell) behind)",
    re.IGNORECASE,
)
# Between two companies, these keep them out of one comparison: they are in two clauses
# ("X overtakes Y, while Z lags").
_SEPARATE = re.compile(
    r"[;.!?]|\b(?:while|whereas|but|however|although|despite|unlike|mais|cependant"
    r"|pourtant|contrairement|malgré|selon|according to)\b"
    r"|\b(?:tandis|alors|bien) qu(?:e\b|['’])|\bd['’]après\b",
    re.IGNORECASE,
)
# A clause shorter than this says too little alone: the sentence is read instead.
_MIN_CLAUSE_WORDS = 3


# The words of a sentence the tone model reads around the company at most: its training
# sentences have 8 to 45, and a feed's run-on "sentence" of several hundred words (a list,
# an unpunctuated summary) would cost the embedding far more and say less about it.
MAX_WORDS = 60
_WORD_SPAN = re.compile(r"\S+")


def windowed(target: Target, max_words: int = MAX_WORDS) -> Target:
    """The target cut to ``max_words`` words of its sentence centred on the company's first
    mention (the target itself when the sentence is short enough)."""
    words = [(m.start(), m.end()) for m in _WORD_SPAN.finditer(target.sentence)]
    if len(words) <= max_words or not target.spans:
        return target
    first = target.spans[0][0]
    at = next((i for i, (a, b) in enumerate(words) if b > first), len(words) - 1)
    low = max(0, min(at - max_words // 2, len(words) - max_words))
    start, end = words[low][0], words[low + max_words - 1][1]

    def inside(spans: tuple[Span, ...]) -> tuple[Span, ...]:
        return tuple((a - start, b - start) for a, b in spans if a >= start and b <= end)

    return Target(target.sentence[start:end], inside(target.spans), inside(target.others))


# Words kept either side of the company's name in its close-up (chosen among 4, 6 and 10
# on the press dev set: bench/RESULTS.md counts it among the choices made there).
AROUND_WORDS = 6


def around_mention(target: Target, words: int = AROUND_WORDS) -> str:
    """The company's first mention with ``words`` words either side: what the sentence says
    right next to the name. Where the sentence names other companies, the close-up stops at
    a contrast ("while", "tandis que", "mais") so another company's news is not read as its
    own; the sentence itself when it names none."""
    if not target.spans:
        return target.sentence
    start, end = target.spans[0]
    low, high = 0, len(target.sentence)
    if target.others:
        for separator in _SEPARATE.finditer(target.sentence):
            if separator.end() <= start:
                low = separator.end()
            elif separator.start() >= end:
                high = separator.start()
                break
    left = _WORD_SPAN.findall(target.sentence[low:start])[-words:] if words else []
    right = _WORD_SPAN.findall(target.sentence[end:high])[:words]
    return " ".join([*left, target.sentence[start:end], *right])


def target_clause(target: Target) -> str:
    """The part of the sentence that speaks of the company: its clause, widened to the
    clauses around it up to those naming another company (so the whole sentence when it
    names no other, "contrainte de revoir ses ambitions" included with "Aleph Alpha, ..."),
    or the whole sentence when that part is only a few words."""
    low, high = _clause_bounds(target)
    return target.sentence[low:high]


def _clause_bounds(target: Target) -> tuple[int, int]:
    """Where ``target_clause`` starts and ends in the sentence."""
    whole = (0, len(target.sentence))
    if not target.spans:
        return whole
    first_start = target.spans[0][0]
    cuts = [(0, 0), *((m.start(), m.end()) for m in _CLAUSE_END.finditer(target.sentence))]
    cuts.append((len(target.sentence), len(target.sentence)))
    # Clause i runs from the end of cut i to the start of cut i + 1.
    clauses = [(cuts[i][1], cuts[i + 1][0]) for i in range(len(cuts) - 1)]
    own = next(
        (i for i, (a, b) in enumerate(clauses) if a <= first_start < b),
        None,
    )
    if own is None:  # the name is inside a cut ("Meta, qui"): read the sentence
        return whole

    def joins(index: int) -> bool:
        """Whether clause ``index`` joins the one after it: no contrast word between them
        ("tandis que", "while") and no other company named in either."""
        a, b = clauses[index]
        c, d = clauses[index + 1]
        between = target.sentence[cuts[index + 1][0] : cuts[index + 1][1]]
        return not _SEPARATE.search(between) and not any(
            a <= start < b or c <= start < d for start, _ in target.others
        )

    low = high = own
    while low > 0 and joins(low - 1):
        low -= 1
    while high < len(clauses) - 1 and joins(high):
        high += 1
    start, end = clauses[low][0], clauses[high][1]
    text = target.sentence[start:end]
    if len(text.split()) < _MIN_CLAUSE_WORDS:
        return whole
    # The clause without the spaces around it.
    start += len(text) - len(text.lstrip())
    end -= len(text) - len(text.rstrip())
    return start, end


def comparison_role(target: Target) -> ComparisonRole | None:
    """Whether the company wins or loses a comparison with another one the sentence names
    ("X dépasse Y": X wins, Y loses), or None when there is no such comparison."""
    if not target.spans or not target.others:
        return None
    own_start, own_end = target.spans[0]
    # Only the nearest other company on each side: a comparison is between neighbours,
    # never across a third company ("Google invested in X, ahead of Y").
    nearest = [
        span
        for span in (
            max((o for o in target.others if o[1] <= own_start), default=None),
            min((o for o in target.others if o[0] >= own_end), default=None),
        )
        if span is not None
    ]
    for other_start, other_end in nearest:
        before = own_start < other_start
        between = (
            target.sentence[own_end:other_start] if before else target.sentence[other_end:own_start]
        )
        if _SEPARATE.search(between):
            continue
        if _LOSES_TO.search(between):
            return "loser" if before else "winner"
        if _WINS_OVER.search(between):
            return "winner" if before else "loser"
    return None


# Everything above that decides which words a target's tone reads and which side of a
# comparison it is on: part of the analysis fingerprint, so a change to any rule makes the
# next run re-analyse the stored articles (presswatch/analysis/analyzer.py).
TARGET_RULES = repr(
    (
        _CLAUSE_WORDS,
        _COMPARATIVE_QUE,
        _CLAUSE_END.pattern,
        _WINS_OVER.pattern,
        _LOSES_TO.pattern,
        _SEPARATE.pattern,
        _MIN_CLAUSE_WORDS,
        MAX_WORDS,
        AROUND_WORDS,
    )
)
