"""The file collector: the seeds with their sidecars, encodings, and bad files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from collectors import CollectContext
from collectors.files import collect_folder
from presswatch.config import FilesSourceConfig


def collect(folder: Path, **options: object) -> object:
    source = FilesSourceConfig(name="Clips", kind="files", path=str(folder), **options)  # type: ignore[arg-type]
    return collect_folder(source, CollectContext(state=None, base_dir=folder.parent))


def test_seeds_are_collected_with_what_is_known(seeds_dir: Path) -> None:
    result = collect(seeds_dir)
    assert result.status == "ok" and result.problems == []  # type: ignore[attr-defined]
    by_key = {a.entry_key: a for a in result.articles}  # type: ignore[attr-defined]
    assert sorted(by_key) == ["000_ac3c3f190bfc7c90.txt", "003_bac9d4bfc824f801.txt"]
    tribune = by_key["003_bac9d4bfc824f801.txt"]
    assert tribune.outlet == "La Tribune"
    assert (
        tribune.title == "Mistral, le champion français de l'IA à la conquête de la Silicon Valley"
    )
    assert tribune.published == datetime(2024, 3, 1, tzinfo=UTC)
    assert tribune.date_precision == "month"
    assert tribune.text.startswith("Incontournable à Paris")  # the title line is not repeated
    profile = by_key["000_ac3c3f190bfc7c90.txt"]
    assert profile.published is None and profile.date_precision is None  # never invented
    assert profile.outlet is None and profile.title is None
    assert profile.language == "fr"
    assert "d’elle les plus grands espoirs" in profile.text  # typographic apostrophe kept


def test_encodings_are_read_and_normalized(tmp_path: Path) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    text = "Levée de fonds\nL’entreprise a levé des fonds à Paris, dit-elle, élégamment."
    (folder / "utf8.txt").write_text(text, encoding="utf-8")
    (folder / "bom.txt").write_text(text, encoding="utf-8-sig")
    (folder / "utf16.txt").write_text(text, encoding="utf-16")
    (folder / "cp1252.txt").write_bytes(text.encode("cp1252"))
    (folder / "decomposed.txt").write_text(
        "Levée de fonds\nL’entreprise a levée des fonds.".replace("é", "e\u0301"), encoding="utf-8"
    )
    result = collect(folder)
    assert result.problems == []  # type: ignore[attr-defined]
    articles = {a.entry_key: a for a in result.articles}  # type: ignore[attr-defined]
    for name in ("utf8.txt", "bom.txt", "utf16.txt", "cp1252.txt"):
        assert articles[name].title == "Levée de fonds", name
        assert articles[name].text == text.split("\n", 1)[1], name
    assert articles["decomposed.txt"].title == "Levée de fonds"  # NFC


def test_bad_files_are_reported_and_the_rest_collected(tmp_path: Path) -> None:
    folder = tmp_path / "clips"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text("Titre\nMistral AI recrute.", encoding="utf-8")
    (folder / "sub" / "deep.md").write_text("# Titre\nLe corps du texte.", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    (folder / "dated.txt").write_text("Titre\nTexte.", encoding="utf-8")
    (folder / "dated.meta.yaml").write_text("published: 'the day before'\n", encoding="utf-8")
    (folder / ".hidden.txt").write_text("Titre\nTexte.", encoding="utf-8")
    (folder / "draft.txt~").write_text("Titre\nTexte.", encoding="utf-8")
    (folder / "drafts").mkdir()
    (folder / "drafts" / "wip.txt").write_text("Titre\nTexte.", encoding="utf-8")
    result = collect(folder, exclude=["drafts/*"])
    keys = sorted(a.entry_key for a in result.articles)  # type: ignore[attr-defined]
    assert keys == ["good.txt", "sub/deep.md"]
    problems = "\n".join(result.problems)  # type: ignore[attr-defined]
    assert "empty.txt: the file is empty" in problems
    assert "binary.txt: binary content, not text" in problems
    assert "dated.txt: published: 'the day before' is not a date" in problems


def test_a_missing_folder_fails_with_the_fix(tmp_path: Path) -> None:
    result = collect(tmp_path / "nowhere")
    assert result.status == "failed"  # type: ignore[attr-defined]
    assert "does not exist" in result.error  # type: ignore[attr-defined]
