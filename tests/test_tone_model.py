"""The embedding tone backend: training, a model file without pickle, train-tone."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from presswatch.analysis.nlp.sentiment import (
    PRESS_MODEL,
    EmbeddingBackend,
    PressBackend,
    ToneModel,
    fine_tune_press_model,
    get_backend,
    train_tone_model,
)
from presswatch.analysis.nlp.targets import Target
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
    result = runner.invoke(
        main, ["train-tone", *args, "--data", str(data), "--backend", "embedding"]
    )
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


def targeted(sentence: str, company: str, *others: str) -> Target:
    """A target naming ``company`` (and ``others``) where the sentence names them."""
    spans = ((sentence.index(company), sentence.index(company) + len(company)),)
    rest = tuple((sentence.index(o), sentence.index(o) + len(o)) for o in others)
    return Target(sentence, spans, rest)


CORRECTED = [
    targeted("Mistral AI rejoint le programme d'accompagnement de Station F.", "Mistral AI"),
    targeted("Mistral AI figure dans la liste des start-up suivies par Bercy.", "Mistral AI"),
    targeted("Aleph Alpha change de directeur financier.", "Aleph Alpha"),
    targeted("OpenAI publishes its quarterly transparency report.", "OpenAI"),
    targeted("Anthropic is mentioned in the committee's hearing.", "Anthropic"),
    targeted("Cohere moves its offices to a new building.", "Cohere"),
]
UNRELATED = [
    targeted("Mistral AI lève 600 millions d'euros auprès de grands investisseurs.", "Mistral AI"),
    targeted("Aleph Alpha licencie la moitié de ses salariés.", "Aleph Alpha"),
    targeted("OpenAI is sued by authors over copyright.", "OpenAI"),
    targeted("Anthropic wins a major government contract.", "Anthropic"),
    targeted("La CNIL inflige une amende record à Meta.", "Meta"),
    targeted("Google DeepMind publie un article de recherche.", "Google DeepMind"),
    targeted("Cohere announces a new model for enterprises.", "Cohere"),
    targeted("Hugging Face ouvre un bureau à Lyon.", "Hugging Face"),
]


def other_label(label: str) -> str:
    """A label that is not ``label``: the corrections always overrule the model."""
    return {"positive": "negative", "negative": "positive", "neutral": "positive"}[label]


def test_fine_tuning_follows_the_corrections_and_keeps_other_tones() -> None:
    shipped = ToneModel.load(PRESS_MODEL)
    before = [label for _, label in PressBackend(shipped).classify_targets(CORRECTED, None)]
    gold = [other_label(label) for label in before]

    loose = fine_tune_press_model(shipped, CORRECTED, gold, penalty=0.01)
    followed = PressBackend(loose, tuned=True).classify_targets(CORRECTED, None)
    assert [label for _, label in followed] == gold  # every correction learnt

    tuned = fine_tune_press_model(shipped, CORRECTED, gold)
    backend = PressBackend(tuned, tuned=True)
    after = [label for _, label in backend.classify_targets(CORRECTED, None)]
    # The default hold learns some corrections, never unlearns a right one.
    assert sum(a == g for a, g in zip(after, gold, strict=True)) >= 1
    kept = [label for _, label in PressBackend(shipped).classify_targets(UNRELATED, None)]
    now = [label for _, label in backend.classify_targets(UNRELATED, None)]
    assert sum(k == n for k, n in zip(kept, now, strict=True)) >= 6
    assert backend.name == "press-tuned" and backend.model_name.startswith("press-tuned ")
    assert tuned.cutoffs == shipped.cutoffs and tuned.digest != shipped.digest


def test_fine_tuning_refuses_what_it_cannot_learn_from() -> None:
    shipped = ToneModel.load(PRESS_MODEL)
    with pytest.raises(PresswatchError, match="correct some tones first"):
        fine_tune_press_model(shipped, [], [])
    with pytest.raises(PresswatchError, match="positive, neutral or negative"):
        fine_tune_press_model(shipped, CORRECTED[:1], ["great"])


def test_train_tone_fine_tunes_the_press_model_by_default(
    write_config: Callable[..., Config], seeds_dir: Path, tmp_path: Path
) -> None:
    config = write_config(sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}])
    runner = CliRunner()
    args = ["--config", str(config.path)]
    assert runner.invoke(main, ["collect", *args]).exit_code == 0
    out = tmp_path / "rows.csv"
    runner.invoke(main, ["export", *args, "--out", str(out)])
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    for row in rows[:2]:
        label = other_label(row["tone"] or "neutral")
        result = runner.invoke(
            main,
            [
                "set-tone",
                *args,
                row["article_id"],
                label,
                "--company",
                row["company"],
                "--by",
                "ana",
            ],
        )
        assert result.exit_code == 0, result.output
    data = tmp_path / "labelled.csv"
    data.write_text("text,label\nUn lancement réussi.,positif\n", encoding="utf-8")
    result = runner.invoke(main, ["train-tone", *args, "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "Training on 3 sentences (2 from corrections)" in result.output
    agreement = re.search(r"(\d) of 3 shipped, (\d) of 3 fine-tuned", result.output)
    assert agreement is not None and int(agreement[2]) >= int(agreement[1])
    assert "tone.backend: press-tuned" in result.output
    assert (tmp_path / "data" / "tone-model.npz").exists()

    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nUn lancement.,super\n", encoding="utf-8")
    result = runner.invoke(main, ["train-tone", *args, "--data", str(bad)])
    assert result.exit_code != 0 and "line 2" in result.output and "'super'" in result.output

    config = write_config(
        sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}],
        tone={"backend": "press-tuned"},
    )
    result = runner.invoke(main, ["reanalyze", *args])
    assert result.exit_code == 0, result.output
    from presswatch.store import Store

    with Store(f"sqlite:///{tmp_path / 'data' / 'test.db'}") as store:
        assert (store.tone_model() or "").startswith("press-tuned ")
