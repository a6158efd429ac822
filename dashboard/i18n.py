"""The dashboard in English or French: config's interface_language, else the system locale."""

from __future__ import annotations

import locale
import os

from presswatch.config import Config

# English text -> French. Text not listed shows in English (never a blank label).
FRENCH: dict[str, str] = {
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
    "Net tone": "Tonalité nette",
    "Top outlet": "Premier média",
    "Share of voice": "Part de voix",
    "Share of voice of": "Part de voix de",
    "vs previous period": "par rapport à la période précédente",
    "Mentions per": "Mentions par",
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
    "Articles by their tone towards each company; a person's correction wins.": (
        "Articles selon leur tonalité envers chaque entreprise ; une correction humaine l'emporte."
    ),
}


def interface_language(config: Config) -> str:
    """'fr' or 'en': the config's interface_language, else the system locale."""
    if config.interface_language:
        return config.interface_language
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    code = locale.getlocale()[0] or ""
    return "fr" if code.lower().startswith("fr") else "en"


def translate(text: str, language: str) -> str:
    """The text in the interface language (English when no translation is known)."""
    return FRENCH.get(text, text) if language == "fr" else text
