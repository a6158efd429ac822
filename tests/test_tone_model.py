"""The embedding tone backend: training, a model file without pickle, train-tone."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from presswatch.analysis.nlp.sentiment import (
    EmbeddingBackend,
    ToneModel,
    get_backend,
    train_tone_model,
)
from presswatch.cli import main
from presswatch.config import Config
from presswatch.errors import PresswatchError

POSITIVE = [
    "Un succès remarquable pour la start-up.",
    "Les résultats sont excellents cette année.",
    "Une réussite saluée par tous les analystes.",
    "The launch was a great success.",
    "Record profits and a brilliant year.",
    "Les clients adorent le nouveau produit.",
    "Strong growth and happy customers.",
    "Une performance exceptionnelle et applaudie.",
]
NEGATIVE = [
    "Un échec cuisant pour l'entreprise.",
    "Les pertes se creusent et les clients fuient.",
    "Un scandale qui ternit sa réputation.",
    "The company faces heavy losses and layoffs.",
    "A disastrous quarter with angry investors.",
    "La start-up est contrainte de licencier.",
    "Lawsuits and a collapsing share price.",
    "Une faillite désastreuse et des dettes.",
]
NEUTRAL = [
    "La société publie ses comptes mardi.",
    "Le siège se trouve à Paris.",
    "The meeting is scheduled for Thursday.",
    "The report covers the second quarter.",
    "L'entreprise compte 35 salariés.",
    "Le document fait douze pages.",
    "The office is located in London.",
    "La conférence a lieu en mars.",
]


def training_data() -> tuple[list[str], list[str]]:
    sentences = POSITIVE + NEGATIVE + NEUTRAL
    labels = ["positive"] * 8 + ["negative"] * 8 + ["neutral"] * 8
    return sentences, labels


def test_a_trained_model_scores_and_round_trips(tmp_path: Path) -> None:
    model = train_tone_model(*training_data(), folds=4)
    backend = EmbeddingBackend(model)
    scores = backend.score(
        [
            "Un immense succès, une réussite brillante.",
            "Une faillite désastreuse, des pertes énormes.",
        ],
        "fr",
    )
    assert scores[0] > scores[1]
    assert backend.label(scores[0], "fr") == "positive"
    assert backend.label(scores[1], "fr") == "negative"
    path = tmp_path / "tone.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as data:  # plain arrays: loading runs no code
        assert set(data.files) == {"coef", "intercept", "classes", "cutoffs"}
    again = get_backend("embedding", path)
    assert again.score(["Un immense succès."], "fr") == pytest.approx(
        backend.score(["Un immense succès."], "fr"), abs=1e-6
    )


def test_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(PresswatchError, match="run `presswatch train-tone` first"):
        ToneModel.load(tmp_path / "missing.npz")
    (tmp_path / "bad.npz").write_bytes(b"not a model")
    with pytest.raises(PresswatchError, match="is not a presswatch tone model"):
        ToneModel.load(tmp_path / "bad.npz")
    with pytest.raises(PresswatchError, match="too few examples"):
        train_tone_model(["a", "b", "c"], ["positive", "negative", "neutral"])
    with pytest.raises(PresswatchError, match="must be positive, neutral or negative"):
        train_tone_model(["a"], ["great"])


def test_train_tone_from_corrections_and_a_csv(
    write_config: Callable[..., Config], seeds_dir: Path, tmp_path: Path
) -> None:
    config = write_config(sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}])
    runner = CliRunner()
    args = ["--config", str(config.path)]
    assert runner.invoke(main, ["collect", *args]).exit_code == 0
    out = tmp_path / "rows.csv"
    runner.invoke(main, ["export", *args, "--out", str(out)])
    row = next(csv.DictReader(out.open(encoding="utf-8-sig")))
    runner.invoke(
        main,
        [
            "set-tone",
            *args,
            row["article_id"],
            "neutral",
            "--company",
            row["company"],
            "--by",
            "claire",
        ],
    )
    data = tmp_path / "labelled.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(zip(*training_data(), strict=True))
    result = runner.invoke(main, ["train-tone", *args, "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "Training on 25 sentences (1 from corrections)" in result.output
    # How often people overrule the model, per company: here once, unless the model had
    # said neutral too.
    overruled = 0 if row["tone"] == "neutral" else 1
    assert "People's corrections against press " in result.output
    assert f"  {row['company']}: overruled {overruled} of 1 " in result.output
    assert (tmp_path / "data" / "tone-model.npz").exists()

    config = write_config(
        sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}],
        tone={"backend": "embedding"},
    )
    result = runner.invoke(main, ["reanalyze", *args])
    assert result.exit_code == 0, result.output
