"""A short table of well-known names that no gazetteer spells across languages.

Acronyms differ by language (NATO, OTAN, НАТО; UN, ONU, ООН, VN) and CLDR holds only the full
territory names, not "US" or "США". Each entry: canonical id, type, display name, and the
spellings (any language, any case: they are folded) that name it. Kept short on purpose: an
entry belongs here only when folding, transliteration and the gazetteer cannot join its names.
"""

from __future__ import annotations

from functools import lru_cache

from storyline.entities.fold import fold

# (id, type, display name, spellings)
ALIASES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "org:nato",
        "ORG",
        "NATO",
        (
            "NATO",
            "OTAN",
            "НАТО",
            "North Atlantic Treaty Organization",
            "North Atlantic Treaty Organisation",
            "Organisation du traité de l'Atlantique nord",
            "Organización del Tratado del Atlántico Norte",
            "Organizzazione del Trattato dell'Atlantico del Nord",
            "Noord-Atlantische Verdragsorganisatie",
            "Североатлантический альянс",
            "Организация Североатлантического договора",
        ),
    ),
    (
        "org:un",
        "ORG",
        "United Nations",
        (
            "UN",
            "U.N.",
            "ONU",
            "ООН",
            "United Nations",
            "Nations unies",
            "Naciones Unidas",
            "Nazioni Unite",
            "Vereinte Nationen",
            "Verenigde Naties",
            "Organizzazione delle Nazioni Unite",
            "Organización de las Naciones Unidas",
            "Organisation des Nations unies",
            "Организация Объединённых Наций",
        ),
    ),
    (
        "org:eu",
        "ORG",
        "European Union",
        (
            "EU",
            "E.U.",
            "UE",
            "ЕС",
            "Евросоюз",
            "European Union",
            "Union européenne",
            "Unión Europea",
            "Unione europea",
            "Europese Unie",
            "Europäische Union",
            "Unia Europejska",
            "Avrupa Birliği",
            "Европейский союз",
        ),
    ),
    (
        "org:osce",
        "ORG",
        "OSCE",
        (
            "OSCE",
            "ОБСЕ",
            "OSZE",
            "OVSE",
            "OBWE",
            "AGİT",
            "Organization for Security and Co-operation in Europe",
            "Organization for Security and Cooperation in Europe",
        ),
    ),
    (
        "org:who",
        "ORG",
        "World Health Organization",
        ("WHO", "OMS", "ВОЗ", "World Health Organization"),
    ),
    ("org:imf", "ORG", "IMF", ("IMF", "FMI", "МВФ", "IWF", "International Monetary Fund")),
    ("org:kremlin", "ORG", "Kremlin", ("Kremlin", "Кремль", "Kreml", "Cremlino", "Kremlin")),
    ("loc:europe", "LOC", "Europe", ("Europe", "Europa", "Европа", "Avrupa", "أوروبا")),
    ("loc:asia", "LOC", "Asia", ("Asia", "Asie", "Azië", "Asien", "Azja", "Азия", "Asya")),
    ("loc:africa", "LOC", "Africa", ("Africa", "Afrique", "África", "Afrika", "Afryka", "Африка")),
    ("loc:US", "LOC", "United States", ("US", "U.S.", "USA", "U.S.A.", "EE.UU.", "EEUU", "США")),
    ("loc:GB", "LOC", "United Kingdom", ("UK", "U.K.", "Britain", "Great Britain")),
    ("loc:RU", "LOC", "Russia", ("РФ", "Russian Federation", "Российская Федерация")),
    ("loc:AE", "LOC", "United Arab Emirates", ("UAE", "ОАЭ")),
)


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[str, str, str, bool]]:
    """Folded spelling → (id, type, display name, spelled in capitals)."""
    index: dict[str, tuple[str, str, str, bool]] = {}
    for entity_id, kind, name, spellings in ALIASES:
        for spelling in spellings:
            index[fold(spelling)] = (entity_id, kind, name, spelling.isupper())
    return index


def lookup_alias(text: str) -> tuple[str, str, str] | None:
    """(id, type, display name) of a table entry spelled ``text``. An acronym matches only in
    capitals: "UN" is the United Nations, the French and Spanish article "un" is not."""
    entry = _index().get(fold(text))
    if entry is None or (entry[3] and not text.isupper()):
        return None
    return entry[0], entry[1], entry[2]
