"""The overview grouped by the database equals the overview computed in pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from presswatch import overview
from presswatch.store import Store
from tests import oracle
from tests.oracle import Frames
from tests.test_store_aggregates import FILTERS

TRACKED = ["Mistral AI"]


def _same(left: pd.DataFrame, right: pd.DataFrame, keys: list[str], name: str) -> None:
    if left.empty and right.empty:
        return
    pd.testing.assert_frame_equal(
        left.sort_values(keys).reset_index(drop=True),
        right.sort_values(keys).reset_index(drop=True),
        check_dtype=False,
        obj=name,
    )


# Two tracked companies: the tone card and the top outlet count each article once, an
# article naming both being one article.
BOTH_TRACKED = ["Mistral AI", "OpenAI"]


@pytest.mark.parametrize("tracked", [TRACKED, BOTH_TRACKED], ids=["one", "two"])
def test_both_ways_give_the_same_overview(generated: Store, tracked: list[str]) -> None:
    store = generated
    store.add_correction("a2", "positive", "Camille", company="Mistral AI")
    everything = Frames.from_store(store)
    spiked = 0
    overlapped = 0
    in_both = 0
    for filters in FILTERS:
        name = str(filters.as_dict())
        expected = oracle.overview(everything, filters, tracked)
        got = overview.build_overview(store, filters, tracked)
        assert got.frequency == expected.frequency, name
        assert got.undated == expected.undated, name
        assert got.titles == expected.titles, name
        _same(got.timeline, expected.timeline, ["period", "company"], name)
        _same(got.tone_timeline, expected.tone_timeline, ["period", "company"], name)
        _same(got.unplaced, expected.unplaced, ["reason"], name)
        _same(got.outlets, expected.outlets, ["articles", "outlet"], name)
        columns = ["company", "day", "mentions", "articles", "article_ids"]
        left = got.spikes[columns].assign(article_ids=got.spikes["article_ids"].map(sorted))
        right = expected.spikes[columns].assign(
            article_ids=expected.spikes["article_ids"].map(sorted)
        )
        _same(left, right, ["day", "company"], name)
        spiked += len(got.spikes)
        periods = [(got.current, expected.current)]
        if expected.previous is not None:
            assert got.previous is not None
            periods.append((got.previous, expected.previous))
        else:
            assert got.previous is None
        for mine, theirs in periods:
            assert (mine.articles, mine.mentions) == (theirs.articles, theirs.mentions), name
            _same(mine.share, theirs.share, ["company"], name)
            _same(mine.tones, theirs.tones, ["company", "tone"], name)
            assert mine.tone_counts(tracked) == theirs.tone_counts(tracked), name
            assert mine.tone_in_both(tracked) == theirs.tone_in_both(tracked), name
            in_both += mine.tone_in_both(tracked)
            own = mine.tones[mine.tones["company"].isin(tracked)]
            # An article with a tone towards both: fewer articles than company rows.
            overlapped += int(own["articles"].sum()) > mine.tone_counts(tracked)[2]
            for by in ("articles", "stories", "mentions"):
                assert mine.share_of(tracked, by) == theirs.share_of(tracked, by)
    assert spiked > 0  # the comparison covered spikes and their articles
    assert (overlapped > 0) == (len(tracked) > 1)
    # Positive towards one tracked company and negative towards the other: counted.
    assert (in_both > 0) == (len(tracked) > 1)


def _tones(positive: int, neutral: int, negative: int) -> overview.PeriodFigures:
    tones = pd.DataFrame(
        {
            "company": ["Mistral AI"] * 3,
            "tone": ["positive", "neutral", "negative"],
            "articles": [positive, neutral, negative],
        }
    )
    share = pd.DataFrame(columns=["company"])
    return overview.PeriodFigures(articles=0, mentions=0, share=share, tones=tones)


def test_the_tone_card_changes_against_the_previous_period() -> None:
    now, before = _tones(6, 2, 2), _tones(2, 4, 4)  # 60% positive against 20%
    assert now.positive_change(before, TRACKED) == 40.0
    assert now.positive_change(None, TRACKED) is None
    # Too few articles with a tone for a share, in either period: no change is given.
    assert now.positive_change(_tones(1, 1, 0), TRACKED) is None
    assert _tones(1, 0, 0).positive_change(now, TRACKED) is None
