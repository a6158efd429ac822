"""The collector registry: every kind of source config.yaml accepts has its collector."""

from __future__ import annotations

import typing

import pytest

from collectors.files import collect_folder
from collectors.news import collect_news
from collectors.registry import COLLECTORS, collector_for
from collectors.rss import collect_feed
from presswatch.config import FilesSourceConfig, NewsSourceConfig, RssSourceConfig


def test_every_source_kind_of_the_config_has_its_collector() -> None:
    kinds = {
        typing.get_args(model.model_fields["kind"].annotation)[0]
        for model in (FilesSourceConfig, NewsSourceConfig, RssSourceConfig)
    }
    assert kinds == set(COLLECTORS)
    assert collector_for("files") is collect_folder
    assert collector_for("news") is collect_news
    assert collector_for("rss") is collect_feed


def test_an_unknown_kind_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="no collector for sources of kind 'ftp'"):
        collector_for("ftp")
