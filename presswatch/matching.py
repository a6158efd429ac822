"""Company aliases and spokespeople -> mentions with offsets, sentence and prominence."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from presswatch.config import CompanyConfig
from presswatch.models import Mention, MentionKind, Prominence, TextField
from presswatch.nlp.text import SentenceIndex, first_paragraph_end, fold

# Between the words of an alias: any run of spaces, line breaks or hyphens ("Mistral\nAI",
# "Mistral-AI"). After folding, every dash is "-" and every space variant is " ".
_GAP = r"[\s\-]+"
_LIGATURES = (("oe", "(?:oe|œ)"), ("ae", "(?:ae|æ)"))


def _alias_key(folded: str) -> str:
    """The lookup key of a folded alias or match: gaps collapsed, ligatures spelled out."""
    return re.sub(r"[\s\-]+", " ", folded).replace("œ", "oe").replace("æ", "ae").strip()


def _alias_pattern(alias: str) -> str:
    words = _alias_key(fold(alias)).split(" ")
    parts = []
    for word in words:
        escaped = re.escape(word)
        for plain, either in _LIGATURES:
            escaped = escaped.replace(plain, either)
        parts.append(escaped)
    return _GAP.join(parts)


@dataclass(frozen=True, slots=True)
class _Term:
    company: str
    alias: str
    kind: MentionKind


class Matcher:
    """Finds every configured company in a title and a text, in one regex pass each."""

    def __init__(self, companies: Sequence[CompanyConfig]) -> None:
        terms: dict[str, _Term] = {}
        for company in companies:
            for alias in company.all_aliases:
                terms.setdefault(_alias_key(fold(alias)), _Term(company.name, alias, "alias"))
            for person in company.people:
                terms.setdefault(_alias_key(fold(person)), _Term(company.name, person, "person"))
        self._terms = terms
        ordered = sorted(
            {_alias_pattern(t.alias) for t in terms.values()}, key=lambda p: (-len(p), p)
        )
        # Longest alternatives first, so "Mistral Large" wins over "Mistral". The lookarounds
        # are the word boundaries: "Metadata" is not "Meta", but "d'OpenAI" is "OpenAI".
        self._regex = (
            re.compile(r"(?<!\w)(?:" + "|".join(ordered) + r")(?!\w)") if ordered else None
        )
        description = "\n".join(f"{key}\t{t.company}\t{t.kind}" for key, t in sorted(terms.items()))
        self.fingerprint = hashlib.sha256(description.encode("utf-8")).hexdigest()[:16]

    def find(self, title: str | None, text: str) -> list[Mention]:
        """All mentions in the title and the text, in reading order."""
        mentions: list[Mention] = []
        if title:
            mentions.extend(self._find_in(title, "title"))
        mentions.extend(self._find_in(text, "text"))
        return mentions

    def _find_in(self, content: str, field: TextField) -> list[Mention]:
        if self._regex is None:
            return []
        folded = fold(content)
        found: list[Mention] = []
        sentences: SentenceIndex | None = None
        lead_end = first_paragraph_end(content) if field == "text" else 0
        for match in self._regex.finditer(folded):
            term = self._terms.get(_alias_key(match.group()))
            if term is None:  # pragma: no cover - every alternative comes from a term
                continue
            if sentences is None:
                sentences = SentenceIndex(content)
            start, end = match.span()
            prominence: Prominence = (
                "title" if field == "title" else "lead" if start < lead_end else "body"
            )
            found.append(
                Mention(
                    company=term.company,
                    alias=term.alias,
                    matched=content[start:end],
                    field=field,
                    start=start,
                    end=end,
                    sentence=sentences.sentence_at(start),
                    prominence=prominence,
                    kind=term.kind,
                )
            )
        return found
