"""Every config key and every command-line command and option is documented (datasette's
habit): a key added to presswatch/config.py or a command added to the CLI without a word in
README.md or docs/*.md fails here, naming it."""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from pathlib import Path

import click
from pydantic import BaseModel

from presswatch.cli import main
from presswatch.config import Config

ROOT = Path(__file__).resolve().parent.parent
# Options every command takes, documented once above the table of commands.
COMMON_OPTIONS = {"--config", "--db", "--help"}


def documentation() -> str:
    """The README and the pages of docs/, as one text."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(page.read_text(encoding="utf-8") for page in pages)


def models_in(annotation: object) -> Iterator[type[BaseModel]]:
    """The pydantic models an annotation holds (list[X], X | None, a union of sources)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for argument in typing.get_args(annotation):
        yield from models_in(argument)


def config_keys(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Every key a config.yaml may hold, as its dotted path (list items have no index)."""
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        yield path
        for nested in models_in(field.annotation):
            yield from config_keys(nested, f"{path}.")


def is_documented_key(path: str, text: str) -> bool:
    """Whether the docs name the key: its dotted path, or its own name in `code` or as a
    YAML key of an example."""
    key = re.escape(path.rsplit(".", 1)[-1])
    return (
        path in text
        or re.search(rf"`[^`\n]*\b{key}\b[^`\n]*`", text) is not None
        or re.search(rf"^\s*(- )?{key}:", text, re.MULTILINE) is not None
    )


def test_the_walk_finds_nested_keys_of_every_kind() -> None:
    keys = set(config_keys(Config))
    # Nested models, a list of models, a union of source kinds, an optional model.
    assert {"dashboard.auth.editors", "companies.aliases.within", "sources.editions"} <= keys
    assert "alerts.email.smtp_port" in keys and "tone.backend" in keys
    assert not is_documented_key("alerts.email.smtp_port", "The `smtp_host` and port.")
    assert is_documented_key("alerts.email.smtp_port", "email:\n    smtp_port: 587\n")


def test_every_config_key_is_documented() -> None:
    text = documentation()
    missing = [key for key in sorted(set(config_keys(Config))) if not is_documented_key(key, text)]
    assert not missing, "config keys no page documents (README.md, docs/*.md): " + ", ".join(
        missing
    )


def test_every_command_and_option_is_documented() -> None:
    text = documentation()
    missing = []
    for option in (o for p in main.params for o in p.opts if o.startswith("--")):
        if option not in COMMON_OPTIONS and not re.search(rf"{re.escape(option)}\b", text):
            missing.append(f"presswatch {option}")
    for name, command in sorted(main.commands.items()):
        if f"presswatch {name}" not in text:
            missing.append(f"presswatch {name}")
        for parameter in command.params:
            if isinstance(parameter, click.Option):
                for option in parameter.opts:
                    wanted = option.startswith("--") and option not in COMMON_OPTIONS
                    if wanted and not re.search(rf"{re.escape(option)}\b", text):
                        missing.append(f"presswatch {name} {option}")
    assert not missing, "commands and options no page documents: " + ", ".join(missing)
