"""Publication dates the user supplies for inputs that carry none.

``--published 2022-01-28`` (``read(..., published=)``) gives every document of the call that
date; a sidecar ``NAME.meta.json`` next to a file ``NAME`` holding ``{"published": "..."}``
does the same for that file's documents and wins over ``--published``. Either is only a
fallback: a document's own date (a JSONL ``published``, the page's markup) always wins. The
extract stage reads the value from ``RawDoc.fields[SUPPLIED_PUBLISHED]``. A sidecar is never
read as a document itself; an unreadable one is ignored with a warning.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os

from storyline.errors import InputError
from storyline.extract.when import parse_published
from storyline.read.files import SIDECAR_SUFFIX
from storyline.records import SUPPLIED_PUBLISHED, DocError, RawDoc, published_text

log = logging.getLogger(__name__)

# A sidecar is a few bytes of JSON; anything much larger is not one.
MAX_SIDECAR_BYTES = 64 * 1024


def supplied(value: str | None, what: str = "--published") -> str | None:
    """``value`` checked and normalised (``2022-01-28``, or a moment with its offset); raises
    ``InputError`` for a value that is not an absolute date."""
    if value is None:
        return None
    found = parse_published(value, what)
    if found is None:
        raise InputError(
            f"{what} {value!r} is not a date: give ISO 8601, e.g. 2022-01-28 or "
            "2022-01-28T09:30:00+01:00"
        )
    return published_text(found.value, found.granularity)


def sidecar_published(path: str) -> str | None:
    """The ``published`` of ``path``'s sidecar, or None (no sidecar, or a bad one: warned)."""
    sidecar = path + SIDECAR_SUFFIX
    if not os.path.isfile(sidecar):
        return None
    try:
        with open(sidecar, "rb") as handle:
            meta = json.loads(handle.read(MAX_SIDECAR_BYTES + 1)[: MAX_SIDECAR_BYTES + 1])
        value = meta.get("published") if isinstance(meta, dict) else None
        return supplied(value, f"published in {sidecar}") if isinstance(value, str) else None
    except (OSError, ValueError, InputError) as error:  # JSONDecodeError is a ValueError
        log.warning("ignoring sidecar %s: %s", sidecar, error)
        return None


def with_published(item: RawDoc | DocError, value: str | None) -> RawDoc | DocError:
    """``item`` carrying ``value`` as its supplied publication date."""
    if value is None or isinstance(item, DocError):
        return item
    return dataclasses.replace(item, fields={**item.fields, SUPPLIED_PUBLISHED: value})
