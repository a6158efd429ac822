"""The skip policy: a test whose program is missing is skipped with the one command that
installs it, and under CI=true that skip is a failure (tests/conftest.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["pytester"]
# Each test runs pytest in a subprocess.
pytestmark = pytest.mark.slow


def run_without_programs(tmp_path: Path, *, ci: bool) -> subprocess.CompletedProcess[str]:
    """Run the browser and LibreOffice tests with a PATH where neither program is found."""
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {
        name: value
        for name, value in os.environ.items()
        if name != "CI" and not name.startswith("PYTEST_")
    }
    env["PATH"] = str(empty)
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n0",
            "-p",
            "no:cacheprovider",
            "-rsfE",
            "tests/test_browser.py",
            "tests/test_export_spreadsheet.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def collected(run: subprocess.CompletedProcess[str]) -> int:
    """How many tests the run collected (every browser and LibreOffice test)."""
    found = re.search(r"collected (\d+) items", run.stdout)
    assert found is not None, run.stdout
    return int(found[1])


def test_a_missing_program_skips_naming_the_command_that_installs_it(tmp_path: Path) -> None:
    run = run_without_programs(tmp_path, ci=False)
    assert run.returncode == 0, run.stdout + run.stderr
    count = collected(run)
    assert count >= 2 and f"{count} skipped" in run.stdout, run.stdout
    assert "passed" not in run.stdout, run.stdout
    assert "chromium is not installed: `apt-get install chromium`" in run.stdout
    assert "LibreOffice is not installed: `apt-get install libreoffice-calc-nogui`" in run.stdout


def test_under_ci_a_missing_program_fails_the_run(tmp_path: Path) -> None:
    run = run_without_programs(tmp_path, ci=True)
    assert run.returncode == 1, run.stdout + run.stderr
    # The skip comes at set-up (before the test starts its processes): an error there.
    count = collected(run)
    assert count >= 2 and f"{count} errors" in run.stdout, run.stdout
    assert "skipped" not in run.stdout.splitlines()[-1], run.stdout
    assert "under CI=true a browser test must run" in run.stdout
    assert "under CI=true a spreadsheet test must run" in run.stdout
    assert "`apt-get install libreoffice-calc-nogui`" in run.stdout


POLICY_CASES = """
import pytest

@pytest.mark.postgresql
def test_needs_postgresql():
    pytest.skip("no server here")

def test_may_skip_anywhere():
    pytest.skip("not this platform")

@pytest.mark.postgresql
@pytest.mark.xfail(reason="a known bug")
def test_expected_to_fail():
    raise AssertionError
"""


@pytest.mark.parametrize(("ci", "outcomes"), [(False, {"skipped": 2}), (True, {"failed": 1})])
def test_under_ci_only_the_skip_of_a_test_ci_must_prove_fails(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    ci: bool,
    outcomes: dict[str, int],
) -> None:
    pytester.makeconftest(
        "from tests.conftest import pytest_runtest_makereport, pytest_runtest_setup\n"
    )
    pytester.makepyfile(test_cases=POLICY_CASES)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    if ci:
        monkeypatch.setenv("CI", "true")
    else:
        monkeypatch.delenv("CI", raising=False)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist")
    expected = {"xfailed": 1, **outcomes}
    if ci:
        expected["skipped"] = 1  # the test CI need not prove still just skips
    result.assert_outcomes(**expected)


def test_auto_starts_one_and_a_half_workers_a_core() -> None:
    from tests.conftest import auto_workers

    assert [auto_workers(cores) for cores in (1, 2, 3, 4, 8)] == [2, 3, 5, 6, 12]
