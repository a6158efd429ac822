"""Boolean queries: parsing, errors with positions, evaluation, and print-parse round trips."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from presswatch.analysis.query import (
    And,
    Document,
    Near,
    Node,
    Not,
    Or,
    QuerySyntaxError,
    Term,
    matches,
    parse_query,
    to_query_string,
)
from presswatch.config import parse_config
from presswatch.errors import ConfigError, PresswatchError, QueryError
from presswatch.search import SearchError


def hit(query: str, text: str) -> bool:
    return matches(parse_query(query), Document(text))


def test_the_design_example_parses_to_the_expected_tree() -> None:
    tree = parse_query('Mistral AND (IA OR AI OR startup OR LLM) NOT "vent du sud"')
    assert tree == And(
        (
            Term("Mistral"),
            Or((Term("IA"), Term("AI"), Term("startup"), Term("LLM"))),
            Not(Term("vent du sud", phrase=True)),
        )
    )


def test_evaluation_in_french_and_english() -> None:
    query = 'Mistral AND (IA OR AI OR startup OR LLM) NOT "vent du sud"'
    assert hit(query, "La start-up Mistral et l’IA générative")
    assert not hit(query, "Le mistral, vent du sud, souffle sur l’IA")
    assert not hit(query, "Le mistral souffle fort")
    assert hit("startup*", "Startups are raising")
    assert not hit("start*", "a restart")
    assert hit('"Le Chat" NEAR/10 Mistral', "Le Chat, l’assistant conversationnel de Mistral")
    assert not hit('"Le Chat" NEAR/3 Mistral', "Le Chat, l’assistant conversationnel de Mistral")
    assert hit('Mistral NEAR/3 "Le Chat"', "Mistral lance Le Chat")  # either order
    assert hit("«intelligence artificielle» OR “machine learning”", "L’Intelligence   Artificielle")
    assert hit("levee", "une levée de fonds")  # accents ignored both ways
    assert hit("Mistral AI", "Mistral lève des fonds pour l’AI")  # implicit AND


@pytest.mark.parametrize(
    ("query", "position", "expected"),
    [
        ("Mistral AND", 12, "a term after 'AND'"),
        ("Mistral AND (IA OR AI", 13, "a closing ')' for this '('"),
        ("Mistral ) IA", 9, "a '(' before this ')'"),
        ('"vent du sud', 1, "a closing quote"),
        ("OR IA", 1, "a term before 'OR'"),
        ("IA AND OR AI", 8, "a term between 'AND' and 'OR'"),
        ("Mis*tral", 1, "a wildcard may only end a word"),
        ("a NEAR/3 (b AND c)", 3, "NEAR joins terms"),
    ],
)
def test_bad_queries_name_the_position_and_what_was_expected(
    query: str, position: int, expected: str
) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(query)
    assert str(caught.value).startswith(f"position {position}: {expected}")


def test_query_and_search_errors_are_presswatch_errors_and_value_errors() -> None:
    # One hierarchy for the CLI; still ValueErrors, which pydantic's validators report.
    for error in (QuerySyntaxError, SearchError):
        assert issubclass(error, QueryError)
        assert issubclass(error, PresswatchError) and issubclass(error, ValueError)


def test_a_bad_query_is_a_config_error_naming_the_company() -> None:
    raw = {"companies": [{"name": "Mistral AI", "role": "tracked", "query": "Mistral AND (IA"}]}
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    assert "companies[0] (Mistral AI).query: position 13: a closing ')' for this '('" in str(
        caught.value
    )


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàç", min_size=1, max_size=8).filter(
    lambda w: w.upper() not in {"AND", "OR", "NOT"} and not w.upper().startswith("NEAR")
)
terms = st.one_of(
    st.builds(Term, words, st.just(False), st.booleans()),
    st.builds(lambda a, b: Term(f"{a} {b}", phrase=True), words, words),
)


def trees(depth: int = 3) -> st.SearchStrategy[Node]:
    if depth == 0:
        return terms
    sub = trees(depth - 1)
    positional = st.one_of(
        terms, st.builds(lambda c: Or(tuple(c)), st.lists(terms, min_size=2, max_size=3))
    )
    return st.one_of(
        terms,
        st.builds(Not, sub),
        st.builds(lambda c: And(tuple(c)), st.lists(sub, min_size=2, max_size=3)),
        st.builds(lambda c: Or(tuple(c)), st.lists(sub, min_size=2, max_size=3)),
        st.builds(Near, positional, positional, st.integers(1, 50)),
    )


@settings(max_examples=300, deadline=None)
@given(trees())
def test_a_printed_query_parses_back_to_the_same_tree(tree: Node) -> None:
    assert parse_query(to_query_string(tree)) == tree


@settings(max_examples=200, deadline=None)
@given(trees(), st.text(max_size=200))
def test_evaluation_never_raises(tree: Node, text: str) -> None:
    assert matches(tree, Document(text)) in (True, False)
