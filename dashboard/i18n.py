"""The dashboard in English or French: config's interface_language, else the system locale."""

from __future__ import annotations

from functools import cache

from presswatch.formatting import french_typography

# English text -> French. Text not listed shows in English (never a blank label).
FRENCH: dict[str, str] = {
    "Sign-in is on (dashboard.auth.mode: oidc) but .streamlit/secrets.toml has no [auth] "
    "section: add the provider's client there (see the README's Security section), then "
    "restart the dashboard.": (
        "La connexion est activée (dashboard.auth.mode : oidc) mais .streamlit/secrets.toml "
        "n'a pas de section [auth] : ajoutez-y le client du fournisseur (voir la section "
        "Security du README), puis relancez le tableau de bord."
    ),
    "Sign in to read this dashboard.": "Connectez-vous pour lire ce tableau de bord.",
    "Sign in": "Se connecter",
    "Sign out": "Se déconnecter",
    "Signed in as {user}": "Connecté en tant que {user}",
    "Sign-in is on (dashboard.auth.mode: proxy) but the request has no {header} header: "
    "open the dashboard through the sign-in proxy.": (
        "La connexion est activée (dashboard.auth.mode : proxy) mais la requête n'a pas "
        "d'en-tête {header} : ouvrez le tableau de bord par le proxy de connexion."
    ),
    "{user} may not read this dashboard: ask whoever runs it to add you under "
    "dashboard.auth.readers in config.yaml.": (
        "{user} n'a pas accès à ce tableau de bord : demandez à qui l'administre de vous "
        "ajouter sous dashboard.auth.readers dans config.yaml."
    ),
    "Only the editors named in dashboard.auth.editors may correct a tone or mark a mention.": (
        "Seuls les éditeurs nommés sous dashboard.auth.editors peuvent corriger une "
        "tonalité ou marquer une mention."
    ),
    "Filters": "Filtres",
    "Period": "Période",
    "All time": "Depuis le début",
    "Last 7 days": "7 derniers jours",
    "Last 30 days": "30 derniers jours",
    "Last 90 days": "90 derniers jours",
    "Custom": "Personnalisée",
    "From, to": "Du, au",
    "Companies": "Entreprises",
    "All companies when none is chosen.": "Toutes les entreprises si aucune n'est choisie.",
    "Outlets": "Médias",
    "Languages": "Langues",
    "Tone": "Tonalité",
    "Topics": "Thèmes",
    "Overview": "Vue d'ensemble",
    "Coverage": "Retombées",
    "Sources": "Sources",
    "Export": "Export",
    "Articles": "Articles",
    "Mentions": "Mentions",
    "Top outlet": "Premier média",
    "Share of voice": "Part de voix",
    "vs previous period": "par rapport à la période précédente",
    "day": "jour",
    "week": "semaine",
    "month": "mois",
    "year": "année",
    "Topics per company": "Thèmes par entreprise",
    "Emerging terms": "Termes émergents",
    "Top outlets": "Principaux médias",
    "Top authors": "Principaux auteurs",
    "Prominence": "Visibilité",
    "Coverage gaps": "Trous de collecte",
    "Read an article": "Lire un article",
    "Save the correction": "Enregistrer la correction",
    "Your name": "Votre nom",
    "Company": "Entreprise",
    "Prepare the CSV": "Préparer le CSV",
    "Building the CSV…": "Construction du CSV…",
    "Prepared at {time} UTC, with these filters.": "Préparé à {time} UTC, avec ces filtres.",
    "Download the CSV": "Télécharger le CSV",
    "Download its manifest": "Télécharger son manifeste",
    "One row per": "Une ligne par",
    "Delimiter": "Séparateur",
    "No articles yet: run `presswatch collect` (or `presswatch run`), then reload this page.": (
        "Aucun article pour l'instant : lancez `presswatch collect` (ou `presswatch run`), "
        "puis rechargez la page."
    ),
    "No mentions of the chosen companies with these filters: widen the period or the filters.": (
        "Aucune mention des entreprises choisies avec ces filtres : élargissez la période "
        "ou les filtres."
    ),
    "Address or folder": "Adresse ou dossier",
    "Author": "Auteur",
    "Body": "Corps",
    "Collector health per source and coverage gaps, when a source was failing.": "État de la collecte par source, et les trous de collecte quand une source échouait.",
    "Copies of one story (wire copy, one piece under several URLs) count once.": "Les copies d'une même histoire (dépêche, un article sous plusieurs adresses) comptent une fois.",
    "Copies of this story in this view (same story, other outlets)": "Copies de cette histoire dans cette vue (même histoire, autres médias)",
    "Correct a tone: a person's label always wins over the model.": "Corriger une tonalité : le choix d'une personne l'emporte toujours sur le modèle.",
    "Corrected by": "Corrigé par",
    "Date": "Date",
    "Disabled because": "Désactivée parce que",
    "Error": "Erreur",
    "Evidence sentence": "Phrase justificative",
    "Failed collections": "Collectes échouées",
    "Failing or disabled": "En échec ou désactivées",
    "Failures in a row": "Échecs consécutifs",
    "First copy's title": "Titre de la première copie",
    "From": "Du",
    "Give your name: each correction is kept with who made it.": "Indiquez votre nom : chaque correction est conservée avec son auteur.",
    "Health": "État",
    "Key figures against the previous period, mentions over time with spikes, tone and share of voice.": "Chiffres clés par rapport à la période précédente, mentions dans le temps avec les pics, tonalité et part de voix.",
    "Kind": "Type",
    "Language": "Langue",
    "Last attempt": "Dernière tentative",
    "Last error": "Dernière erreur",
    "Last success": "Dernier succès",
    "Lead": "Chapeau",
    "Mentions per {period}": "Mentions par {period}",
    "Next due": "Prochaine collecte",
    "No articles mention the chosen companies with these filters: run `presswatch collect`, or widen the filters.": "Aucun article ne mentionne les entreprises choisies avec ces filtres : lancez `presswatch collect`, ou élargissez les filtres.",
    "No coverage gap: every source has been collected since its first run.": "Aucun trou de collecte : chaque source a été collectée depuis sa première collecte.",
    "No mentions with these filters: widen the period or the filters.": "Aucune mention avec ces filtres : élargissez la période ou les filtres.",
    "No source collected yet: run `presswatch collect` (or `presswatch run`).": "Aucune source collectée pour l'instant : lancez `presswatch collect` (ou `presswatch run`).",
    "No topic found yet: add keywords under `topics` in config.yaml, then run `presswatch reanalyze`.": "Aucun thème trouvé pour l'instant : ajoutez des mots-clés sous `topics` dans config.yaml, puis lancez `presswatch reanalyze`.",
    "None of these articles has a date precise enough to place on a chart.": "Aucun de ces articles n'a une date assez précise pour figurer sur un graphique.",
    "Not on this chart: {notes}; listed on the Coverage page.": "Absents de ce graphique : {notes} ; listés sur la page Retombées.",
    "Outlet": "Média",
    "Period before": "Période précédente",
    "Periods when a source was failing: a dip in coverage then says nothing about the press.": "Périodes où une source échouait : une baisse des retombées n'y dit rien de la presse.",
    "Pickups": "Reprises",
    "Republished copies of one story count once": "Les copies republiées d'une histoire comptent une fois",
    "Republished stories ({count})": "Histoires reprises ({count})",
    "Rise (z)": "Hausse (z)",
    "Score": "Score",
    "Share of mentions": "Part des mentions",
    "Share of stories": "Part des sujets distincts",
    "Source": "Source",
    "Term": "Terme",
    "The CSV of the current filters for spreadsheets, with its manifest.": "Le CSV des filtres en cours pour les tableurs, avec son manifeste.",
    "The CSV opens right in Excel and LibreOffice (UTF-8 with BOM); choose ';' for French spreadsheets. The manifest records the filters, the config's hash, the sources and their coverage gaps, the row count and the CSV's SHA-256.": "Le CSV s'ouvre correctement dans Excel et LibreOffice (UTF-8 avec BOM) ; choisissez « ; » pour les tableurs français. Le manifeste consigne les filtres, l'empreinte de la configuration, les sources et leurs trous de collecte, le nombre de lignes et le SHA-256 du CSV.",
    "The articles, and each one's source text with the mentions highlighted.": "Les articles, et le texte source de chacun avec les mentions surlignées.",
    "Themes per company over time, and the terms that rose in recent coverage.": "Les thèmes par entreprise dans le temps, et les termes en hausse dans les retombées récentes.",
    "This article is no longer in the database: reload the page.": "Cet article n'est plus dans la base : rechargez la page.",
    "This period": "Cette période",
    "Title": "Titre",
    "To (empty: still failing)": "Au (vide : échoue encore)",
    "Tone of {company} set to {label}.": "Tonalité envers {company} fixée à « {label} ».",
    "Top outlets and authors per company, and where in the article they appear.": "Principaux médias et auteurs par entreprise, et où les mentions apparaissent dans l'article.",
    "Topic": "Thème",
    "Themes per company and {period}": "Thèmes par entreprise et par {period}",
    "The sentences behind a bar:": "Les phrases derrière une barre :",
    "Key messages": "Messages clés",
    "The share of each company's articles carrying a message of config.yaml, in a sentence naming the company.": "La part des articles de chaque entreprise qui portent un message de config.yaml, dans une phrase qui nomme l'entreprise.",
    "No key message found in the articles of this view.": "Aucun message clé dans les articles de cette vue.",
    "Message": "Message",
    "Of": "Sur",
    "Share (%)": "Part (%)",
    "Evidence sentence (names the company)": "Phrase justificative (nomme l'entreprise)",
    "Found by": "Trouvé par",
    "Weight": "Poids",
    "Undated articles ({count}): outside any period, listed here": "Articles non datés ({count}) : hors de toute période, listés ici",
    "Tone model: {model}.": "Modèle de tonalité : {model}.",
    "Articles still being analysed: {count} (in no figure yet).": "Articles encore en cours d’analyse : {count} (dans aucun chiffre pour l’instant).",
    "Articles in other languages ({count}): stored and listed, in no figure": "Articles dans d’autres langues ({count}) : conservés et listés, hors de tout chiffre",
    "They name a company but are in none of the configured languages: no share of voice, tone or alert counts them.": "Ils citent une entreprise mais ne sont dans aucune des langues configurées : ni la part de voix, ni la tonalité, ni les alertes ne les comptent.",
    "Unique stories": "Sujets distincts",
    "Where the mentions stand: in the title, the lead (first paragraph) or the body.": "Où se trouvent les mentions : dans le titre, le chapeau (premier paragraphe) ou le corps.",
    "Words and phrases that rose most in articles about {companies}: {first} to {last} ({current} articles) against the {days} days before ({previous} articles). Ranked by articles, each outlet's weight capped; a row lists the articles it counts.": "Mots et expressions les plus en hausse dans les articles sur {companies} : du {first} au {last} ({current} articles) par rapport aux {days} jours précédents ({previous} articles). Classés en articles, le poids de chaque média plafonné ; une ligne liste les articles qu'elle compte.",
    "{count} undated (outside any period)": "{count} non daté(s) (hors de toute période)",
    "{error}\n\nCheck the database, then reload this page.": "{error}\n\nVérifiez la base de données, puis rechargez la page.",
    "{error}\n\nFix the configuration, then reload this page.": "{error}\n\nCorrigez la configuration, puis rechargez la page.",
    "(untitled)": "(sans titre)",
    "(unknown outlet)": "(média inconnu)",
    "n/a": "n.d.",
    "Choose options": "Choisir",
    "unknown": "inconnu",
    "Outlet: {outlet}": "Média : {outlet}",
    "Date: {date}": "Date : {date}",
    "Date: {date} ({origin})": "Date : {date} ({origin})",
    "first seen {date}": "vu le {date}",
    "Date: unknown, first seen {when}": "Date : inconnue, vu pour la première fois le {when}",
    "from the feed": "donnée par le flux",
    "from the page's metadata": "tirée des métadonnées de la page",
    "from the file's metadata": "tirée des métadonnées du fichier",
    "from the exported file": "tirée du fichier exporté",
    "Language: {language}": "Langue : {language}",
    "URL: {url}": "URL : {url}",
    "Mentions: {counts}": "Mentions : {counts}",
    "Overall tone: {label} ({score})": "Tonalité d'ensemble : {label} ({score})",
    "Topics: {topics}": "Thèmes : {topics}",
    "{rows} rows · filters: {filters}": "{rows} lignes · filtres : {filters}",
    "The first {count} rows:": "Les {count} premières lignes :",
    "Terms from the newest {count} articles of each period.": (
        "Termes tirés des {count} articles les plus récents de chaque période."
    ),
    "Spike": "Pic",
    "mentions": "mentions",
    "spike": "pic",
    "{source} failing": "{source} en échec",
    "undated": "non datés",
    "(undated)": "(non daté)",
    "Search": "Recherche",
    "Articles this source has found, all time": (
        "Articles trouvés par cette source, depuis le début"
    ),
    "Each company's tone, in the order of the companies": (
        "La tonalité envers chaque entreprise, dans l'ordre des entreprises"
    ),
    "Search the titles and texts": "Chercher dans les titres et les textes",
    'levée de fonds, "l’IA générative", Mistral -OpenAI': (
        'levée de fonds, "l’IA générative", Mistral -OpenAI'
    ),
    "Every word must appear, in any case and with or without accents; "
    '"quotes" find an exact phrase; -word leaves out the articles that have it; '
    "word* finds the words that start with it.": (
        "Chaque mot doit apparaître, en majuscules ou en minuscules, avec ou sans "
        "accents ; des « guillemets » trouvent une expression exacte ; -mot écarte les "
        "articles qui le contiennent ; mot* trouve les mots qui commencent ainsi."
    ),
    "This search only leaves words out: add a word to find, for example Mistral -OpenAI.": (
        "Cette recherche ne fait qu'écarter des mots : ajoutez un mot à trouver, par "
        "exemple Mistral -OpenAI."
    ),
    "No article of this view matches the search: check the spelling, remove a word, "
    "or widen the filters.": (
        "Aucun article de cette vue ne correspond à la recherche : vérifiez "
        "l'orthographe, retirez un mot ou élargissez les filtres."
    ),
    "Articles that match the search: {total}": (
        "Articles qui correspondent à la recherche : {total}"
    ),
    "Find the republished stories": "Chercher les histoires reprises",
    "The {shown} collected last:": "Les {shown} derniers collectés :",
    "The newest {shown} of {total} articles: narrow the period or the filters to "
    "list the others.": "Les {shown} plus récents des {total} articles : resserrez la "
    "période ou les filtres pour voir les autres.",
    "known to the month": "datés au mois près",
    "known to the year": "datés à l'année près",
    "positive": "positive",
    "neutral": "neutre",
    "negative": "négative",
    "Articles by tone": "Articles par tonalité",
    "Precision (reviewed)": "Précision (vérifiée)",
    "Precision (reviewed) of {companies}": "Précision (vérifiée) de {companies}",
    "Precision of {company}: {estimate}": "Précision de {company} : {estimate}",
    "not reviewed": "non vérifiée",
    "reviewed": "vérifiées",
    "The share of the company's mentions that are really about it, from the mentions people reviewed (Coverage page, or presswatch review): the estimate, its 95% interval, how many were reviewed and the last review. Mentions marked wrong count in no figure.": (
        "La part des mentions de l'entreprise qui la concernent vraiment, estimée sur les "
        "mentions vérifiées (page Retombées, ou presswatch review) : l'estimation, son "
        "intervalle à 95 %, le nombre de mentions vérifiées et la dernière vérification. "
        "Les mentions marquées fausses ne comptent dans aucun chiffre."
    ),
    "Review the mentions of a company": "Vérifier les mentions d'une entreprise",
    "Draw another sample": "Tirer un autre échantillon",
    "Every mention of {company} has been reviewed.": (
        "Toutes les mentions de {company} ont été vérifiées."
    ),
    "Is {company} meant? Each answer is saved at once (a new one replaces it).": (
        "S'agit-il bien de {company} ? Chaque réponse est enregistrée aussitôt (une nouvelle "
        "la remplace)."
    ),
    "Right": "Juste",
    "Wrong": "Fausse",
    "right": "juste",
    "wrong": "fausse",
    "Remove the mark": "Retirer la marque",
    "Marked {verdict}.": "Marquée « {verdict} ».",
    "Give your name: each mark is kept with who made it.": (
        "Indiquez votre nom : chaque marque est conservée avec son auteur."
    ),
    # Figures that do not mislead: share of voice by articles first, tone as shares with
    # their counts.
    "Share of voice (articles) of {companies}": "Part de voix (articles) de {companies}",
    "By articles; by unique stories: {stories}%; by mentions: {mentions}%": (
        "En articles ; en sujets distincts : {stories} % ; en mentions : {mentions} %"
    ),
    "Share of voice by articles": "Part de voix en articles",
    "Share of voice (%)": "Part de voix (%)",
    "By articles": "En articles",
    "By unique stories": "En sujets distincts",
    "By mentions": "En mentions",
    "{count} of {total} articles": "{count} sur {total} articles",
    "{count} of {total} unique stories": "{count} sur {total} sujets distincts",
    "{count} of {total} mentions": "{count} sur {total} mentions",
    "By articles, the headline: an article counts once however often it names the "
    "company. By unique stories, republished copies count once; by mentions, every "
    "naming counts.": (
        "En articles, le chiffre de référence : un article compte une fois, quel que soit le "
        "nombre de fois où il nomme l'entreprise. En sujets distincts, les reprises d'un même "
        "sujet comptent une fois ; en mentions, chaque citation compte."
    ),
    "Positive / negative": "Positifs / négatifs",
    "{positive}% / {negative}%": "{positive} % / {negative} %",
    "Too few": "Trop peu",
    "Too few articles": "Trop peu d'articles",
    "{positive} positive and {negative} negative of {total} articles with a tone towards "
    "the tracked company (a share needs at least {minimum})": (
        "{positive} positifs et {negative} négatifs sur {total} articles ayant une tonalité "
        "envers l'entreprise suivie (une part demande au moins {minimum} articles)"
    ),
    "{positive} positive and {negative} negative of {total} articles with a tone towards "
    "{companies}, each article once (articles positive towards one and negative "
    "towards another, counted in both: {both}; a share needs at least {minimum})": (
        "{positive} positifs et {negative} négatifs sur {total} articles ayant une tonalité "
        "envers {companies}, chaque article une fois (articles positifs envers l'une et "
        "négatifs envers une autre, comptés dans les deux : {both} ; une part demande au "
        "moins {minimum} articles)"
    ),
    "{articles} about {companies}, each article once: the most of any known outlet": (
        "{articles} sur {companies}, chaque article une fois : le plus de tous les médias connus"
    ),
    "Too few articles for a share: {count} (at least {minimum})": (
        "Trop peu d'articles pour une part : {count} (au moins {minimum})"
    ),
    "Articles by their tone towards each company; per {period}, the share of positive "
    "(up) and negative (down) articles with their count; a {period} with fewer than "
    "{minimum} articles is marked too few, not given a share. A person's correction "
    "wins.": (
        "Articles selon leur tonalité envers chaque entreprise ; par {period}, la part "
        "d'articles positifs (en haut) et négatifs (en bas) avec leur nombre ; une période de "
        "moins de {minimum} articles est marquée « trop peu », sans part. Une correction "
        "humaine l'emporte."
    ),
    "Too few articles in this period for emerging terms ({count}; at least {least}): with "
    "a handful of articles, a shared phrase is chance, not news.": (
        "Trop peu d'articles sur cette période pour des termes émergents ({count} ; il en "
        "faut au moins {least}) : sur une poignée d'articles, une expression partagée tient "
        "du hasard, pas de l'actualité."
    ),
    "No term rose in this period against the one before.": (
        "Aucun terme n'a progressé sur cette période par rapport à la précédente."
    ),
    "Report": "Rapport",
    "Choose a period in the sidebar to make its report.": (
        "Choisissez une période dans la barre latérale pour en faire le rapport."
    ),
    "The report of {period} for the chosen companies, as `presswatch report` makes it: key "
    "figures against the previous period, share of voice, tone, outlets, themes, top "
    "articles and what the figures rest on. Outlet, language, tone and theme filters do not "
    "apply to it.": (
        "Le rapport de {period} pour les entreprises choisies, tel que `presswatch report` le "
        "fait : chiffres clés face à la période précédente, part de voix, tonalité, médias, "
        "thèmes, principaux articles et ce sur quoi reposent les chiffres. Les filtres de "
        "média, de langue, de tonalité et de thème ne s'y appliquent pas."
    ),
    "Format": "Format",
    "Report language": "Langue du rapport",
    "Prepare the report": "Préparer le rapport",
    "Building the report…": "Préparation du rapport…",
    "Download the report": "Télécharger le rapport",
    # Click-through from a figure to its articles, and the articles as cards.
    "Article": "Article",
    "The articles behind this figure": "Les articles derrière ce chiffre",
    "{articles}: {what}. Click elsewhere on the chart, or another bar, to change the list.": (
        "{articles} : {what}. Cliquez ailleurs sur le graphique, ou sur une autre "
        "barre, pour changer la liste."
    ),
    "article": "article",
    "articles": "articles",
    "Page (of {pages})": "Page (sur {pages})",
    "Articles {first} to {last} of {count}": "Articles {first} à {last} sur {count}",
    "{outlet} · {date}": "{outlet} · {date}",
    "{company}: {tone}": "{company} : {tone}",
    "no tone": "sans tonalité",
    "Read the full text": "Lire le texte intégral",
    "The listed articles as a table": "Les articles listés sous forme de tableau",
    "Full text": "Texte intégral",
    "Find a source": "Trouver une source",
    "A name, an address, an error": "Un nom, une adresse, une erreur",
    "Sources found: {count} of {total}": "Sources trouvées : {count} sur {total}",
    "{change} pts positive vs previous period": (
        "{change} pts de positifs par rapport à la période précédente"
    ),
    # Session 14: locale (times name their zone).
    "Prepared at {time}, with these filters.": "Préparé à {time}, avec ces filtres.",
    "disabled": "désactivée",
    "failing": "en échec",
    "Last success ({zone})": "Dernier succès ({zone})",
    "Last attempt ({zone})": "Dernière tentative ({zone})",
    "Next due ({zone})": "Prochaine collecte ({zone})",
    "From ({zone})": "Du ({zone})",
    "To ({zone}; empty: still failing)": "Au ({zone} ; vide : échoue encore)",
    "(unknown)": "(inconnu)",
    "The CSV opens right in Excel and LibreOffice (UTF-8 with BOM); in the French format "
    "a French spreadsheet reads its numbers and dates as figures. The manifest records the "
    "filters, the config's hash, the sources and their coverage gaps, the row count and "
    "the CSV's SHA-256.": (
        "Le CSV s'ouvre correctement dans Excel et LibreOffice (UTF-8 avec BOM) ; au format "
        "français, un tableur français lit ses nombres et ses dates comme des chiffres. Le "
        "manifeste consigne les filtres, l'empreinte de la configuration, les sources et "
        "leurs trous de collecte, le nombre de lignes et le SHA-256 du CSV."
    ),
    "article and company": "article et entreprise",
    "mention": "mention",
    "story and company": "sujet et entreprise",
    "day and company": "jour et entreprise",
    "Spreadsheet format": "Format du tableur",
    "French (';', decimal commas)": "Français (« ; », virgules décimales)",
    "English (',', decimal points)": "Anglais (« , », points décimaux)",
    "Period: {start} to {end}": "Période : du {start} au {end}",
    "Companies: {names}": "Entreprises : {names}",
    "Outlets: {names}": "Médias : {names}",
    "Languages: {names}": "Langues : {names}",
    "Tones: {names}": "Tonalités : {names}",
    "Topics: {names}": "Thèmes : {names}",
    "none (every article)": "aucun (tous les articles)",
    "The articles": "Les articles",
    "the articles of this view": "les articles de cette vue",
    "the articles that carry this view's mentions": (
        "les articles qui portent les mentions de cette vue"
    ),
    "mentioned in the title": "citée dans le titre",
    "mentioned in the lead": "citée dans le chapeau",
    "mentioned in the body": "citée dans le corps",
    "search: {search}": "recherche : {search}",
    "{articles}: {what}. Choose another row to change the list.": (
        "{articles} : {what}. Choisissez une autre ligne pour changer la liste."
    ),
    "{articles}: {what}. Click the button again to close the list.": (
        "{articles} : {what}. Cliquez à nouveau sur le bouton pour fermer la liste."
    ),
    "The table counts mentions; the list gives the articles that carry them (an article "
    "may carry several).": (
        "Le tableau compte des mentions ; la liste donne les articles qui les portent (un "
        "article peut en porter plusieurs)."
    ),
    "Choose a row to read its article below.": (
        "Choisissez une ligne pour lire son article plus bas."
    ),
    "the copies of the story {title}": "les reprises du sujet {title}",
    "found by {source}, all time": "trouvés par {source}, depuis le début",
    "holding the term {term} in this period": "contenant le terme {term} sur cette période",
    "The articles: {reason}": "Les articles : {reason}",
    "not on the chart, {reason}": "absents du graphique, {reason}",
}


def translate(text: str, language: str, /, **values: object) -> str:
    """The text in the interface language (English when no translation is known), its
    {placeholders} filled with ``values`` (so that French can order them its own way)."""
    # French typography (a narrow no-break space before ; : ! ?) goes on the sentence
    # before its values are filled: a value (a title, a URL) is never retouched.
    chosen = _french(text) if language == "fr" else text
    return chosen.format(**values) if values else chosen


@cache
def _french(text: str) -> str:
    """The French of an interface text, with its typography."""
    return french_typography(FRENCH.get(text, text))
