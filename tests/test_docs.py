"""Every config key and every command-line command and option is documented (datasette's
habit): a key added to presswatch/config.py or a command added to the CLI without a word in
README.md or docs/*.md fails here, naming it. Every relative link and image of those pages
leads to a file that exists, and every #anchor to one of its headings; every module and test
they name exists, and their config examples load."""

from __future__ import annotations

import itertools
import re
import typing
from collections.abc import Iterator
from pathlib import Path

import click
from markdown_it import MarkdownIt
from markdown_it.token import Token
from pydantic import BaseModel

from presswatch.cli import main
from presswatch.config import Config, load_config

ROOT = Path(__file__).resolve().parent.parent
# Options every command takes, documented once above the table of commands.
COMMON_OPTIONS = {"--config", "--db", "--help"}


def pages() -> list[Path]:
    """The README and the pages of docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def documentation() -> str:
    """The README and the pages of docs/, as one text."""
    return "\n".join(page.read_text(encoding="utf-8") for page in pages())


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


def walk(tokens: list[Token]) -> Iterator[Token]:
    """Every token of a parsed page, the inline ones (links, images) included."""
    for token in tokens:
        yield token
        if token.children:
            yield from walk(token.children)


def targets(text: str) -> list[str]:
    """Where the page's links and images lead, as written."""
    found = []
    for token in walk(MarkdownIt().parse(text)):
        target = token.attrGet("href") if token.type == "link_open" else token.attrGet("src")
        if token.type in ("link_open", "image") and isinstance(target, str):
            found.append(target)
    return found


def anchors(text: str) -> set[str]:
    """The #anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces
    as hyphens, a repeated one numbered."""
    tokens = MarkdownIt().parse(text)
    found: set[str] = set()
    for opening, inline in itertools.pairwise(tokens):
        if opening.type == "heading_open":
            slug = re.sub(r"[^\w\- ]", "", inline.content.strip().lower()).replace(" ", "-")
            numbered, count = slug, 0
            while numbered in found:
                count += 1
                numbered = f"{slug}-{count}"
            found.add(numbered)
    return found


def broken_links(page: Path) -> list[str]:
    """The relative links and images of a page that lead nowhere, each with the reason."""
    broken = []
    for target in targets(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto: leave the repo
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{page.name}: {target} (no such file)")
        elif (
            anchor
            and file.suffix == ".md"
            and anchor not in anchors(file.read_text(encoding="utf-8"))
        ):
            broken.append(f"{page.name}: {target} (no heading #{anchor})")
    return broken


def test_the_link_check_sees_links_images_and_anchors(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    (tmp_path / "shot.png").write_bytes(b"png")
    page.write_text(
        "# Quick start\n\n## Running, unattended!\n\n![a shot](shot.png) "
        "[ok](#running-unattended) [gone](missing.md) ![lost](lost.png) "
        "[bad anchor](page.md#test) [out](https://example.com/x.md)\n",
        encoding="utf-8",
    )
    assert anchors(page.read_text(encoding="utf-8")) == {"quick-start", "running-unattended"}
    assert broken_links(page) == [
        "page.md: missing.md (no such file)",
        "page.md: lost.png (no such file)",
        "page.md: page.md#test (no heading #test)",
    ]


def test_every_relative_link_and_image_leads_somewhere() -> None:
    broken = [problem for page in pages() for problem in broken_links(page)]
    assert not broken, "links of README.md and docs/*.md that lead nowhere: " + "; ".join(broken)


def yaml_examples(text: str) -> list[str]:
    """The ```yaml blocks of a page that are whole configs (they name the companies)."""
    blocks = [t.content for t in MarkdownIt().parse(text) if t.type == "fence" and t.info == "yaml"]
    return [block for block in blocks if block.startswith("companies:")]


def test_the_config_examples_are_valid_configs(tmp_path: Path) -> None:
    # The quick start's example is what a newcomer copies first: it must load as written.
    examples = {
        page.name: yaml_examples(page.read_text(encoding="utf-8"))
        for page in (ROOT / "README.md", ROOT / "docs" / "configuration.md")
    }
    assert all(examples.values()), f"a page lost its config example: {examples}"
    for name, blocks in examples.items():
        for number, block in enumerate(blocks):
            path = tmp_path / f"{name}-{number}.yaml"
            path.write_text(block, encoding="utf-8")
            config = load_config(path)
            assert any(c.role == "tracked" for c in config.companies), name
            assert config.sources, name


# Paths the pages name in the repository's own folders (not /srv/presswatch/...), and tests
# named as file::function.
NAMED_PATH = re.compile(
    r"(?<![\w/.-])(?:presswatch|collectors|dashboard|bench|tests|training)/[\w/]+\.\w+"
)
NAMED_TEST = re.compile(r"\b(test_\w+\.py)::(test_\w+)")


def test_every_module_and_test_the_pages_name_exists() -> None:
    text = documentation()
    missing = [path for path in set(NAMED_PATH.findall(text)) if not (ROOT / path).exists()]
    for module, function in set(NAMED_TEST.findall(text)):
        source = ROOT / "tests" / module
        if not source.exists() or f"def {function}(" not in source.read_text(encoding="utf-8"):
            missing.append(f"tests/{module}::{function}")
    assert not missing, "README.md and docs/*.md name what does not exist: " + ", ".join(
        sorted(missing)
    )
