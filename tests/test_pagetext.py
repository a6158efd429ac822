"""Article pages (saved or fetched): the lead kept first, related boxes and comments gone,
template and script pages refused. Every page here is written for the tests."""

from __future__ import annotations

from pathlib import Path

from collectors import CollectContext
from collectors.files import collect_folder
from collectors.pagetext import extract_page
from presswatch.analysis.matching import Matcher
from presswatch.config import CompanyConfig, FilesSourceConfig

BODY = (
    "Le fabricant lyonnais de capteurs Optilux a annoncé mardi l'ouverture d'une deuxième "
    "usine dans la vallée du Rhône, où deux cents personnes seront embauchées d'ici à la fin "
    "de l'année. "
)
CHAPO = (
    "Le spécialiste des capteurs optiques double sa capacité de production et recrute deux "
    "cents techniciens dans la région."
)
# The chapô stands in the article's header, outside its body; a "Lire aussi" link and a
# "Sur le même sujet" box inside the body name other companies; comments follow.
FRENCH_PAGE = f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Optilux ouvre une usine</title>
<meta property="og:site_name" content="Le Courrier des Capteurs">
<meta property="article:published_time" content="2024-03-12T08:30:00+01:00">
</head><body><nav><a href="/">Accueil</a></nav>
<article><header><h1>Optilux ouvre une deuxième usine</h1>
<div class="article-chapo">{CHAPO}</div>
<div class="byline">Par Jeanne Testeur</div></header>
<div class="article-body">
<p>{BODY * 2}</p>
<p class="inline-link">Lire aussi : <a href="/x">Novacapt rachète un concurrent allemand</a></p>
<p>{BODY}</p>
<div class="group"><h2>Sur le même sujet</h2><ul>
<li><a href="/a">Helionis lève 12 millions pour ses lasers</a></li>
<li><a href="/b">Les capteurs de Quantix testés en Bretagne</a></li></ul></div>
<p>{BODY * 2}</p>
</div></article>
<section class="comments"><h3>3 commentaires</h3>
<p>Bravo à Optilux et à Zetaware, enfin de l'emploi dans la vallée !</p></section>
<footer>Mentions légales</footer></body></html>"""

ENGLISH_BODY = (
    "Brightmill, the Leeds maker of grain sensors, said on Tuesday that it would open a "
    "second plant near Hull and hire two hundred people by the end of the year. "
)
STANDFIRST = (
    "The grain sensor maker doubles its capacity and hires two hundred technicians "
    "near Hull this year."
)
# No element names the lead: the page's description is its standfirst. A "Read more:"
# heading is followed by a list of links; an "Other Opinion Columns" group closes the page.
ENGLISH_PAGE = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Brightmill opens a plant</title>
<meta property="og:description" content="{STANDFIRST}">
</head><body><div id="story"><h1>Brightmill opens a second plant</h1>
<p>{ENGLISH_BODY * 2}</p><p>{ENGLISH_BODY}</p>
<p>Read more:</p><ul><li><a href="/c">Corvane buys a rival for 40 million</a></li>
<li><a href="/d">Why Tessaro shut its Leeds office</a></li></ul>
<p>{ENGLISH_BODY * 2}</p>
<div class="group"><div class="group-header"><h2>Other Opinion Columns</h2></div>
<div class="item"><a href="/e">Editorial: Corvane's lasting legacy</a>
<p>A teaser of another column that names Corvane and Tessaro again and again.</p></div>
<div class="item"><a href="/f">Why Tessaro matters</a><p>Another teaser, another column.</p></div>
</div></div></body></html>"""

TEMPLATE_PAGE = """<html><body><article><h1>{{ article.title }}</h1>
<p>{{ article.status === "published" ? "Contenu publié" : "Brouillon" }}</p>
<p>{{ article.author.fullName }} - {{ article.updated | date : 'dd/MM/yyyy' }}</p>
<p>Modifier la page</p></article></body></html>"""


def test_the_chapo_is_kept_first_and_the_boxes_and_comments_are_gone() -> None:
    page = extract_page(FRENCH_PAGE.encode())
    assert page.text is not None
    first, rest = page.text.split("\n", 1)
    assert first == CHAPO and page.lead_origin == "structure"
    assert BODY.strip() in rest
    for gone in ("Lire aussi", "Novacapt", "Sur le même sujet", "Helionis", "Quantix", "Zetaware"):
        assert gone not in page.text, gone
    assert page.boxes_removed >= 3
    assert (page.title, page.sitename, page.date) == (
        "Optilux ouvre une deuxième usine",
        "Le Courrier des Capteurs",
        "2024-03-12",
    )


def test_a_company_in_the_chapo_is_a_lead_mention() -> None:
    """Prominence reads the first paragraph as the lead: the chapô must be it."""
    matcher = Matcher([CompanyConfig(name="Optilux"), CompanyConfig(name="Novacapt")])
    page = FRENCH_PAGE.replace("Le spécialiste des capteurs optiques", "Optilux")
    text = extract_page(page.encode()).text
    assert text is not None
    first = [m for m in matcher.find(None, text) if m.start < len(CHAPO)]
    assert [(m.company, m.prominence) for m in first] == [("Optilux", "lead")]
    # Novacapt is named only in the "Lire aussi" link: no mention at all.
    assert "Novacapt" not in {m.company for m in matcher.find(None, text)}


def test_the_description_is_the_lead_when_no_element_names_one() -> None:
    page = extract_page(ENGLISH_PAGE.encode())
    assert page.text is not None
    assert page.text.split("\n", 1)[0] == STANDFIRST and page.lead_origin == "description"
    for gone in ("Read more", "Corvane", "Tessaro", "Other Opinion Columns", "teaser"):
        assert gone not in page.text, gone
    assert ENGLISH_BODY.strip() in page.text


def test_a_site_wide_description_is_no_lead() -> None:
    generic = ENGLISH_PAGE.replace(
        STANDFIRST, "Your daily source of regional business news, weather and sport since 1891."
    )
    page = extract_page(generic.encode())
    assert page.text is not None and page.lead is None
    assert page.text.startswith("Brightmill, the Leeds maker")


def test_a_teaser_in_a_related_box_is_no_lead() -> None:
    page = FRENCH_PAGE.replace(
        '<div class="article-chapo">', '<aside class="related"><div class="teaser-chapo">'
    ).replace('</div>\n<div class="byline">', '</div></aside>\n<div class="byline">', 1)
    extracted = extract_page(page.encode())
    assert extracted.text is not None and CHAPO not in extracted.text


def test_template_and_script_pages_are_refused_with_a_reason(tmp_path: Path) -> None:
    template = extract_page(TEMPLATE_PAGE.encode())
    assert template.text is None and "unrendered template" in template.why
    lines = "\n".join(
        f"<p>var widget{n} = document.getElementById('slot{n}'); window.render(widget{n});</p>"
        for n in range(12)
    )
    script = extract_page(f"<html><body><article>{lines}</article></body></html>".encode())
    assert script.text is None and "script code" in script.why

    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "template.html").write_text(TEMPLATE_PAGE, encoding="utf-8")
    (folder / "article.html").write_text(FRENCH_PAGE, encoding="utf-8")
    source = FilesSourceConfig(name="Pages", kind="files", path=str(folder))
    result = collect_folder(source, CollectContext(state=None, base_dir=tmp_path))
    (article,) = result.articles
    assert article.text.startswith(CHAPO) and "Helionis" not in article.text
    assert article.date_source == "page"
    assert result.problems == [
        "template.html: the page is an unrendered template ({{ }} placeholders), not an article"
    ]


def test_the_items_under_a_lire_aussi_heading_go_and_the_article_stays() -> None:
    items = "".join(
        f'<p>Revue <em>{name}</em> : <a href="/{name}">{title}</a>. Un mot sur ce numéro.</p>'
        for name, title in (("Quanta", "Novacapt et le débat"), ("Lumen", "Helionis en question"))
    )
    after = (
        f"<p>{BODY} Le détail du projet est sur <a href='/detail'>le site de la région</a>, "
        "qui en publie le calendrier complet.</p>"
    )
    page = FRENCH_PAGE.replace(
        f"<p>{BODY}</p>", f"<p>{BODY}</p><p>A lire aussi :</p>{items}{after}", 1
    )
    extracted = extract_page(page.encode())
    assert extracted.text is not None
    for gone in ("A lire aussi", "Quanta", "Novacapt", "Lumen", "Helionis"):
        assert gone not in extracted.text, gone
    assert "qui en publie le calendrier complet" in extracted.text
