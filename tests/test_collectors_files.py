"""The file collector: the seeds with their sidecars, encodings, and bad files."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

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


# -- every format ---------------------------------------------------------------------------

HTML_PAGE = """<!DOCTYPE html><html lang="fr"><head>
<meta charset="utf-8"><title>Mistral AI ouvre un bureau à Londres | Le Quotidien Tech</title>
<meta property="og:title" content="Mistral AI ouvre un bureau à Londres">
<meta property="og:site_name" content="Le Quotidien Tech">
<meta name="author" content="Zoé Martin">
<meta property="article:published_time" content="2024-05-14T09:30:00+02:00">
</head><body><nav><a href="/">Accueil</a> <a href="/tech">Tech</a></nav>
<article><h1>Mistral AI ouvre un bureau à Londres</h1>
<p>La start-up française Mistral AI a annoncé mardi l’ouverture d’un bureau à Londres, son
premier au Royaume-Uni, où elle compte recruter une trentaine d’ingénieurs d’ici la fin de
l’année pour accompagner ses clients britanniques.</p>
<p>« Londres est un vivier de talents exceptionnel », a déclaré Arthur Mensch, son
directeur général, lors d’un entretien. L’entreprise rivalise avec OpenAI et Anthropic sur
le marché des grands modèles de langage.</p>
</article><footer>© Le Quotidien Tech – Mentions légales</footer></body></html>"""


def _pdf_with_text(lines: list[str]) -> bytes:
    """A minimal one-page PDF whose text layer holds ``lines`` (Helvetica, WinAnsi)."""

    def escape(line: str) -> bytes:
        raw = line.encode("cp1252")
        return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    stream = (
        b"BT /F1 11 Tf 50 780 Td 14 TL "
        + b" ".join(b"(" + escape(line) + b") '" for line in lines)
        + b" ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _encrypted_pdf() -> bytes:
    # pypdf takes 0.25 s to import: only for the test that writes a PDF.
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_every_format_gives_articles(tmp_path: Path) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "front.md").write_text(
        "---\ntitle: Anthropic lève des fonds\noutlet: Les Échos\npublished: 2024-09\n---\n"
        "# Anthropic lève des fonds\n\nLa société Anthropic a levé des fonds.\n",
        encoding="utf-8",
    )
    (folder / "page.html").write_text(HTML_PAGE, encoding="utf-8")
    (folder / "clip.pdf").write_bytes(
        _pdf_with_text(
            ["Le Chat de Mistral AI séduit", "", "Mistral AI a présenté Le Chat, à Paris."]
        )
    )
    (folder / "export.json").write_text(
        '[{"title": "OpenAI et Mistral", "url": "https://a.example.com/1", '
        '"content": "OpenAI répond à Mistral AI.", "date": "2024-06-11", "source": {"name": "A"}},'
        ' {"title": "Sans texte"}]',
        encoding="utf-8",
    )
    (folder / "feed.jsonl").write_text(
        '{"headline": "One", "body": "Anthropic ships Claude.", "lang": "en"}\n'
        '{"headline": "Two", "body": "Google ships Gemini.", "published": "2024-07-01T10:00:00Z"}\n',
        encoding="utf-8",
    )
    (folder / "agence.csv").write_bytes(
        "Titre;Média;Date;Contenu\n"
        "Mistral AI à Londres;L’Agence;12/05/2024;Mistral AI s’installe à Londres.\n"
        "Llama 3;L’Agence;2024-04-18;Meta publie Llama 3.\n".encode("cp1252")
    )
    result = collect(folder)
    assert result.problems == [
        "export.json: item 2 has no text (text/content/body/texte/contenu): skipped"
    ]  # type: ignore[attr-defined]
    articles = {a.entry_key: a for a in result.articles}  # type: ignore[attr-defined]
    front = articles["front.md"]
    assert (front.title, front.outlet, front.date_precision) == (
        "Anthropic lève des fonds",
        "Les Échos",
        "month",
    )
    assert front.text == "La société Anthropic a levé des fonds."
    page = articles["page.html"]
    assert page.title == "Mistral AI ouvre un bureau à Londres"
    assert page.outlet == "Le Quotidien Tech" and page.author == "Zoé Martin"
    assert page.published is not None and page.published.date().isoformat() == "2024-05-14"
    assert page.date_source == "page"
    assert "Londres est un vivier de talents" in page.text and "Mentions légales" not in page.text
    assert "Accueil" not in page.text
    pdf = articles["clip.pdf"]
    assert pdf.title == "Le Chat de Mistral AI séduit"
    assert "Mistral AI a présenté Le Chat, à Paris." in pdf.text
    exported = articles["export.json"]
    assert exported.outlet == "A" and exported.url == "https://a.example.com/1"
    assert (
        exported.published == datetime(2024, 6, 11, tzinfo=UTC) and exported.date_precision == "day"
    )
    assert articles["feed.jsonl#1"].title == "One" and articles["feed.jsonl#1"].language == "en"
    assert articles["feed.jsonl#2"].date_precision == "datetime"
    first_row = articles["agence.csv#1"]
    assert (first_row.title, first_row.outlet) == ("Mistral AI à Londres", "L’Agence")
    assert first_row.published == datetime(2024, 5, 12, tzinfo=UTC)  # French day-first
    assert articles["agence.csv#2"].text == "Meta publie Llama 3."


def test_csv_column_mapping_and_missing_columns(tmp_path: Path) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "tool.csv").write_text(
        "Headline,Snippet,Outlet Name\nMistral AI wins,Mistral AI wins a deal.,Daily\n",
        encoding="utf-8",
    )
    (folder / "other.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    result = collect(
        folder, columns={"text": "Snippet", "title": "Headline", "outlet": "Outlet Name"}
    )
    (article,) = result.articles  # type: ignore[attr-defined]
    assert (article.title, article.text, article.outlet) == (
        "Mistral AI wins",
        "Mistral AI wins a deal.",
        "Daily",
    )
    (problem,) = result.problems  # type: ignore[attr-defined]
    assert problem.startswith("other.csv: column 'Snippet' is missing (found: a, b)")


def test_more_bad_input_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "locked.pdf").write_bytes(_encrypted_pdf())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage")
    (folder / "notalist.json").write_text('{"hello": "world"}', encoding="utf-8")
    (folder / "bad.jsonl").write_text('{"text": "ok"}\n{not json}\n', encoding="utf-8")
    huge = folder / "huge.txt"
    with huge.open("wb") as handle:  # a sparse 500 MB file: never read
        handle.truncate(500 * 1024 * 1024)
    outside = tmp_path / "outside.txt"
    outside.write_text("Titre\nTexte hors du dossier.", encoding="utf-8")
    (folder / "link.txt").symlink_to(outside)
    result = collect(folder)
    problems = "\n".join(result.problems)  # type: ignore[attr-defined]
    assert "locked.pdf: the PDF is encrypted with a password" in problems
    assert "broken.pdf: " in problems
    assert "notalist.json: JSON must be a list of articles" in problems
    assert "bad.jsonl: line 2 is not JSON" in problems
    assert "huge.txt: larger than 50 MB (500 MB): not read" in problems
    assert result.articles == []  # type: ignore[attr-defined]
    assert "link.txt: not read: a link leads out of the folder" in problems


def test_latin1_text(tmp_path: Path) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "latin1.txt").write_bytes(
        "Économie\nÀ Paris, la levée de fonds a été réalisée.".encode("latin-1")
    )
    (article,) = collect(folder).articles  # type: ignore[attr-defined]
    assert article.title == "Économie" and article.text.startswith("À Paris, la levée")


def test_furniture_of_seed_003_is_left_out(seeds_dir: Path) -> None:
    result = collect(seeds_dir)
    tribune = next(a for a in result.articles if a.entry_key.startswith("003"))  # type: ignore[attr-defined]
    assert tribune.text.endswith("Message passé.")
    for furniture in [
        "Sujets les + lus",
        "Lire aussi",
        "Votre email",
        "Soyez le premier",
        "(Crédits",
    ]:
        assert furniture not in tribune.text
    original = (seeds_dir / "003_bac9d4bfc824f801.txt").read_text(encoding="utf-8")
    assert "Sujets les + lus" in original  # the file itself is never modified


def test_one_hostile_file_is_one_note_and_the_others_are_stored(tmp_path: Path) -> None:
    # A loop of links made the whole source fail (RuntimeError), and so did a JSON export
    # nested 100,000 deep (RecursionError), on every run.
    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "good.txt").write_text("Titre\nMistral AI recrute à Paris.", encoding="utf-8")
    (folder / "loop-a.txt").symlink_to(folder / "loop-b.txt")
    (folder / "loop-b.txt").symlink_to(folder / "loop-a.txt")
    (folder / "nested.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    deep = {"text": "Un texte.", "extra": {}}
    inner = deep["extra"]
    for _ in range(40):  # readable by Python, deeper than any export needs
        inner["next"] = {}
        inner = inner["next"]
    (folder / "deep.json").write_text(json.dumps([deep]), encoding="utf-8")
    result = collect(folder)
    assert result.status == "ok"  # type: ignore[attr-defined]
    assert [a.entry_key for a in result.articles] == ["good.txt"]  # type: ignore[attr-defined]
    problems = "\n".join(result.problems)  # type: ignore[attr-defined]
    assert "loop-a.txt: not read: the link loops or leads nowhere" in problems
    assert "nested.json: the file nests JSON more than 32 levels deep: not read" in problems
    assert "deep.json: the file nests JSON more than 32 levels deep" in problems


def test_a_reader_crash_in_one_file_is_one_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import collectors.files as files

    def explode(data: bytes, suffix: str) -> list[files.Fields]:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setitem(files.SINGLE_READERS, ".md", explode)
    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "good.txt").write_text("Titre\nMistral AI recrute.", encoding="utf-8")
    (folder / "bad.md").write_text("# Titre\nTexte.", encoding="utf-8")
    result = collect(folder)
    assert [a.entry_key for a in result.articles] == ["good.txt"]  # type: ignore[attr-defined]
    assert result.problems == [  # type: ignore[attr-defined]
        "bad.md: cannot be read (RecursionError: maximum recursion depth exceeded): "
        "skipped, the other files are collected"
    ]


BILLION_LAUGHS = """title: &a0 "lol"
l1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]
l2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]
l3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]
l4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]
l5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]
l6: &a6 [*a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5]
l7: &a7 [*a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6]
l8: &a8 [*a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7, *a7]
notes: *a8
"""


def test_yaml_aliases_are_refused_in_front_matter_and_sidecars(tmp_path: Path) -> None:
    # 1 KB of aliases; each level multiplies by ten. The title must never expand.
    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "front.md").write_text(
        "---\n" + BILLION_LAUGHS + "---\nLe corps du texte sur Mistral AI.", encoding="utf-8"
    )
    (folder / "side.txt").write_text("Titre\nLe texte sur Mistral AI.", encoding="utf-8")
    (folder / "side.meta.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    (folder / "short.txt").write_text("Titre\nLe texte.", encoding="utf-8")
    (folder / "short.meta.yaml").write_text("outlet: &o Le Journal\nauthor: *o\n", encoding="utf-8")
    (folder / "good.txt").write_text("Titre\nMistral AI recrute.", encoding="utf-8")
    result = collect(folder)
    assert [a.entry_key for a in result.articles] == ["good.txt"]  # type: ignore[attr-defined]
    problems = "\n".join(result.problems)  # type: ignore[attr-defined]
    assert "front.md: its front matter uses a YAML alias (*a0, line 2)" in problems
    assert "side.txt: its metadata file side.meta.yaml uses a YAML alias (*a0, line 2)" in problems
    assert "short.txt: its metadata file short.meta.yaml uses a YAML alias (*o, line 2)" in problems
    assert "write the value out" in problems


def test_a_linked_folder_leading_outside_stores_nothing_from_outside(tmp_path: Path) -> None:
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.txt").write_text("Titre\nNe doit pas sortir.", encoding="utf-8")
    folder = tmp_path / "clips"
    (folder / "inside").mkdir(parents=True)
    (folder / "inside" / "ok.txt").write_text("Titre\nMistral AI recrute.", encoding="utf-8")
    (folder / "linked").symlink_to(outside, target_is_directory=True)
    (folder / "alias").symlink_to(folder / "inside", target_is_directory=True)
    result = collect(folder, glob="*/*.txt")
    keys = sorted(a.entry_key for a in result.articles)  # type: ignore[attr-defined]
    assert keys == ["alias/ok.txt", "inside/ok.txt"]  # a link inside the folder is followed
    problems = "\n".join(result.problems)  # type: ignore[attr-defined]
    assert "linked/secret.txt: not read: a link leads out of the folder" in problems
    assert all("Ne doit pas sortir" not in a.text for a in result.articles)  # type: ignore[attr-defined]


def test_a_file_over_the_limit_is_refused_and_a_large_one_read_whole(tmp_path: Path) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    line = "Mistral AI a presente un modele de langage a Paris, mardi matin.\n"
    # cp1252, whose first accented letter lies past the start that the encoding is
    # guessed from: the guess looks where the text stops being UTF-8.
    big = ("Titre\n" + line * 12_000 + "Dernière ligne à lire, l’été.").encode("cp1252")
    (folder / "big.txt").write_bytes(big)
    (folder / "over.txt").write_bytes(b"Titre\n" + b"x" * (2 * 1024 * 1024))
    result = collect(folder, max_file_mb=1)
    assert result.problems == [  # type: ignore[attr-defined]
        "over.txt: larger than 1 MB (2 MB): not read; raise max_file_mb for this source "
        "if it is really an article"
    ]
    (article,) = result.articles  # type: ignore[attr-defined]
    assert article.title == "Titre" and article.text.endswith("Dernière ligne à lire, l’été.")
    assert article.text.count("\n") == 12_000
