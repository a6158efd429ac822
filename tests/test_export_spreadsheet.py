"""The CSV through a real spreadsheet: LibreOffice headless converts it to xlsx."""

from __future__ import annotations

import subprocess
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


def to_xlsx(source: Path, separator: str, folder: Path) -> None:
    """Open a UTF-8 CSV (separator as a character code) in LibreOffice and save it as xlsx."""
    assert SOFFICE is not None, "CI must install LibreOffice"
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{folder}/lo-profile",
            f"--infilter=CSV:{separator},34,76,1",
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
