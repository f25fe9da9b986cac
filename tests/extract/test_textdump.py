"""The text-dump cleaner on the two reference seeds and on small dumps in other languages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from storyline.extract.textdump import EXTRACTOR, clean_dump

SEED_000 = "000_4f25bdfa624cb435.txt"
SEED_002 = "002_2673d7fee8d4ee3e.txt"


def _has_cyrillic(line: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in line)


def test_seed_000_keeps_title_and_every_paragraph(seeds_dir: Path) -> None:
    found = clean_dump((seeds_dir / SEED_000).read_text(encoding="utf-8"))
    assert found.title == "Presidents of Russia and France will meet in Moscow on February 7"
    # The seed holds 11 content lines: the headline and 10 body paragraphs.
    assert len(found.paragraphs) == 10
    assert found.paragraphs[0].startswith("“There are many issues")
    assert found.paragraphs[-1].startswith("Putin explained to Macron")
    text = "\n".join(found.paragraphs)
    for junk in ("Source link", "Leave a Reply", "Previous Story", "Sonia Aleso", "Latest from"):
        assert junk not in text
    assert found.extractor == EXTRACTOR


def test_seed_002_drops_sidebar_counters_and_other_script(seeds_dir: Path) -> None:
    found = clean_dump((seeds_dir / SEED_002).read_text(encoding="utf-8"), anchor=date(2022, 1, 28))
    assert found.title.startswith("Putin in conversation with Macron: ")
    paragraphs = found.paragraphs
    assert paragraphs[0].startswith("Moscow will carefully study")
    assert paragraphs[1].startswith("Moscow. January 28. INTERFAX - The issue")
    assert paragraphs[2].startswith('"The leaders exchanged views')
    assert paragraphs[3].startswith("Putin noted that the Russian side")
    assert paragraphs[4].startswith('"At the same time, attention was drawn')
    assert len(paragraphs) == 5
    assert found.dateline is not None
    assert found.dateline.place == "Moscow"
    assert found.dateline.agency == "INTERFAX"
    assert found.dateline.date == date(2022, 1, 28)
    lines = [found.title, *paragraphs]
    assert not any(_has_cyrillic(line) for line in lines)
    text = "\n".join(lines)
    for junk in (
        "1680",
        "Image source",
        "28.01 05:35",
        "The rights to this material",
        "Without carrot and stick",
        "Register and/or Log in",
    ):
        assert junk not in text


def test_seed_002_without_anchor_keeps_yearless_dateline_text(seeds_dir: Path) -> None:
    found = clean_dump((seeds_dir / SEED_002).read_text(encoding="utf-8"))
    assert found.dateline is not None
    assert found.dateline.text == "Moscow. January 28. INTERFAX"
    assert found.dateline.date is None


GERMAN_DUMP = """Startseite
Politik
Wirtschaft
Anmelden
Neue Brücke über die Elbe soll im Herbst eröffnet werden
12.03.2024 14:05
Die Stadt hat am Dienstag bekannt gegeben, dass die neue Brücke früher als geplant fertig wird.
Nach Angaben der Bauleitung sind die letzten Arbeiten an der Fahrbahn und an den Geländern im Gang.
„Wir sind mit dem Fortschritt sehr zufrieden“, sagte die Bürgermeisterin bei einem Besuch.
Die Kosten liegen nach aktuellen Schätzungen bei rund 40 Millionen Euro.
Teilen
Kommentare (3)
Mehr zum Thema
Wetter am Wochenende
© 2024 Beispielverlag
"""


def test_german_dump() -> None:
    found = clean_dump(GERMAN_DUMP)
    assert found.title == "Neue Brücke über die Elbe soll im Herbst eröffnet werden"
    assert len(found.paragraphs) == 4
    assert found.paragraphs[0].startswith("Die Stadt hat am Dienstag")
    assert found.paragraphs[-1].startswith("Die Kosten liegen")


RUSSIAN_DUMP = """Главная
Новости
Войти
Мэрия объявила о ремонте набережной в центре города
5
Ремонт набережной начнётся в апреле и продлится до конца лета, сообщили в мэрии.
По словам чиновников, на время работ движение по набережной будет ограничено.
Жители смогут пройти к реке по временным мостикам, которые установят у причала.
ПОДПИСКА НА НОВОСТИ
  • 28.01 05:35
  • 13
Другие новости дня
"""


def test_russian_dump() -> None:
    found = clean_dump(RUSSIAN_DUMP)
    assert found.title == "Мэрия объявила о ремонте набережной в центре города"
    assert [p[:12] for p in found.paragraphs] == ["Ремонт набер", "По словам чи", "Жители смогу"]


def test_empty_and_prose_free_dumps() -> None:
    assert clean_dump("").paragraphs == ()
    assert clean_dump("1\n2\n  • 28.01 05:35\n").paragraphs == ()
