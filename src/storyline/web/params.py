"""Reading a request's query parameters: pages, sort orders and the reader's language.

Bad values raise ``InputError`` (HTTP 400) saying what is accepted.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from starlette.requests import Request

from storyline.errors import InputError

# Rows per page of the story list and of search results: a screenful, and what keeps every
# listing one bounded query (issue 9 §5: p95 under 100 ms at 100,000 articles).
PAGE_SIZE = 50
# Pages beyond this are refused: nobody reads page 2,000, and OFFSET costs grow with it.
MAX_PAGE = 2000
# ``?sort=`` of the story list -> ``Filters.order`` of the library.
SORTS = {"biggest": "size", "newest": "newest"}
_LANG = re.compile(r"^[a-z]{2,3}$")


def text(request: Request, name: str) -> str | None:
    """A parameter's value with surrounding blanks cut; None when absent or empty."""
    value = request.query_params.get(name, "").strip()
    return value or None


def page(request: Request) -> int:
    raw = text(request, "page") or "1"
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise InputError(f"page must be a whole number from 1 to {MAX_PAGE}, not {raw!r}")
    return int(raw)


def sort(request: Request) -> str:
    raw = text(request, "sort") or "newest"
    if raw not in SORTS:
        raise InputError(f"sort must be one of {', '.join(SORTS)}, not {raw!r}")
    return raw


def reader_language(request: Request) -> str | None:
    """The language the reader asked for: ``?hl=ru``, else the first of Accept-Language by
    weight (``ru-RU,ru;q=0.9,en;q=0.8`` -> ``ru``); None when neither names one."""
    asked = text(request, "hl")
    if asked is not None:
        code = asked.lower().split("-")[0]
        if not _LANG.match(code):
            raise InputError(f"hl must be a language code such as en or ru, not {asked!r}")
        return code
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower().split("-")[0]
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if _LANG.match(code) and weight > 0:
            ranked.append((-weight, i, code))
    return min(ranked)[2] if ranked else None


def safe_url(url: str | None) -> str | None:
    """``url`` when it may become a link: http(s) with a host and no blank or control
    character anywhere (browsers drop tabs and newlines, so ``java\\nscript:`` is refused
    too). Anything else — ``javascript:``, ``data:``, relative paths — is shown as text."""
    if not url or any(c.isspace() or ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return url


# Two-letter top-level domains that are not used as a country's (``.io``, ``.tv``, ...):
# an outlet there says nothing about where it is. ``uk`` is GB in ISO 3166-1.
_GENERIC_CC = {"ai", "cc", "co", "eu", "fm", "gg", "io", "ly", "me", "tv", "ws", "to", "su"}
_CC_FIX = {"uk": "GB"}


def country_of(url: str | None, site: str | None) -> str | None:
    """An outlet's country (ISO 3166-1 alpha-2) from the country-code TLD of its URL's host, or
    of its site when that is a domain name; None for .com, .org, ... and names."""
    for value in (url, site):
        if not value:
            continue
        host = urlsplit(value).hostname if "//" in value else value.strip().lower()
        if not host or " " in host or "." not in host:
            continue
        tld = host.rstrip(".").rsplit(".", 1)[-1].lower()
        if len(tld) == 2 and tld.isalpha() and tld not in _GENERIC_CC:
            return _CC_FIX.get(tld, tld.upper())
    return None
