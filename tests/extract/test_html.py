"""HTML extraction on small hand-written pages."""

from __future__ import annotations

from datetime import date

from storyline.extract.html import EXTRACTOR, extract_html

BODY = (
    "<p>LISBON, March 4 (Reuters) - The city council approved a plan on Monday to plant "
    "two thousand trees along the river before the summer, officials said.</p>"
    "<p>The project will be paid for by a mix of municipal funds and a grant from the "
    "national government, according to the council's published budget.</p>"
    "<p>Residents who attended the meeting asked for more shade near the tram stops and "
    "for benches that are easier to reach for older people.</p>"
    "<p>Work is expected to begin in April, and the council said it would report on the "
    "progress every three months until the planting is finished.</p>"
)

PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Lisbon to plant trees along the river | Example Daily</title>
<meta property="og:title" content="Lisbon to plant trees along the river">
<meta property="og:site_name" content="Example Daily">
<meta name="author" content="Ana Pereira">
<meta property="article:published_time" content="2024-03-04T09:30:00+00:00">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/login">Log in</a></li></ul></nav>
<article>
<h1>Lisbon to plant trees along the river</h1>
{BODY}
<p>Positions of 1997 are mentioned here only to tempt a date guesser.</p>
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Ferry fares rise again</a></li>
<li><a href="/b">New museum opens</a></li></ul></aside>
<footer><p>© 2024 Example Daily. All rights reserved.</p></footer>
</body></html>"""


def test_article_page() -> None:
    found = extract_html(PAGE, "https://example.org/world/lisbon-trees")
    assert found is not None
    assert found.title == "Lisbon to plant trees along the river"
    assert found.paragraphs[0].startswith("LISBON, March 4 (Reuters) - The city council")
    assert any(p.startswith("Work is expected to begin in April") for p in found.paragraphs)
    assert found.title not in found.paragraphs
    text = "\n".join(found.paragraphs)
    for junk in ("Log in", "Most read", "Ferry fares", "All rights reserved"):
        assert junk not in text
    assert found.published is not None
    assert found.published.date() == date(2024, 3, 4)
    assert found.site == "Example Daily"
    assert found.author == "Ana Pereira"
    assert found.url == "https://example.org/world/lisbon-trees"
    assert found.extractor == EXTRACTOR
    assert found.dateline is not None
    assert (found.dateline.place, found.dateline.agency) == ("Lisbon", "Reuters")
    assert found.dateline.date == date(2024, 3, 4)  # the year comes from the publication date


def test_no_1997_trap_without_date_metadata() -> None:
    page = PAGE.replace(
        '<meta property="article:published_time" content="2024-03-04T09:30:00+00:00">', ""
    )
    found = extract_html(page)
    assert found is not None
    assert found.published is None or found.published.year != 1997


def test_nothing_to_extract() -> None:
    assert extract_html("<html><head><title>x</title></head><body></body></html>") is None
    assert extract_html("") is None
