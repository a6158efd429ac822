"""Boolean queries as monitoring suites write them, parsed with pyparsing and run on articles.

Syntax: words and "quoted phrases", AND, OR, NOT, parentheses, ``a NEAR/5 b`` (within five
words, either order), a trailing wildcard (``startup*``). Two terms side by side mean AND.
Operators are upper-case; matching is case- and accent-insensitive, like aliases.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

import pyparsing as pp

from presswatch.analysis.nlp.text import fold
from presswatch.errors import QueryError

DEFAULT_NEAR = 10
_WORD_RE = re.compile(r"\w+")


class QuerySyntaxError(QueryError):
    """A query that cannot be parsed; says where and what was expected."""

    def __init__(self, query: str, position: int, expected: str) -> None:
        self.query = query
        self.position = position
        self.expected = expected
        pointer = query[:position] + " >>> " + query[position:]
        super().__init__(f"position {position + 1}: {expected} (in: {pointer})")


@dataclass(frozen=True, slots=True)
class Term:
    """A word (optionally ending with a wildcard) or a quoted phrase."""

    text: str
    phrase: bool = False
    wildcard: bool = False


@dataclass(frozen=True, slots=True)
class Not:
    """Articles where the child does not match."""

    child: Node


@dataclass(frozen=True, slots=True)
class And:
    """Every child matches."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """At least one child matches."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Near:
    """Both sides occur within ``distance`` words of each other, in either order."""

    left: Node
    right: Node
    distance: int


Node = Term | Not | And | Or | Near


def _term_pattern(term: Term) -> str:
    words = [w for w in re.split(r"[\s\-]+", fold(term.text).strip()) if w]
    body = r"[\s\-]+".join(re.escape(w) for w in words)
    for plain, either in (("oe", "(?:oe|œ)"), ("ae", "(?:ae|æ)")):
        body = body.replace(plain, either)
    tail = r"\w*" if term.wildcard else ""
    return r"(?<!\w)" + body + tail + r"(?!\w)"


@lru_cache(maxsize=4096)
def term_regex(term: Term) -> re.Pattern[str]:
    """The compiled pattern of a term, applied to folded text."""
    return re.compile(_term_pattern(term))


def _build_parser() -> pp.ParserElement:
    and_kw = pp.Keyword("AND")
    or_kw = pp.Keyword("OR")
    not_kw = pp.Keyword("NOT")
    near_kw = pp.Regex(r"NEAR(?:/(\d+))?(?![\w/])")
    operator = and_kw | or_kw | not_kw | near_kw
    quote_pairs = [('"', '"'), ("“", "”"), ("«", "»")]
    phrase = pp.MatchFirst(
        [pp.QuotedString(open_q, end_quote_char=close_q) for open_q, close_q in quote_pairs]
    ).set_parse_action(lambda t: Term(" ".join(t[0].split()), phrase=True))
    word = (~operator + pp.Regex(r"[^\s()\"“”«»]+")).set_parse_action(_word_action)
    operand = (phrase | word).set_name("a word or a quoted phrase")

    # A plain recursive grammar (not infix_notation, whose backtracking made nested queries
    # take seconds): NOT binds tightest, then NEAR, then AND (or two terms side by side), OR.
    expression = pp.Forward()
    atom = operand | (pp.Suppress("(") + expression + pp.Suppress(")"))
    negation = pp.Forward()
    negation <<= (pp.Suppress(not_kw) + negation).set_parse_action(lambda t: Not(t[0])) | atom
    proximity = (negation + pp.ZeroOrMore(near_kw + negation)).set_parse_action(_near_action)
    conjunction = proximity + pp.ZeroOrMore(pp.Suppress(pp.Opt(and_kw)) + proximity)
    conjunction.set_parse_action(lambda t: t[0] if len(t) == 1 else And(tuple(t)))
    disjunction = conjunction + pp.ZeroOrMore(pp.Suppress(or_kw) + conjunction)
    disjunction.set_parse_action(lambda t: t[0] if len(t) == 1 else Or(tuple(t)))
    expression <<= disjunction
    return expression


def _near_action(tokens: pp.ParseResults) -> Node:
    items = list(tokens)
    node: Node = items[0]
    for index in range(1, len(items), 2):
        match = re.fullmatch(r"NEAR(?:/(\d+))?", items[index])
        distance = int(match.group(1)) if match and match.group(1) else DEFAULT_NEAR
        node = Near(node, items[index + 1], distance)
    return node


def _word_action(tokens: pp.ParseResults) -> Term:
    text = tokens[0]
    wildcard = text.endswith("*")
    core = text.rstrip("*")
    if not core or "*" in core:
        raise pp.ParseFatalException("", 0, "a wildcard may only end a word, as in startup*")
    return Term(core, wildcard=wildcard)


@lru_cache(maxsize=1)
def _parser() -> pp.ParserElement:
    return _build_parser()


@lru_cache(maxsize=1024)
def parse_query(query: str) -> Node:
    """Parse a query into its tree; raise QuerySyntaxError naming the position."""
    if not query.strip():
        raise QuerySyntaxError(query, 0, "the query is empty")
    _check_structure(query)
    try:
        result = _parser().parse_string(query, parse_all=True)
    except pp.ParseBaseException as exc:
        expected = "a word, a quoted phrase or '('"
        message = str(exc.msg)
        if "wildcard" in message:
            expected = message
        elif exc.loc < len(query) and query[exc.loc] == ")":
            expected = "a '(' before this ')', or a term before it"
        elif exc.loc >= len(query):
            expected = "a term after the last operator, or a closing ')'"
        raise QuerySyntaxError(query, exc.loc, expected) from None
    node: Node = result[0]
    _check_near(node, query)
    return node


_TOKEN = re.compile(r'"[^"]*"?|“[^”]*”?|«[^»]*»?|[()]|[^\s()"“«]+')
_BINARY = re.compile(r"AND|OR|NEAR(?:/\d+)?")


def _check_structure(query: str) -> None:
    """Catch the common mistakes with a precise position before the grammar runs."""
    depth_stack: list[int] = []
    previous: str | None = None
    for token in _TOKEN.finditer(query):
        text, where = token.group(), token.start()
        if text[0] in '"“«' and (len(text) < 2 or text[-1] not in '"”»'):
            raise QuerySyntaxError(query, where, "a closing quote for this phrase")
        if text == "(":
            depth_stack.append(where)
        elif text == ")":
            if not depth_stack:
                raise QuerySyntaxError(query, where, "a '(' before this ')'")
            if previous == "(":
                raise QuerySyntaxError(query, where, "a term inside the parentheses")
            depth_stack.pop()
        is_binary = bool(_BINARY.fullmatch(text))
        if is_binary and (previous is None or previous == "(" or previous == "NOT"):
            raise QuerySyntaxError(query, where, f"a term before '{text}'")
        if is_binary and previous is not None and _BINARY.fullmatch(previous):
            raise QuerySyntaxError(query, where, f"a term between '{previous}' and '{text}'")
        if (
            text == ")"
            and previous is not None
            and (_BINARY.fullmatch(previous) or previous == "NOT")
        ):
            raise QuerySyntaxError(query, where, f"a term after '{previous}'")
        previous = text
    if depth_stack:
        raise QuerySyntaxError(query, depth_stack[-1], "a closing ')' for this '('")
    if previous is not None and (_BINARY.fullmatch(previous) or previous == "NOT"):
        raise QuerySyntaxError(query, len(query.rstrip()), f"a term after '{previous}'")


def _positional(node: Node) -> bool:
    if isinstance(node, Term):
        return True
    if isinstance(node, Or):
        return all(_positional(c) for c in node.children)
    return False


def _check_near(node: Node, query: str) -> None:
    if isinstance(node, Near):
        if not (_positional(node.left) and _positional(node.right)):
            raise QuerySyntaxError(
                query, query.find("NEAR"), "NEAR joins terms, phrases or OR groups of them"
            )
        return
    if isinstance(node, Not):
        _check_near(node.child, query)
    elif isinstance(node, And | Or):
        for child in node.children:
            _check_near(child, query)


def to_query_string(node: Node) -> str:
    """Print a tree back as a query that parses to the same tree."""
    if isinstance(node, Term):
        if node.phrase:
            return f'"{node.text}"'
        return node.text + ("*" if node.wildcard else "")
    if isinstance(node, Not):
        return f"NOT {_wrapped(node.child)}"
    if isinstance(node, Near):
        return f"{_wrapped(node.left)} NEAR/{node.distance} {_wrapped(node.right)}"
    joiner = " AND " if isinstance(node, And) else " OR "
    return joiner.join(_wrapped(c) for c in node.children)


def _wrapped(node: Node) -> str:
    text = to_query_string(node)
    return text if isinstance(node, Term | Not) else f"({text})"


class Document:
    """A folded text ready for many queries: term hits and word positions are cached."""

    def __init__(self, text: str) -> None:
        self.folded = fold(text)
        self._word_starts: list[int] | None = None
        self._hits: dict[Term, list[int]] = {}

    def hits(self, term: Term) -> list[int]:
        """Start offsets of a term in the document."""
        found = self._hits.get(term)
        if found is None:
            found = [m.start() for m in term_regex(term).finditer(self.folded)]
            self._hits[term] = found
        return found

    def word_index(self, offset: int) -> int:
        """The index of the word at an offset."""
        if self._word_starts is None:
            self._word_starts = [m.start() for m in _WORD_RE.finditer(self.folded)]
        return bisect.bisect_right(self._word_starts, offset) - 1

    def positions(self, node: Node) -> list[int]:
        """Word positions of a positional node (a term or an OR of terms)."""
        if isinstance(node, Term):
            return [self.word_index(o) for o in self.hits(node)]
        if isinstance(node, Or):
            return sorted(p for c in node.children for p in self.positions(c))
        return []


def matches(node: Node, document: Document) -> bool:
    """Whether the document satisfies the query tree."""
    if isinstance(node, Term):
        return bool(document.hits(node))
    if isinstance(node, Not):
        return not matches(node.child, document)
    if isinstance(node, And):
        return all(matches(c, document) for c in node.children)
    if isinstance(node, Or):
        return any(matches(c, document) for c in node.children)
    left = document.positions(node.left)
    if not left:
        return False
    right = document.positions(node.right)
    for position in right:
        index = bisect.bisect_left(left, position - node.distance)
        if index < len(left) and left[index] <= position + node.distance:
            return True
    return False


def positive_terms(node: Node) -> list[Term]:
    """The terms a match can rest on (those not under a NOT), for showing evidence."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return []
    if isinstance(node, Near):
        return positive_terms(node.left) + positive_terms(node.right)
    return [t for c in node.children for t in positive_terms(c)]
