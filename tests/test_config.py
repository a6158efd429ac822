"""Config validation: the shipped config is valid; every problem is reported at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from presswatch import config as config_module
from presswatch.cli import main
from presswatch.config import (
    Config,
    database_url,
    load_config,
    parse_config,
    parse_duration,
    read_yaml,
)
from presswatch.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_config_is_valid_and_complete() -> None:
    config = load_config(ROOT / "config.yaml")
    names = [c.name for c in config.companies]
    assert [c.name for c in config.tracked] == ["Mistral AI"]
    for competitor in ["OpenAI", "Anthropic", "Google DeepMind", "Meta AI", "Aleph Alpha"]:
        assert competitor in names
    feeds = [s for s in config.sources if s.kind == "rss"]
    assert 6 <= len(feeds) <= 10
    assert any(s.kind == "files" and s.path.rstrip("/") == "seeds" for s in config.sources)
    for topic in ["funding", "partnerships", "open source", "talent and hiring"]:
        assert config.topics[topic]


def test_every_problem_is_reported_at_once_with_its_path() -> None:
    raw = {
        "databse": "x.db",
        "companies": [
            {"name": "Mistral AI", "role": "tracked", "aliases": "Mistral"},
            {"name": "OpenAI", "role": "rival"},
            {"name": "OpenAI"},
        ],
        "sources": [
            {"name": "Feed", "kind": "rss", "url": "lemonde.fr/rss"},
            {"name": "Feed", "kind": "rss", "url": "https://example.com/rss", "every": "soon"},
            {"name": "Other", "kind": "ftp"},
        ],
    }
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, "config.yaml")
    problems = caught.value.problems
    text = "\n".join(problems)
    assert "databse: unknown key; did you mean 'database'?" in text
    assert "companies[0] (Mistral AI).aliases: " in text
    assert "companies[1] (OpenAI).role: must be 'tracked' or 'competitor'" in text
    assert "sources[0] (Feed).url: 'lemonde.fr/rss' is not a feed address" in text
    assert "sources[1] (Feed).every: 'soon' is not a duration" in text
    assert "sources[2] (Other).kind: unknown source kind" in text
    assert "companies: the name 'OpenAI' is used 2 times" in text
    assert "sources: the name 'Feed' is used 2 times" in text
    assert len(problems) >= 8


def test_an_alias_may_belong_to_one_company_only() -> None:
    raw = {
        "companies": [
            {"name": "Mistral AI", "role": "tracked", "aliases": ["Le Chat"]},
            {"name": "Other", "aliases": ["le chat"]},
        ]
    }
    with pytest.raises(ConfigError, match="'le chat' also belongs to 'Mistral AI'"):
        parse_config(raw)


def test_a_tracked_company_is_required() -> None:
    with pytest.raises(ConfigError, match="no company has role: tracked"):
        parse_config({"companies": [{"name": "OpenAI"}]})


def test_yaml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("companies:\n  - name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 3"):
        load_config(path)


# YAML 1.1's traps, each read by libyaml as by PyYAML's own loader: booleans and nulls
# spelled as words, sexagesimal and octal numbers, dates, anchors, merges, quoting, a tag.
TRICKY_YAML = """
flags: [yes, No, on, OFF, ~, null, ""]
numbers: [010, 0o10, 0x1F, 1_000, 1:30, .5, -.inf, 1e3]
when: [2026-12-04, 2026-12-04 01:30:00, "2026-12-04"]
base: &base {name: Mistral AI, aliases: [Le Chat]}
copy: {<<: *base, role: tracked}
text: |
  Première ligne, « guillemets »
    indentée
folded: >-
  un
  deux
set: !!set {a, b}
empty:
"""


def test_the_fast_yaml_reader_reads_what_pyyaml_reads() -> None:
    """The config is read by libyaml (PyYAML's wheels ship it): the same values as the
    pure-Python SafeLoader, for the shipped config and YAML's ambiguous spellings."""
    assert config_module._FAST_LOADER is yaml.CSafeLoader
    for text in ((ROOT / "config.yaml").read_text(encoding="utf-8"), TRICKY_YAML):
        assert read_yaml(text) == yaml.safe_load(text)


def test_a_refused_document_is_worded_from_pyyamls_own_error(tmp_path: Path) -> None:
    """libyaml counts a bad character's position in bytes, PyYAML in characters: the error
    comes from the pure-Python loader, so the column is right after accented letters."""
    path = tmp_path / "config.yaml"
    path.write_text("companies:\n  - name: Société générale\x07\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 2, column 27: a control character"):
        load_config(path)


@pytest.mark.parametrize("text", ["a: 1\t\n", "a:\t1\n", "a: 1 \t# c\n", "- x\t\n"])
def test_a_tab_is_judged_as_pyyaml_judges_it(text: str) -> None:
    """libyaml accepts these tabs, the pure-Python loader refuses them: the config reader
    gives PyYAML's verdict, so a config is valid or not whichever PyYAML a machine has."""
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load(text)
    assert yaml.load(text, Loader=yaml.CSafeLoader) is not None  # the divergence
    with pytest.raises(yaml.YAMLError):
        read_yaml(text)


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found; pass --config PATH"):
        load_config(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("1h30m", timedelta(minutes=90)),
        ("2d", timedelta(days=2)),
        (45, timedelta(seconds=45)),
        ("90", timedelta(seconds=90)),
    ],
)
def test_durations(text: object, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["0m", "-5m", "half an hour", "5x", True])
def test_bad_durations(text: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_database_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    (folder / "config.yaml").write_text(
        "database: store/pw.db\ncompanies:\n  - {name: Mistral AI, role: tracked}\n",
        encoding="utf-8",
    )
    config = load_config(folder / "config.yaml")
    monkeypatch.delenv("PRESSWATCH_DB", raising=False)
    assert database_url(config) == f"sqlite:///{folder / 'store' / 'pw.db'}"
    monkeypatch.setenv("PRESSWATCH_DB", "postgresql+psycopg://u@127.0.0.1/pw")
    assert database_url(config) == "postgresql+psycopg://u@127.0.0.1/pw"
    assert database_url(config, "/tmp/other.db") == "sqlite:////tmp/other.db"


def test_check_config_command(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["check-config", "--config", str(ROOT / "config.yaml")])
    assert ok.exit_code == 0, ok.output
    assert "valid: 6 companies (tracked: Mistral AI)" in ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("companies:\n  - {name: X, role: boss}\nsources: 3\n", encoding="utf-8")
    result = runner.invoke(main, ["check-config", "--config", str(bad)])
    assert result.exit_code == 2
    assert "companies[0] (X).role" in result.output
    assert "sources: " in result.output


def test_names_longer_than_the_store_keeps_are_refused(
    write_config: Callable[..., Config],
) -> None:
    with pytest.raises(ConfigError, match="at most 200 characters"):
        write_config(sources=[{"name": "x" * 201, "kind": "rss", "url": "http://127.0.0.1/feed"}])


def test_a_config_written_for_the_pandas_engine_still_loads() -> None:
    """`aggregate_in_database_above` chose an engine per view; there is one engine now, and
    configs that set it keep loading."""
    config = parse_config(
        {"companies": [{"name": "Mistral AI", "role": "tracked"}], "aggregate_in_database_above": 0}
    )
    assert config.aggregate_in_database_above == 0
    with pytest.raises(ConfigError, match="aggregate_in_database_above"):
        parse_config(
            {
                "companies": [{"name": "Mistral AI", "role": "tracked"}],
                "aggregate_in_database_above": -1,
            }
        )


def test_the_time_zone_is_an_iana_name_and_a_wrong_one_says_how_to_fix_it() -> None:
    companies = [{"name": "Mistral AI", "role": "tracked"}]
    assert parse_config({"companies": companies, "timezone": "Europe/Paris"}).timezone == (
        "Europe/Paris"
    )
    assert parse_config({"companies": companies}).timezone is None
    with pytest.raises(ConfigError, match=r"unknown time zone 'Paris'.*Europe/Paris"):
        parse_config({"companies": companies, "timezone": "Paris"})
