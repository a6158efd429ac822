"""The CSV through a real spreadsheet: LibreOffice headless converts it to xlsx."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from presswatch.export import write_csv
from tests.processes import find_soffice

# Without LibreOffice these tests are skipped saying how to install it, and fail under
# CI=true (tests/conftest.py); each starts LibreOffice: slow.
pytestmark = [pytest.mark.spreadsheet, pytest.mark.slow]
SOFFICE = find_soffice()

ROWS = pd.DataFrame(
    {
        "title": [
            '=HYPERLINK("http://x.invalid","clic")',
            "L’IA « souveraine » : Zoé à Paris; ça marche",
        ],
        "outlet": ["@Le Monde", "Les Échos"],
        "mention_count": [3, 12],
        "note": ["+33 1 23 45 67 89", "-5% pour Mistral AI"],
    }
)


def to_xlsx(source: Path, separator: str, folder: Path, language: str = "") -> None:
    """Open a UTF-8 CSV (separator as a character code) in LibreOffice and save it as xlsx;
    ``language``: the import's locale and special numbers' detection (the CSV filter's
    sixth to eighth options), e.g. "1036,false,true" for French (France)."""
    assert SOFFICE is not None, "CI must install LibreOffice"
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{folder}/lo-profile",
            f"--infilter=CSV:{separator},34,76,1" + (f",,{language}" if language else ""),
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_libreoffice_reads_accents_and_runs_no_formula(tmp_path: Path, delimiter: str) -> None:
    # openpyxl takes 0.45 s to import: only the tests that read LibreOffice's files need it.
    from openpyxl import load_workbook

    assert SOFFICE is not None, "CI must install LibreOffice"
    source = tmp_path / "export.csv"
    with source.open("wb") as sink:
        rows = ROWS.itertuples(index=False, name=None)
        write_csv(list(ROWS.columns), rows, sink, delimiter=delimiter)
    separator = "44" if delimiter == "," else "59"
    to_xlsx(source, separator, tmp_path)
    sheet = load_workbook(tmp_path / "export.xlsx").active
    assert sheet is not None
    cells = [[cell for cell in row] for row in sheet.iter_rows(min_row=2, max_row=3)]
    assert all(cell.data_type != "f" for row in cells for cell in row)  # no formula anywhere
    values = [[cell.value for cell in row] for row in cells]
    assert values[1][0] == "L’IA « souveraine » : Zoé à Paris; ça marche"
    assert values[1][1] == "Les Échos"
    assert str(values[0][0]).endswith('=HYPERLINK("http://x.invalid","clic")')
    assert values[0][2] == 3 and values[1][2] == 12  # numbers stay numbers


def test_the_check_can_fail_an_unprotected_cell_is_a_formula(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    assert SOFFICE is not None, "CI must install LibreOffice"
    source = tmp_path / "raw.csv"
    source.write_text("a,b\n=1+1,x\n", encoding="utf-8")
    to_xlsx(source, "44", tmp_path)
    sheet = load_workbook(tmp_path / "raw.xlsx").active
    assert sheet is not None and sheet["A2"].data_type == "f"


# One (article, company) row of the articles export, as export_rows gives it.
ARTICLE_ROW = {
    "date": "2024-03-05",
    "date_precision": "day",
    "date_source": "feed",
    "first_seen": "2024-03-05T14:00:00Z",
    "outlet": "Les Échos",
    "title": "-5 % pour Mistral AI ; la levée de fonds est bouclée",
    "url": "https://example.test/a",
    "company": "Mistral AI",
    "role": "tracked",
    "mention_count": 3,
    "prominence": "lead",
    "tone": "positive",
    "tone_score": 0.361,
    "tone_by": "model",
    "evidence_sentence": "Mistral AI lève des fonds.",
    "topics": "funding",
    "language": "fr",
    "author": None,
    "story_id": 1,
    "pickups": 0,
    "article_id": "a1",
}


# A French-locale LibreOffice: with special numbers detected (the import dialog's
# option), and without (its default).
FRENCH_IMPORTS = ["1036,false,true", "1036,false,false"]


@pytest.mark.parametrize("language", FRENCH_IMPORTS)
def test_a_french_libreoffice_reads_the_french_mode_as_numbers_and_dates(
    tmp_path: Path, language: str
) -> None:
    """The French spreadsheet mode in LibreOffice with a French locale: scores are
    numbers (an average can be taken), days are dates (moments too, with special numbers
    detected), the headers and words are French; the English mode's "0.361" stays text
    there, which is why the French mode exists."""
    from openpyxl import load_workbook

    from presswatch.export import ARTICLE_COMPANY_COLUMNS, spreadsheet_columns, spreadsheet_rows

    rows = [
        tuple({**ARTICLE_ROW, "tone_score": score}[c] for c in ARTICLE_COMPANY_COLUMNS)
        for score in (0.361, -0.25, 0.5)
    ]
    sheets = {}
    for locale in ("fr", "en"):
        source = tmp_path / f"{locale}.csv"
        with source.open("wb") as sink:
            write_csv(
                spreadsheet_columns(ARTICLE_COMPANY_COLUMNS, locale),
                spreadsheet_rows(ARTICLE_COMPANY_COLUMNS, rows, locale),
                sink,
                delimiter=";",
            )
        to_xlsx(source, "59", tmp_path, language)
        sheet = load_workbook(tmp_path / f"{locale}.xlsx").active
        assert sheet is not None
        sheets[locale] = [[cell for cell in row] for row in sheet.iter_rows()]
    header, *cells = sheets["fr"]
    names = [cell.value for cell in header]
    assert names[:2] == ["date", "précision_date"] and "score_tonalité" in names
    scores = [row[names.index("score_tonalité")] for row in cells]
    assert [cell.data_type for cell in scores] == ["n", "n", "n"]
    assert sum(cell.value for cell in scores) / 3 == pytest.approx((0.361 - 0.25 + 0.5) / 3)
    assert all(isinstance(row[0].value, datetime) for row in cells)  # the day
    seen = [row[names.index("vu_le_utc")].value for row in cells]
    if language.endswith("true"):
        assert seen == [datetime(2024, 3, 5, 14, 0)] * 3
    assert {row[names.index("tonalité")].value for row in cells} == {"positive"}
    assert {row[names.index("rôle")].value for row in cells} == {"suivie"}
    assert all(cell.data_type != "f" for row in cells for cell in row)
    # The check can fail: in English mode, a French spreadsheet keeps "0.361" as text.
    english_header, *english = sheets["en"]
    column = [cell.value for cell in english_header].index("tone_score")
    assert any(row[column].data_type == "s" for row in english)
