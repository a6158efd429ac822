"""Company aliases, spokespeople and queries -> mentions with offsets, sentence, prominence."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from babel import Locale

from presswatch.analysis.nlp.furniture import furniture_around
from presswatch.analysis.nlp.language import SCREEN_MIN_WORDS, other_language
from presswatch.analysis.nlp.lexicon import is_word, phrase_languages
from presswatch.analysis.nlp.text import SentenceIndex, first_paragraph_end, fold
from presswatch.analysis.query import Document, Node, Term, matches, parse_query, term_regex
from presswatch.config import AliasConfig, CompanyConfig
from presswatch.models import Mention, MentionKind, Prominence, TextField

# Between the words of an alias: any run of spaces, line breaks or hyphens ("Mistral\nAI",
# "Mistral-AI"). After folding, every dash is "-" and every space variant is " ".
_GAP = r"[\s\-]+"
_LIGATURES = (("oe", "(?:oe|œ)"), ("ae", "(?:ae|æ)"))
# A one-word alias this short is a word somewhere ("Meta", "Uber", "Free", "Sora"): it
# counts only in a passage of the configured languages, not inside a German quote or an
# Italian paragraph of a French page.
SHORT_ALIAS_LETTERS = 6
# The passage whose language is screened: the paragraph, or this many characters either
# side when the paragraph is too short for the screen to be sure.
_PASSAGE_CHARS = 300


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


def _case_key(text: str) -> str:
    """Accents and gaps removed, case kept: what a case-sensitive alias compares."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s\-\u2010-\u2014]+", " ", plain).replace("’", "'").strip()


def _accent_key(text: str) -> str:
    """Accents kept, case and gaps folded, ligatures spelled out: what `accents` compares."""
    composed = unicodedata.normalize("NFC", text).lower()
    composed = composed.replace("œ", "oe").replace("æ", "ae").replace("’", "'")
    return re.sub(r"[\s\-\u2010-\u2014]+", " ", composed).strip()


def _accents_agree(written: str, term: _Term) -> bool:
    """Whether the text's spelling of an alias carries the accents its rule asks for."""
    if term.accents == "fold":
        return True
    wanted = _accent_key(term.alias)
    found = _accent_key(written)
    if found == wanted:
        return True
    if written.isupper() and found == _accent_key(_case_key(term.alias)):
        return True  # French capitals often drop their accents: "LIBERATION"
    if term.accents == "exact":
        return False
    # Unset: another spelling counts unless it is a word of its own ("über", "liberation");
    # a phrase of several words is never one.
    return " " in wanted or not is_word(written)


@dataclass(frozen=True, slots=True)
class _Term:
    company: str
    alias: str
    kind: MentionKind
    context: re.Pattern[str] | None = None
    within: str = "sentence"
    case_key: str | None = None
    accents: str | None = None
    short: bool = False


def _is_short(alias: str) -> bool:
    """Whether an alias is one short word (letters only), likely a word of some language."""
    return alias.isalpha() and len(alias) <= SHORT_ALIAS_LETTERS


def _context_regex(terms: Sequence[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    patterns = [term_regex(Term(t.rstrip("*"), wildcard=t.endswith("*"))).pattern for t in terms]
    return re.compile("|".join(patterns))


@dataclass(slots=True)
class _Field:
    name: TextField
    content: str
    folded: str
    lead_end: int
    sentences: SentenceIndex | None = None

    def sentence_span(self, offset: int) -> tuple[int, int]:
        if self.sentences is None:
            self.sentences = SentenceIndex(self.content)
        return self.sentences.span_at(offset)


@dataclass(slots=True)
class _Hit:
    field: _Field
    start: int
    end: int
    term: _Term


class Matcher:
    """Finds every configured company in a title and a text with one regex pass each."""

    def __init__(
        self, companies: Sequence[CompanyConfig], languages: Sequence[str] | None = None
    ) -> None:
        # With the configured languages, a short alias in a passage of another language is
        # no mention; without them (tests of rules alone), every passage counts.
        self._languages = tuple(languages) if languages else None
        terms: dict[str, _Term] = {}
        for company in companies:
            for alias in company.all_aliases:
                terms.setdefault(_alias_key(fold(alias.alias)), self._term(company, alias))
            for person in company.people:
                terms.setdefault(
                    _alias_key(fold(person)),
                    _Term(company.name, person, "person", short=_is_short(person)),
                )
        self._terms = terms
        self._queries: dict[str, Node] = {
            c.name: parse_query(c.query) for c in companies if c.query is not None
        }
        ordered = sorted(
            {_alias_pattern(t.alias) for t in terms.values()}, key=lambda p: (-len(p), p)
        )
        # Longest alternatives first, so "Mistral Large" wins over "Mistral". The lookarounds
        # are the word boundaries: "Metadata" is not "Meta", but "d'OpenAI" is "OpenAI".
        self._regex = (
            re.compile(r"(?<!\w)(?:" + "|".join(ordered) + r")(?!\w)") if ordered else None
        )
        description = "\n".join(
            [
                *(
                    f"{key}\t{t.company}\t{t.kind}\t{t.within}\t{t.case_key}\t{t.accents}\t"
                    f"{t.context.pattern if t.context else ''}"
                    for key, t in sorted(terms.items())
                ),
                *(f"query\t{c.name}\t{c.query}" for c in companies if c.query),
                f"languages\t{self._languages}",
            ]
        )
        self.fingerprint = hashlib.sha256(description.encode("utf-8")).hexdigest()[:16]

    @staticmethod
    def _term(company: CompanyConfig, alias: AliasConfig) -> _Term:
        return _Term(
            company=company.name,
            alias=alias.alias,
            kind="alias",
            context=_context_regex(alias.context),
            within=alias.within,
            case_key=_case_key(alias.alias) if alias.case_sensitive else None,
            accents=alias.accents,
            short=_is_short(alias.alias),
        )

    def find(self, title: str | None, text: str, *, screen: bool = True) -> list[Mention]:
        """All mentions in the title and the text, in reading order. With ``screen`` (and
        the configured languages), a short alias in a passage of another language is
        dropped; the Analyzer screens after it knows the article's language instead."""
        if self._regex is None:
            return []
        fields = [_Field("title", title, fold(title), 0)] if title else []
        fields.append(_Field("text", text, fold(text), first_paragraph_end(text)))
        hits = [
            _Hit(field, m.start(), m.end(), term)
            for field in fields
            for m in self._regex.finditer(field.folded)
            if (term := self._terms.get(_alias_key(m.group()))) is not None
        ]
        hits = [
            h
            for h in hits
            if (
                h.term.case_key is None
                or _case_key(h.field.content[h.start : h.end]) == h.term.case_key
            )
            and _accents_agree(h.field.content[h.start : h.end], h.term)
            and furniture_around(h.field.content, h.start, h.end, h.field.folded) is None
        ]
        if screen and self._languages is not None and any(h.term.short for h in hits):
            hits = [
                h
                for h in hits
                if not h.term.short or self._in_configured_language(h.field.content, h.start)
            ]
        if not hits:
            return []
        firm = {h.term.company for h in hits if h.term.context is None}
        hits = [h for h in hits if h.term.context is None or self._in_context(h, fields, firm)]
        if self._queries:
            document: Document | None = None
            for company in {h.term.company for h in hits} & set(self._queries):
                document = document or Document(f"{title or ''}\n{text}")
                if not matches(self._queries[company], document):
                    hits = [h for h in hits if h.term.company != company]
        return [self._mention(h) for h in hits]

    def _in_configured_language(self, content: str, start: int) -> bool:
        """Whether the passage around an offset is not clearly in an unconfigured language:
        its line, cut to _PASSAGE_CHARS either side (a feed's text is often one line), or
        that window across lines when the line is too short for the screen."""
        assert self._languages is not None
        low, high = max(0, start - _PASSAGE_CHARS), start + _PASSAGE_CHARS
        line_start = content.rfind("\n", 0, start) + 1
        line_end = content.find("\n", start)
        passage = content[
            max(low, line_start) : min(high, len(content) if line_end < 0 else line_end)
        ]
        if len(passage.split()) < SCREEN_MIN_WORDS:
            passage = content[low:high]
        return other_language(passage, self._languages) is None

    def screened(self, mentions: Sequence[Mention], title: str | None, text: str) -> list[Mention]:
        """The mentions less those of a short alias in a passage of another language (for
        an article in a configured language: one in another language is listed whole)."""
        if self._languages is None:
            return list(mentions)
        return [
            m
            for m in mentions
            if not _is_short(m.alias)
            or self._in_configured_language((title or "") if m.field == "title" else text, m.start)
        ]

    @staticmethod
    def _in_context(hit: _Hit, fields: list[_Field], firm: set[str]) -> bool:
        context = hit.term.context
        assert context is not None
        if hit.term.within == "article":
            if hit.term.company in firm:
                return True  # an unambiguous alias of the same company is in the article
            places = [(f, 0, len(f.folded)) for f in fields]
        else:
            start, end = hit.field.sentence_span(hit.start)
            places = [(hit.field, start, end)]
        for field, start, end in places:
            for found in context.finditer(field.folded, start, end):
                overlaps = (
                    field is hit.field and found.start() < hit.end and hit.start < found.end()
                )
                if not overlaps:
                    return True
        return False

    @staticmethod
    def _mention(hit: _Hit) -> Mention:
        field = hit.field
        prominence: Prominence = (
            "title" if field.name == "title" else "lead" if hit.start < field.lead_end else "body"
        )
        start, end = field.sentence_span(hit.start)
        return Mention(
            company=hit.term.company,
            alias=hit.term.alias,
            matched=field.content[hit.start : hit.end],
            field=field.name,
            start=hit.start,
            end=hit.end,
            sentence=field.content[start:end],
            prominence=prominence,
            kind=hit.term.kind,
        )

    def query_matches(self, company: str, title: str | None, text: str) -> bool:
        """Whether an article satisfies the company's query (True when it has none)."""
        query = self._queries.get(company)
        return query is None or matches(query, Document(f"{title or ''}\n{text}"))


def ambiguity_warnings(
    companies: Sequence[CompanyConfig], languages: Sequence[str] = ("fr", "en")
) -> list[str]:
    """One line per name or alias that is also a common word and has no context, with the
    rule to add.

    Without `context` (or a company `query`), "orange" in "vigilance orange" counts for
    Orange and "total" for TotalEnergies; `case_sensitive` alone still counts "Total" at
    the start of a sentence or in a title ("Total War").
    """
    lines = []
    for company in companies:
        if company.query is not None:
            continue
        for alias in company.all_aliases:
            if alias.context:
                continue
            found = phrase_languages(alias.alias, languages)
            if not found:
                continue
            rule = "" if alias.case_sensitive else "case_sensitive: true, "
            lines.append(
                f'warning: {company.name}: "{alias.alias}" is also a common word in '
                f"{_language_names(found)}; give it rules: - {{alias: {alias.alias}, "
                f"{rule}context: [words that stand near the company]}}"
            )
    return lines


def _language_names(codes: Sequence[str]) -> str:
    """ "French, English and German" from ["fr", "en", "de"] (English names, from Babel)."""
    english = Locale("en")
    names = [str(english.languages.get(code, code)) for code in codes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
