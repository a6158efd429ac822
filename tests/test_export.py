"""CSV export: formulas neutralized, BOM and delimiters, round trip through pandas."""

from __future__ import annotations

import csv as csv_module
import hashlib
import io
import json
from datetime import UTC, datetime

import pandas as pd
import pytest
from click.testing import CliRunner

from presswatch.cli import main
from presswatch.export import format_date, neutralize_cell, write_csv
from presswatch.store import Store


def to_csv_bytes(frame: pd.DataFrame, *, delimiter: str = ",", bom: bool = True) -> bytes:
    sink = io.BytesIO()
    # pandas holds a missing text as NaN: the export's rows hold None.
    rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
    write_csv(list(frame.columns), rows, sink, delimiter=delimiter, bom=bom)
    return sink.getvalue()


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        "+33 1 23",
        "-2",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "\nx",
        # Fullwidth and small forms, which spreadsheets may fold to = + - @.
        '＝HYPERLINK("http://evil.test")',
        "＋1",
        "－1",
        "＠SUM(A1)",
        "﹦1",
        # Behind a space, a right-to-left override or a zero-width space.
        " =1+1",
        "\u202e=1+1",
        "\u200b@SUM(A1)",
        "|cmd",
    ],
)
def test_cells_that_would_be_formulas_are_neutralized(value: str) -> None:
    assert neutralize_cell(value) == "'" + value


def test_plain_cells_are_untouched() -> None:
    assert neutralize_cell("Mistral AI lève 600 M€") == "Mistral AI lève 600 M€"
    assert neutralize_cell(3) == 3


def test_every_written_cell_that_a_spreadsheet_would_run_is_neutralized() -> None:
    hostile = ["＝1+1", "\u202e=cmd|' /C calc'!A0", " -2+3", "Mistral AI – 600 M€"]
    frame = pd.DataFrame({"title": hostile})
    back = pd.read_csv(io.BytesIO(to_csv_bytes(frame)), encoding="utf-8-sig")
    assert back["title"].tolist() == ["'" + v for v in hostile[:3]] + [hostile[3]]


def test_csv_round_trips_with_accents_and_no_formula() -> None:
    frame = pd.DataFrame(
        {
            "title": ['=HYPERLINK("http://x.invalid")', "L’IA « souveraine », à Paris; vite"],
            "mention_count": [1, 2],
            "author": [None, "Zoé"],
        }
    )
    for delimiter in (",", ";"):
        data = to_csv_bytes(frame, delimiter=delimiter)
        assert data.startswith(b"\xef\xbb\xbf")
        back = pd.read_csv(
            io.BytesIO(data), sep=delimiter, encoding="utf-8-sig", keep_default_na=False
        )
        assert back["title"].tolist() == [
            '\'=HYPERLINK("http://x.invalid")',
            "L’IA « souveraine », à Paris; vite",
        ]
        assert back["author"].tolist() == ["", "Zoé"]
    assert not to_csv_bytes(frame, bom=False).startswith(b"\xef\xbb\xbf")


def test_dates_show_only_what_is_known() -> None:
    when = datetime(2024, 3, 19, 15, 4, 5, tzinfo=UTC)
    assert format_date(when, "month") == "2024-03"
    assert format_date(when, "year") == "2024"
    assert format_date(when, "day") == "2024-03-19"
    assert format_date(when, "datetime") == "2024-03-19T15:04:05Z"
    assert format_date(None, None) == ""


def test_every_level_and_the_manifest(tmp_path, write_config, seeds_dir) -> None:  # type: ignore[no-untyped-def]

    config = write_config(
        sources=[
            {"name": "Seeds", "kind": "files", "path": "seeds"},
            {"name": "Down", "kind": "rss", "url": "http://127.0.0.1:9/feed.xml"},
        ],
        topics={"funding": ["levée de fonds"]},
    )
    runner = CliRunner()
    args = ["--config", str(config.path)]
    runner.invoke(main, ["collect", *args])
    expected_columns = {
        "articles": "tone_score",
        "mentions": "spokesperson",
        "stories": "pickups",
        "daily": "net_tone",
    }
    for level, column in expected_columns.items():
        out = tmp_path / f"{level}.csv"
        result = runner.invoke(main, ["export", *args, "--out", str(out), "--level", level])
        assert result.exit_code == 0, result.output
        header = next(csv_module.reader(out.open(encoding="utf-8-sig")))
        assert column in header, (level, header)
    mentions = list(csv_module.DictReader((tmp_path / "mentions.csv").open(encoding="utf-8-sig")))
    assert {m["spokesperson"] for m in mentions} == {"yes", "no"}
    assert any(m["alias"] == "Arthur Mensch" and m["spokesperson"] == "yes" for m in mentions)

    out = tmp_path / "period.csv"
    result = runner.invoke(
        main,
        [
            "export",
            *args,
            "--out",
            str(out),
            "--from",
            "2024-03-01",
            "--to",
            "2024-03-31",
            "--company",
            "OpenAI",
            "--delimiter",
            ";",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "1 undated article is outside any period" in result.output
    manifest = json.loads((tmp_path / "period.manifest.json").read_text(encoding="utf-8"))
    assert manifest["csv_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert (
        manifest["filters"]["companies"] == ["OpenAI"]
        and manifest["filters"]["start"] == "2024-03-01"
    )
    assert manifest["config_sha256"] == config.sha256 and manifest["rows"] == 1
    down = next(s for s in manifest["sources"] if s["name"] == "Down")
    assert down["error"] and down["coverage_gaps"] == []  # it failed today, not in March 2024
    runner.invoke(main, ["export", *args, "--out", str(out)])
    manifest = json.loads((tmp_path / "period.manifest.json").read_text(encoding="utf-8"))
    down = next(s for s in manifest["sources"] if s["name"] == "Down")
    assert down["coverage_gaps"][0]["failures"] == 1 and down["coverage_gaps"][0]["end"] is None
    bad = runner.invoke(main, ["export", *args, "--out", str(out), "--from", "March"])
    assert bad.exit_code == 2 and "not a date" in bad.output


def test_a_mention_correction_wins_in_the_mentions_export(
    tmp_path, write_config, seeds_dir
) -> None:  # type: ignore[no-untyped-def]

    config = write_config(sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}])
    runner = CliRunner()
    args = ["--config", str(config.path)]
    runner.invoke(main, ["collect", *args])
    out = tmp_path / "m.csv"
    runner.invoke(main, ["export", *args, "--out", str(out), "--level", "mentions"])
    rows = list(csv_module.DictReader(out.open(encoding="utf-8-sig")))
    target = next(r for r in rows if r["company"] == "Aleph Alpha")
    assert target["tone"] == "negative"
    with Store(f"sqlite:///{tmp_path / 'data' / 'test.db'}") as store:
        mention = store.mentions_frame().query("company == 'Aleph Alpha'").iloc[0]
    place = f"{mention['field']}:{mention['start']}"
    result = runner.invoke(
        main,
        ["set-tone", *args, target["article_id"], "neutral", "--mention", place, "--by", "claire"],
    )
    assert result.exit_code == 0, result.output
    runner.invoke(main, ["export", *args, "--out", str(out), "--level", "mentions"])
    rows = list(csv_module.DictReader(out.open(encoding="utf-8-sig")))
    fixed = next(r for r in rows if r["company"] == "Aleph Alpha")
    assert fixed["tone"] == "neutral" and fixed["tone_by"] == "person"
    # Every other tone names the model that gave it, as the manifest does.
    manifest = json.loads(out.with_name("m.manifest.json").read_text(encoding="utf-8"))
    assert manifest["tone_model"].startswith("press ")
    others = {r["tone_by"] for r in rows if r is not fixed and r["tone"]}
    assert others == {manifest["tone_model"]}


def test_the_manifest_carries_each_companys_precision_and_wrong_mentions_leave_the_csv(
    tmp_path, write_config, seeds_dir
) -> None:  # type: ignore[no-untyped-def]
    from presswatch.models import MentionKey

    config = write_config(sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}])
    runner = CliRunner()
    args = ["--config", str(config.path)]
    runner.invoke(main, ["collect", *args])
    out = tmp_path / "m.csv"
    with Store(f"sqlite:///{tmp_path / 'data' / 'test.db'}") as store:
        mentions = store.mentions_frame().query("company == 'Mistral AI'").to_dict("records")
        keys = [
            MentionKey(m["article_id"], m["company"], m["field"], int(m["start"]), m["matched"])
            for m in mentions[:5]
        ]
        for n, key in enumerate(keys):
            when = datetime(2026, 11, 20 + n, 9, tzinfo=UTC)
            store.mark_mention(key, "wrong" if n == 0 else "right", "Léa", at=when)
    result = runner.invoke(main, ["export", *args, "--out", str(out), "--level", "mentions"])
    assert result.exit_code == 0, result.output
    rows = list(csv_module.DictReader(out.open(encoding="utf-8-sig")))
    assert sum(r["company"] == "Mistral AI" for r in rows) == len(mentions) - 1
    manifest = json.loads((tmp_path / "m.manifest.json").read_text(encoding="utf-8"))
    precision = {p["company"]: p for p in manifest["mention_precision"]}
    assert list(precision) == [c.name for c in config.companies]
    assert precision["Mistral AI"] == {
        "company": "Mistral AI",
        "precision": 0.8,
        "interval_95": [0.3755, 0.9638],
        "reviewed": 5,
        "right": 4,
        "last_review": "2026-11-24T09:00:00+00:00",
    }
    assert precision["OpenAI"]["precision"] is None and precision["OpenAI"]["reviewed"] == 0


def test_the_french_spreadsheet_mode_writes_figures_a_french_spreadsheet_reads(
    tmp_path, write_config, seeds_dir
) -> None:  # type: ignore[no-untyped-def]
    """--locale fr: ';', French headers and words, decimal commas, moments without the ISO
    'T' and 'Z' (a French LibreOffice reads them as dates), formulas still neutralized."""
    config = write_config(sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}])
    runner = CliRunner()
    args = ["--config", str(config.path)]
    runner.invoke(main, ["collect", *args])
    english, french = tmp_path / "en.csv", tmp_path / "fr.csv"
    runner.invoke(main, ["export", *args, "--out", str(english)])
    result = runner.invoke(main, ["export", *args, "--out", str(french), "--locale", "fr"])
    assert result.exit_code == 0, result.output
    before = list(csv_module.DictReader(english.open(encoding="utf-8-sig")))
    after = list(csv_module.DictReader(french.open(encoding="utf-8-sig"), delimiter=";"))
    assert len(after) == len(before) > 0
    assert list(after[0])[:6] == [
        "date",
        "précision_date",
        "origine_date",
        "vu_le_utc",
        "média",
        "titre",
    ]
    for old, new in zip(before, after, strict=True):
        if old["tone_score"]:
            assert new["score_tonalité"] == old["tone_score"].replace(".", ",")
            assert "." not in new["score_tonalité"]
        assert new["vu_le_utc"] == old["first_seen"].replace("T", " ").removesuffix("Z")
        assert new["rôle"] == {"tracked": "suivie", "competitor": "concurrent"}[old["role"]]
        assert (
            new["tonalité"]
            == {
                "": "",
                "positive": "positive",
                "neutral": "neutre",
                "negative": "négative",
            }[old["tone"]]
        )
    assert any("," in row["score_tonalité"] for row in after)
    manifest = json.loads((tmp_path / "fr.manifest.json").read_text(encoding="utf-8"))
    assert manifest["spreadsheet_locale"] == "fr"


def test_french_cells_keep_formula_neutralization_and_words() -> None:
    from presswatch.export import spreadsheet_columns, spreadsheet_rows

    columns = ["title", "tone_score", "first_seen", "spokesperson", "net_tone", "mention_count"]
    rows = [("=1+1", 0.361, "2024-03-05T14:00:00Z", "yes", -0.25, 3)]
    written = list(spreadsheet_rows(columns, rows, "fr"))
    assert written == [("=1+1", "0,361", "2024-03-05 14:00:00", "oui", "-0,25", 3)]
    sink = io.BytesIO()
    write_csv(spreadsheet_columns(columns, "fr"), written, sink, delimiter=";")
    text = sink.getvalue().decode("utf-8-sig")
    # The formula is neutralized, the negative number the export wrote is not (it would
    # become text); the same text from the data is.
    assert text.splitlines()[1] == "'=1+1;0,361;2024-03-05 14:00:00;oui;-0,25;3"
    sink = io.BytesIO()
    write_csv(["a"], [("-0,25",)], sink, delimiter=";")
    assert sink.getvalue().decode("utf-8-sig").splitlines()[1] == "'-0,25"
    with pytest.raises(ValueError, match="unknown spreadsheet locale 'de': use one of en, fr"):
        list(spreadsheet_rows(columns, rows, "de"))
