"""How often people overrule the tone model, per company, from the corrections."""

from __future__ import annotations

import pandas as pd

from presswatch.analytics import correction_agreement


def test_overruled_share_per_company_counts_the_latest_correction_per_place() -> None:
    corrections = pd.DataFrame(
        [
            # a company's tone in an article: corrected twice, the latest wins (agrees)
            ("a1", "Qonto", None, None, "negative"),
            ("a1", "Qonto", None, None, "positive"),
            # one mention: overruled
            ("a2", None, "text", 10.0, "negative"),
            # another company's tone: overruled
            ("a3", "Shine", None, None, "neutral"),
            # an article's overall tone: no model label to compare with
            ("a4", None, None, None, "neutral"),
        ],
        columns=["article_id", "company", "field", "start", "label"],
    )
    tones = pd.DataFrame(
        [("a1", "Qonto", "positive"), ("a3", "Shine", "negative")],
        columns=["article_id", "company", "label"],
    )
    mentions = pd.DataFrame(
        [("a2", "text", 10, "Qonto", "neutral")],
        columns=["article_id", "field", "start", "company", "tone_label"],
    )
    table = correction_agreement(corrections, tones, mentions).set_index("company")
    assert table.loc["Qonto", "corrections"] == 2 and table.loc["Qonto", "overruled"] == 1
    assert table.loc["Shine", "overruled_share"] == 1.0
    assert list(table.index) == ["Shine", "Qonto"]  # most overruled first
    assert correction_agreement(corrections.iloc[0:0], tones, mentions).empty
