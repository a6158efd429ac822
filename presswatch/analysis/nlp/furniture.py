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
    # A feed's teaser ends with a link to the page: "Continue reading...", "Lire la suite".
    r"(continue reading|keep reading|lire la suite|la suite de l'article)\b.{0,60}",
    # A sponsor's offer: "Get 15% off your first order with code PODCAST", "code promo".
    r".*\b(promo(tional)? code|coupon code|discount code|offer code|code promo)\b.*",
    r".*(\d+ ?%|[$€£] ?\d+|\d+ ?[$€£]) off\b.{0,80}\bcode\b.*",
    # A publisher's notice: "See our disclosure policy", "Consultez notre charte".
    r"(see|read|view|consult) our\b.{0,50}\b(polic(y|ies)|terms|guidelines)\b.*",
    r"(voir|lire|consultez|lisez) (notre|nos)\b.{0,50}\b(politique|charte|conditions)\b.*",
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
    # A podcast's or a newsletter's sponsors close its notes: "Sponsored by:".
    r"(this (episode|show|podcast|week) is )?(sponsored|brought to you) by\b.{0,40}",
    r"(cet episode est )?(sponsorise|parraine) par\b.{0,40}",
    r"(our |nos )?sponsors?",
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


# --- Furniture around a mention, in any source's text (feeds, pages, files) ---------------
# A page around an article names companies as channels, not as news: "Partager sur
# Twitter", "Follow us on Telegram", "Buy on Amazon", "© 2024 Reuters", share-button CSS,
# e-mail addresses, URLs and code paths. Such a mention is page furniture wherever it
# stands; these rules look only at the words around it, so they hold for every language
# the calls to action below are written in.

# Calls to action that open a line or a sentence and name where to go: "Follow us on",
# "Suivez-nous sur", "Seguici su", "Schreibt uns per", "Síguenos en", "Buy on".
_CALL_TO_ACTION = re.compile(
    r"(?:^|[.!?:|•·>\n]\s*|\s[-–—]\s)"
    r"(?:share|partager|partagez|teilen|condividi|compartir|compartilhe|"
    r"follow|suivez|suivre|seguici|seguiteci|segui|folgt|folge|folgen|siguenos|siga|volg|"
    r"join|rejoignez|rejoindre|retrouvez|unisciti|unete|"
    r"subscribe|abonnez|abonnez-vous|abonniere|abonniert|iscriviti|suscribete|inscreva|"
    r"listen|ecoutez|ecouter|horen|ascolta|escucha|ouca|"
    r"download|telechargez|telecharger|scarica|descarga|baixe|get it|"
    r"buy|achetez|acheter|shop|kaufen|"
    r"rate us|notez-nous|bewertet|bewerte|valutaci|"
    r"contact|contactez|write to|ecrivez|schreibt|schreib|scrivici|escribenos|"
    r"like us|aimez|find us|available on the app store|available on google play)\b"
    r"[^.!?\n]{0,60}?"
    r"(?:\s|^)(?:on|sur|su|sul|auf|bei|en|in|at|via|per|chez|from|to|a|au|avec|with|"
    r"or|ou|oder|und|and|et|e|y|o)\s*$"
)
_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright|tous droits reserves|all rights reserved)")
# A line of links: "Facebook | Twitter | LinkedIn", "Twitter • Instagram • YouTube".
_LINK_SEPARATORS = re.compile(r"\s*[|•·]\s*|\s+/\s+")
_CODE_LINE = re.compile(r"[{}]|;\s*$|^\s*(?:import|from|def|function|var|const|let)\s")


def furniture_around(text: str, start: int, end: int, folded: str | None = None) -> str | None:
    """Why the words at ``text[start:end]`` are page furniture, or None when they are prose.

    The reasons: "url" (inside a web address), "e-mail", "path" (a file or code path, a
    dotted identifier such as a bundle id, a subdomain or a CSS class), "code" (a line of
    code or CSS), "link label" ("Telegram: https://..."), "call to action" (share,
    follow, subscribe, buy... on it), "copyright" (a footer) and "link list" (a line of
    links). ``folded`` is ``fold(text)`` if the caller has it.
    """
    if folded is None:
        folded = fold(text)
    token_start = start
    while token_start > 0 and not text[token_start - 1].isspace():
        token_start -= 1
    token_end = end
    while token_end < len(text) and not text[token_end].isspace():
        token_end += 1
    token = folded[token_start:token_end].strip("()[]<>\"'«»,;")
    if "://" in token or token.startswith("www."):
        return "url"
    if "@" in token and "." in token.split("@")[-1]:
        return "e-mail"
    if token.count("/") >= 2 or token.startswith(("/", "~/", "\\")) or token.count("\\") >= 2:
        return "path"
    # Dotted identifiers are written in lower case ("com.apple.dock", "support.google.com",
    # ".twitter {"); a capital after a dot is a sentence glued to the previous one. A bare
    # domain in prose ("an article from bbc.com") names the outlet: it stays a mention.
    if "/" in token and "." in token:
        return "url"
    if text[start - 1 : start] == "." and text[start:end].islower():
        return "path"
    if text[end : end + 1] == "." and text[end + 1 : end + 2].isalnum():
        bare_domain = re.fullmatch(r"[^\W_][\w-]*\.[a-z]{2,6}", token)
        if not bare_domain:
            return "path"
    line_start = folded.rfind("\n", 0, start) + 1
    line_end = folded.find("\n", end)
    line = folded[line_start : len(folded) if line_end < 0 else line_end]
    if _CODE_LINE.search(line) and ("{" in line or "}" in line or line.rstrip().endswith(";")):
        return "code"
    rest = folded[end : end + 12]
    if re.match(r"\s*:\s*(?:https?:|www\.|@\w|t\.me/)", rest):
        return "link label"  # "Telegram: https://t.me/...", "Twitter: @presswatch"
    lead = folded[max(line_start, start - 90) : start]
    if _CALL_TO_ACTION.search(lead):
        return "call to action"
    if _COPYRIGHT.search(line) and len(line) <= 200:
        return "copyright"
    if len(line) <= 160:
        items = [item for item in _LINK_SEPARATORS.split(line.strip()) if item]
        if len(items) >= 3 and all(len(item.split()) <= 4 for item in items):
            return "link list"
    return None
