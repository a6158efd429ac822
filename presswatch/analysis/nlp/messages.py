"""Key messages carried by meaning: a company's clause close to a message's phrasing.

The lemma matcher (topics.py) finds a message where one of its phrasings stands in a
sentence naming the company. This module adds paraphrases: "l'Europe doit garder la
maîtrise de ses technologies" carries "souveraineté européenne" though it shares no word
with it. It compares the clause the tone model already embedded for each (company,
sentence) (multilingual E5, "query: " on both sides) with each phrasing of each message,
so an analysis embeds no text twice: only the phrasings, once per config.

E5 vectors of any two sentences are close (cosines of 0.7 to 0.9 whatever they say), so
both sides are first moved by the centre of ordinary press sentences (the mean E5 vector
of the project's tone training rows, shipped in data/message_centre.npz) and the cosine is
taken between what is left: how much more a clause and a phrasing share than any two
press sentences do. A message is carried when that centred similarity to its nearest
phrasing reaches the threshold, calibrated on sentences the project wrote
(training/messages/), and no negation stands in the clause ("ne publie pas ses poids").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from presswatch.analysis.nlp.sentiment import embed
from presswatch.analysis.nlp.topics import _AFFIRMING, _NEGATION
from presswatch.errors import PresswatchError

# The mean E5 vector of the project's press sentences: written by
# training/messages/calibrate.py.
CENTRE_FILE = Path(__file__).resolve().parent / "data" / "message_centre.npz"

# The centred similarity a clause needs to carry a message, one value for every message:
# the lowest threshold at which lemmas and similarity together are at least as precise as
# lemmas alone on the calibration split of training/messages/ (README there): a comms team
# reports these shares to its board, so similarity may add recall but not lower precision.
# No threshold reaches a precision of 0.9 on those hard negatives.
MESSAGE_THRESHOLD = 0.43

# A negation anywhere in the clause denies what it says by meaning: a similarity has no
# place in the clause to look before, so the whole clause is read (a phrasing found by its
# lemmas keeps the finer rule of topics.is_negated).
_DENIAL = re.compile(_NEGATION.pattern, re.IGNORECASE)


def is_denied(clause: str) -> bool:
    """Whether a clause holds a negation ("n'a jamais défendu", "is not releasing"), the
    affirming ones ("not only", "pas seulement") aside."""
    return bool(_DENIAL.search(_AFFIRMING.sub(" ", clause)))


@dataclass(frozen=True, slots=True)
class Similar:
    """A message a clause carries by meaning: its nearest phrasing and the similarity."""

    message: str
    phrasing: str
    score: float


def load_centre(path: Path = CENTRE_FILE) -> Any:
    """The centre of press sentences' E5 vectors (a 384-vector)."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as data:
            return np.asarray(data["centre"], dtype=np.float32)
    except (OSError, KeyError, ValueError) as exc:
        raise PresswatchError(
            f"{path} is not presswatch's message centre ({exc}): reinstall presswatch"
        ) from None


def centred(vectors: Any, centre: Any) -> Any:
    """Vectors moved by the centre and scaled back to length one."""
    import numpy as np

    moved = np.asarray(vectors, dtype=np.float32) - centre
    norms = np.linalg.norm(moved, axis=-1, keepdims=True)
    return moved / np.maximum(norms, 1e-12)


class MessageSimilarity:
    """The messages each clause carries by meaning, given the clauses' E5 vectors."""

    def __init__(
        self,
        messages: Mapping[str, Sequence[str]],
        threshold: float = MESSAGE_THRESHOLD,
        embed_texts: Callable[[Sequence[str]], Any] | None = None,
    ) -> None:
        self.threshold = threshold
        self.phrasings = [
            (message, phrasing) for message, phrasings in messages.items() for phrasing in phrasings
        ]
        self._embed_texts = embed_texts
        # How many phrasings were embedded: once per config, whatever the articles.
        self.embedded = 0

    def __bool__(self) -> bool:
        return bool(self.phrasings)

    @property
    def fingerprint(self) -> str:
        """What decides the matches: part of the analysis fingerprint."""
        return repr(("message similarity", self.threshold, self.phrasings, _DENIAL.pattern))

    @cached_property
    def _centre(self) -> Any:
        return load_centre()

    @cached_property
    def _phrasing_vectors(self) -> Any:
        """The phrasings' centred E5 vectors, embedded on first use."""
        embed_texts = self._embed_texts or embed
        texts = [phrasing for _, phrasing in self.phrasings]
        self.embedded += len(texts)
        return centred(embed_texts(texts), self._centre)

    def scores(self, clause_vectors: Any) -> Any:
        """The centred similarity of each clause (rows) to each phrasing (columns)."""
        import numpy as np

        if not self.phrasings or len(clause_vectors) == 0:
            return np.zeros((len(clause_vectors), len(self.phrasings)), dtype=np.float32)
        return centred(clause_vectors, self._centre) @ self._phrasing_vectors.T

    def carried(self, clauses: Sequence[str], clause_vectors: Any) -> list[list[Similar]]:
        """Per clause, each message it carries by meaning (nearest phrasing at or above the
        threshold, the clause not denied), the most similar first."""
        table = self.scores(clause_vectors)
        out: list[list[Similar]] = []
        for clause, row in zip(clauses, table, strict=True):
            best: dict[str, Similar] = {}
            if not is_denied(clause):
                for (message, phrasing), score in zip(self.phrasings, row, strict=True):
                    value = float(score)
                    if value >= self.threshold and (
                        message not in best or value > best[message].score
                    ):
                        best[message] = Similar(message, phrasing, value)
            out.append(sorted(best.values(), key=lambda s: -s.score))
        return out
