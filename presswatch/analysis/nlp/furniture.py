"""Page furniture in pasted articles: links to other stories, photo credits, comment forms.

Texts pasted from a web page carry the page around the article: "Lire aussi" links to other
stories (which name companies too, and would inflate counts), photo captions with credits,
"most read" boxes and comment forms. They are kept out of the analysed text.
"""

from __future__ import annotations

import re

from presswatch.analysis.nlp.text import fold

# A line that is furniture wherever it stands (matched on folded text: no accents, lower).
_FURNITURE_LINES = [
    # Pasted links often lose their space: "Lire aussiL'heure de gloire..."
    r"(a )?lire aussi.*",
    r"(a )?voir aussi.*",
    r"sur le meme sujet\b.*",
    r"read (more|also)\b.*",
    r"related( articles?| stories)?\s*:.*",
    r"see also\b.*",
    r"(photo|image|illustration|credits?)\s*:.*",
    r"publicite|advertisement|sponsored|contenu sponsorise",
    r"(partager|share)( (sur|this|on)\b.*)?",
    r"(abonnez-vous|s'abonner|inscrivez-vous|subscribe)\b.*",
    r"(suivez-nous|follow us)\b.*",
    r"newsletter\b.{0,80}",
    r"[|\-–—•·*]+",
]
# A photo caption ends with its credit: "... (Crédits : FM pour La Tribune)".
_CREDIT_SUFFIX = re.compile(r"\s*\((credits?|photo|copyright|©)\s*:?[^)]*\)\s*$")
# From a line like these on, the rest of the page is furniture (only in the second half of
# the text, so that an article quoting such words early is never cut).
_CUT_MARKERS = [
    r"sujets les \+ (lus|commentes)",
    r"les (articles )?plus (lus|partages|commentes)\b.*",
    r"commentaires?\s*\d*",
    r"(\d+ )?comments?\s*(\(\d+\))?",
    r"votre (e-?mail|adresse( e-?mail)?) ne sera pas (affiche|publie)e?.*",
    r"soyez le premier a (donner votre avis|commenter|reagir).*",
    r"il n'y a (actuellement )?aucun commentaire.*",
    r"(leave a (comment|reply)|your email address will not be published).*",
    r"most (read|popular|viewed)\b.*",
]
_FURNITURE = re.compile("|".join(f"(?:{p})" for p in _FURNITURE_LINES))
_CUT = re.compile("|".join(f"(?:{p})" for p in _CUT_MARKERS))


def strip_furniture(text: str) -> tuple[str, list[str]]:
    """The article text without page furniture, and the lines removed (for the record)."""
    lines = text.split("\n")
    # Folding keeps every character in place, so the folded text splits into the same lines.
    folded_lines = fold(text).split("\n")
    folded = [line.strip().rstrip(".!: ") for line in folded_lines]
    total = sum(len(line) for line in lines) or 1
    seen = 0
    cut_at = len(lines)
    for index, line in enumerate(folded):
        if seen > total / 2 and line and _CUT.fullmatch(line):
            cut_at = index
            break
        seen += len(lines[index])
    kept: list[str] = []
    removed: list[str] = [line for line in lines[cut_at:] if line.strip()]
    for index in range(cut_at):
        line, plain = lines[index], folded[index]
        if plain and _FURNITURE.fullmatch(plain):
            removed.append(line)
            continue
        credit = _CREDIT_SUFFIX.search(folded_lines[index])  # same offsets as the line
        if credit:
            removed.append(line)
            caption = line[: credit.start()].strip()
            # The caption often stands twice: once as the image's text, once with its credit.
            if kept and kept[-1].strip() == caption:
                removed.append(kept.pop())
            continue
        kept.append(line)
    cleaned = "\n".join(kept).strip()
    cleaned = re.sub(r"\n{3,}", "\n\n", cleaned)
    return cleaned, removed
