"""Reviewing mentions: how a sampled mention is shown, how an estimate reads, and the alias
rule that the wrong ones suggest.

The store draws the sample and keeps the verdicts (Store.review_sample, mark_mention,
precision_estimates); `presswatch review` and the Coverage page's review panel show
what this module makes of them. Every text here is plain: a title, a sentence or an
outlet is data, cleaned of control characters, never markup.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import yaml

from presswatch.analysis.nlp.text import fold
from presswatch.analytics import stop_words
from presswatch.config import CompanyConfig
from presswatch.models import MentionKey, TextField

# How a matched word stands out in plain text (a terminal, st.text).
MARK_OPEN, MARK_CLOSE = "[[", "]]"
# Context around the match when its sentence cannot be found in the text (a cleaned text).
WINDOW = 120
# At most this many words in a suggested context, and in the list of the wrong ones' words.
MOST_TERMS = 8

# Format characters that reorder or hide text (bidirectional overrides and isolates, zero
# width joiners): a title could make a terminal show something else than it holds.
_HIDING = {"Cf"}
# A word of a context: letters, with inner hyphens (start-up); apostrophes cut elisions off
# (l'IA gives IA).
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def clean_text(text: object, *, collapse: bool = True) -> str:
    """Text safe to print: control and format characters gone (ESC, bidirectional
    overrides), line breaks and tabs as spaces, and (``collapse``) runs of spaces as one."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    kept = []
    for char in str(text):
        category = unicodedata.category(char)
        if char in "\t\n\r\v\f\x85\u2028\u2029":
            kept.append(" ")
        elif category == "Cc" or category in _HIDING:
            continue
        else:
            kept.append(char)
    joined = "".join(kept)
    return " ".join(joined.split()) if collapse else joined


def marked_excerpt(
    sentence: str, field_text: str | None, start: int, end: int, matched: str
) -> str:
    """The mention's sentence with the matched words between [[ and ]], as plain text.

    The sentence is found around the mention's offsets in its field's text; when it cannot
    be (a text cleaned since), the words matched are marked where they first stand in the
    sentence, else a window of the text around the offsets is shown.
    """
    text = field_text or ""
    at_offsets = bool(matched) and text[start:end] == matched
    if sentence and at_offsets:
        # The sentence holds the mention: it begins at most its length before the end.
        begin = text.find(sentence, max(0, end - len(sentence)), start + len(sentence))
        if begin != -1 and begin <= start:
            return _joined(sentence[: start - begin], matched, sentence[end - begin :])
    if sentence and matched and matched in sentence:
        at = sentence.find(matched)
        return _joined(sentence[:at], matched, sentence[at + len(matched) :])
    if at_offsets:
        first = max(0, start - WINDOW)
        before = ("…" if first else "") + text[first:start]
        after = text[end : end + WINDOW] + ("…" if end + WINDOW < len(text) else "")
        return _joined(before, matched, after)
    return clean_text(sentence)


def sampled_key(row: Mapping[Any, Any]) -> MentionKey:
    """The key of a mention of Store.review_sample (one of its records)."""
    field: TextField = "title" if row["field"] == "title" else "text"
    return MentionKey(
        str(row["article_id"]), str(row["company"]), field, int(row["start"]), str(row["matched"])
    )


def sampled_excerpt(row: Mapping[Any, Any]) -> str:
    """The sentence of a mention of Store.review_sample, its matched words marked."""
    text = row["field_text"] if isinstance(row["field_text"], str) else None
    return marked_excerpt(
        str(row["sentence"]), text, int(row["start"]), int(row["end"]), str(row["matched"])
    )


def _joined(before: str, matched: str, after: str) -> str:
    """before [[matched]] after, each part cleaned, the spaces at the seams kept."""
    left, right = clean_text(before), clean_text(after)
    gap_left = " " if left and before[-1:].isspace() else ""
    gap_right = " " if right and after[:1].isspace() else ""
    return f"{left}{gap_left}{MARK_OPEN}{clean_text(matched)}{MARK_CLOSE}{gap_right}{right}"


def estimate_text(row: dict[str, Any], reviewed_word: str = "reviewed") -> str:
    """An estimate as it reads beside a company: 0.92 (0.81–0.97), 40 reviewed, 2026-12-01.

    ``row``: a company's row of Store.precision_estimates (estimates_by_company);
    ``reviewed_word``: the word after the count, in the reader's language.
    """
    day = _day(row["last_review"])
    return (
        f"{row['precision']:.2f} ({row['low']:.2f}–{row['high']:.2f}), "
        f"{int(row['reviewed'])} {reviewed_word}" + (f", {day}" if day else "")
    )


def _day(moment: Any) -> str:
    """A review's time as its date ('' when there is none)."""
    if moment is None or pd.isna(moment):
        return ""
    return str(pd.Timestamp(moment).date().isoformat())


def estimates_by_company(estimates: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Store.precision_estimates as company -> its row (a dict)."""
    return {
        str(row["company"]): {str(k): v for k, v in row.items()}
        for row in estimates.to_dict("records")
    }


def manifest_estimates(estimates: pd.DataFrame, companies: Sequence[str]) -> list[dict[str, Any]]:
    """Per company (these first, in order, then any other reviewed one), what an export's
    manifest records of its precision: the estimate, its interval, the count reviewed and
    the last review's date (None and 0 when not reviewed)."""
    found = estimates_by_company(estimates)
    names = list(companies) + sorted(set(found) - set(companies))
    out: list[dict[str, Any]] = []
    for name in names:
        row = found.get(name)
        if row is None:
            out.append(
                {
                    "company": name,
                    "precision": None,
                    "interval_95": None,
                    "reviewed": 0,
                    "right": 0,
                    "last_review": None,
                }
            )
            continue
        last = row["last_review"]
        out.append(
            {
                "company": name,
                "precision": round(float(row["precision"]), 4),
                "interval_95": [round(float(row["low"]), 4), round(float(row["high"]), 4)],
                "reviewed": int(row["reviewed"]),
                "right": int(row["right"]),
                "last_review": pd.Timestamp(last).isoformat() if last is not None else None,
            }
        )
    return out


@dataclass(frozen=True)
class RuleSuggestion:
    """What the wrong mentions of one alias suggest writing in config.yaml, and what that
    rule does to the reviewed mentions of the alias."""

    company: str
    alias: str
    case_sensitive: bool
    context: tuple[str, ...]
    wrong_words: tuple[str, ...]  # frequent around the wrong ones, rare around the others
    right_total: int
    wrong_total: int
    right_kept: int
    wrong_dropped: int

    def yaml(self) -> str:
        """The alias entry as it goes under the company's ``aliases:`` in config.yaml."""
        entry: dict[str, Any] = {"alias": self.alias}
        if self.case_sensitive:
            entry["case_sensitive"] = True
        if self.context:
            entry["context"] = list(self.context)
        dumped: str = yaml.safe_dump(
            [entry], allow_unicode=True, default_flow_style=None, sort_keys=False
        )
        return dumped


@dataclass(frozen=True)
class _Sentence:
    verdict: str  # right, wrong, or "" for a mention not reviewed
    matched: str
    words: frozenset[str]  # folded


def _words(sentence: str, matched: str, skip: set[str]) -> dict[str, str]:
    """The words of a sentence but the match and the company's own names: folded -> as
    written (the first spelling)."""
    at = sentence.find(matched) if matched else -1
    if at != -1:
        sentence = sentence[:at] + " " + sentence[at + len(matched) :]
    found: dict[str, str] = {}
    for word in _WORD.findall(sentence):
        key = fold(word)
        if len(key) < 2 or key in skip:
            continue
        found.setdefault(key, word)
    return found


def suggest_rules(
    company: CompanyConfig, reviewed: pd.DataFrame, others: pd.DataFrame
) -> list[RuleSuggestion]:
    """For each alias with wrong mentions (the most wrong first), the rule that keeps its
    right mentions and drops its wrong ones, from the words around them.

    ``reviewed``: Store.reviewed_mentions (verdict, alias, kind, matched, sentence);
    ``others``: a sample of the company's mentions not reviewed (alias, matched, sentence).

    An alias's ``context`` is a condition: the alias counts only where one of its terms
    stands near. So the terms suggested are words around the right mentions that never
    stand around the wrong ones (chosen to cover the most right ones, the more common
    around the other mentions first); the words that mark the wrong ones (frequent there,
    rare around the right ones and the others) are given apart, for the reader.
    ``case_sensitive: true`` is suggested when wrong matches are lowercase and no right one
    is; the context then only has to drop the other wrong ones.
    """
    if reviewed.empty:
        return []
    skip = {fold(w) for w in stop_words()}
    names = [company.name, *(a.alias for a in company.aliases), *company.people]
    skip |= {fold(w) for name in names for w in _WORD.findall(name)}
    wrong_aliases = Counter(
        str(r["alias"])
        for r in reviewed.to_dict("records")
        if r["verdict"] == "wrong" and r["kind"] == "alias"
    )
    spelled: dict[str, str] = {}
    suggestions = []
    for alias, _count in sorted(wrong_aliases.items(), key=lambda item: (-item[1], item[0])):
        sentences: list[_Sentence] = []
        for frame, verdict_of in ((reviewed, None), (others, "")):
            if frame.empty:
                continue
            for row in frame[frame["alias"] == alias].to_dict("records"):
                words = _words(str(row["sentence"]), str(row["matched"]), skip)
                for key, word in words.items():
                    spelled.setdefault(key, word)
                verdict = str(row["verdict"]) if verdict_of is None else verdict_of
                sentences.append(_Sentence(verdict, str(row["matched"]), frozenset(words)))
        suggestions.append(_suggest(company.name, alias, sentences, spelled))
    return suggestions


def _suggest(
    company: str, alias: str, sentences: list[_Sentence], spelled: dict[str, str]
) -> RuleSuggestion:
    right = [s for s in sentences if s.verdict == "right"]
    wrong = [s for s in sentences if s.verdict == "wrong"]
    others = [s for s in sentences if not s.verdict]
    # Lowercase wrong matches ("le mistral", the wind) go with the alias's exact case,
    # unless a right one is lowercase too.
    case_sensitive = (
        any(c.isupper() for c in alias)
        and any(s.matched == s.matched.lower() for s in wrong)
        and not any(s.matched == s.matched.lower() for s in right)
    )
    # What case leaves to the context: it has to keep the right ones and drop these.
    wrong_left = [s for s in wrong if not (case_sensitive and s.matched == s.matched.lower())]
    near_wrong = set().union(*(s.words for s in wrong_left)) if wrong_left else set()
    in_others = Counter(w for s in others for w in s.words)
    context: list[str] = []
    uncovered = list(right)
    while uncovered and len(context) < MOST_TERMS and wrong_left:
        counts = Counter(w for s in uncovered for w in s.words if w not in near_wrong)
        if not counts:
            break
        best = min(counts, key=lambda w: (-counts[w], -in_others[w], w))
        context.append(best)
        uncovered = [s for s in uncovered if best not in s.words]
    chosen = set(context)

    def kept(sentence: _Sentence) -> bool:
        if case_sensitive and sentence.matched == sentence.matched.lower():
            return False
        return not chosen or bool(sentence.words & chosen)

    background = right + others
    in_background = Counter(w for s in background for w in s.words)
    in_wrong = Counter(w for s in wrong for w in s.words)
    least = min(2, len(wrong))
    scored = {
        w: n / len(wrong) - in_background[w] / max(len(background), 1)
        for w, n in in_wrong.items()
        if n >= least
    }
    wrong_words = sorted((w for w, score in scored.items() if score > 0), key=lambda w: -scored[w])
    return RuleSuggestion(
        company=company,
        alias=alias,
        case_sensitive=case_sensitive,
        context=tuple(spelled[w] for w in context),
        wrong_words=tuple(spelled[w] for w in wrong_words[:MOST_TERMS]),
        right_total=len(right),
        wrong_total=len(wrong),
        right_kept=sum(1 for s in right if kept(s)),
        wrong_dropped=sum(1 for s in wrong if not kept(s)),
    )


def suggestion_lines(suggestion: RuleSuggestion) -> list[str]:
    """A suggestion as the command prints it: where it goes, the YAML, what it does."""
    lines = [
        f"Suggested rule for the alias '{clean_text(suggestion.alias)}' "
        f"(under companies -> {clean_text(suggestion.company)} -> aliases in config.yaml):",
    ]
    if not suggestion.case_sensitive and not suggestion.context:
        lines.append(
            "  (no word tells the wrong ones from the right ones yet: review more mentions)"
        )
    else:
        lines.extend(
            "  " + clean_text(line, collapse=False) for line in suggestion.yaml().splitlines()
        )
        lines.append(
            f"On the reviewed mentions of '{clean_text(suggestion.alias)}', it keeps "
            f"{suggestion.right_kept} of {suggestion.right_total} right and drops "
            f"{suggestion.wrong_dropped} of {suggestion.wrong_total} wrong."
        )
    if suggestion.wrong_words:
        lines.append(
            "Words around the wrong ones, rare around the others: "
            + ", ".join(clean_text(w) for w in suggestion.wrong_words)
        )
    return lines


def companies_listed(configured: Iterable[str], estimates: pd.DataFrame) -> list[str]:
    """The configured companies in config order, then any other that was reviewed."""
    names = list(configured)
    return names + sorted(set(estimates["company"]) - set(names)) if not estimates.empty else names
