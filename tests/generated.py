"""The articles many store tests share: 300 generated articles of three companies, with
the dates, outlets, authors, tones, themes and stories every figure and filter needs."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from presswatch.models import Article, CompanyTone, Mention, Topic

COMPANIES = ["Mistral AI", "OpenAI", "Aleph Alpha"]


def generated_articles(count: int = 300) -> list[Article]:
    rng = random.Random(7)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    articles = []
    for n in range(count):
        companies = rng.sample(COMPANIES, rng.randint(1, 3))
        mentions = tuple(
            Mention(
                company=c,
                alias=c,
                matched=c,
                field="title" if (n + k) % 3 == 0 else "body",
                start=10 * k,
                end=10 * k + len(c),
                sentence=f"{c} est cité.",
                prominence=("title", "lead", "body")[(n + k) % 3],
            )
            for c in companies
            for k in range(rng.randint(1, 3))
        )
        published: datetime | None = start + timedelta(hours=rng.randint(0, 900))
        precision = "datetime"
        if n % 17 == 0:  # undated: in shares of voice of "all time", never on a day
            published, precision = None, None
        elif n % 23 == 0:  # known to the month or the year: placed by overlap
            published, precision = datetime(2026, 10, 1, tzinfo=UTC), "month"
        elif n % 29 == 0:
            published, precision = datetime(2026, 1, 1, tzinfo=UTC), "year"
        elif n % 31 == 0:  # the evening before a period's first day, and its last minute
            published = datetime(2026, 10, 19 + n % 2, 23, 59, tzinfo=UTC)
        elif n % 5 == 0:  # a burst on one day: a spike
            published = datetime(2026, 10, 27, 9, tzinfo=UTC)
        articles.append(
            Article(
                id=f"a{n}",
                source="Feed",
                entry_key=str(n),
                text="…",
                title=f"Titre {n}",
                outlet=rng.choice(["Le Monde", "Les Échos", None, "L’Usine Nouvelle"]),
                author=("Zoé Martin", None, "Claire Dupont", "Claire Dupont")[n % 4],
                language=rng.choice(["fr", "en", None]),
                published=published,
                date_precision=precision,  # type: ignore[arg-type]
                story_id=f"s{n // 3}",
                mentions=mentions,
                company_tones=tuple(
                    CompanyTone(c, 0.0, rng.choice(["positive", "neutral", "negative"]), "…")
                    for c in companies
                ),
                # Themes are about one company each: the first, and the last for Modèles.
                topics=(
                    ((Topic("Funding", "levée", "…", companies[0], 2.0, 1),) if n % 4 == 0 else ())
                    + (
                        (Topic("Modèles", "modèle", "…", companies[-1], 3.0, 1),)
                        if n % 6 == 0
                        else ()
                    )
                ),
            )
        )
    return articles


def generated_companies(article_id: str) -> list[str]:
    """The companies the generated article of this id mentions, in order."""
    article = next(a for a in generated_articles() if a.id == article_id)
    return list(dict.fromkeys(m.company for m in article.mentions))
