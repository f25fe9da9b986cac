"""The store's mention rows: entity and date mentions per article, entity lookup keys, and the
reads built on them (a story's entities, the articles of one entity, stale articles).

A mixin of ``Store`` (it shares its connection): ``store/__init__.py`` keeps the files,
transactions and article rows; this module owns the rows of the mentions stage.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from storyline.records import Article, DateMention, EntityMention

# Ids per `IN (...)` list: far below SQLite's limit on host parameters (32,766 since 3.32).
IN_BATCH = 500


@dataclass(frozen=True, slots=True)
class EntitySummary:
    """One entity of a story (or of the workspace): how often and where it is mentioned."""

    id: str
    name: str
    type: str
    mentions: int
    articles: tuple[str, ...]
    languages: tuple[str, ...]
    country: str | None = None
    lat: float | None = None
    lon: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "mentions": self.mentions,
            "articles": list(self.articles),
            "languages": list(self.languages),
            "country": self.country,
            "lat": self.lat,
            "lon": self.lon,
        }


class MentionRows:
    conn: sqlite3.Connection

    def save_mentions(
        self, article_id: str, article: Article, keys: Mapping[str, Iterable[str]] = {}
    ) -> None:
        """Replace the stored mentions of ``article_id`` by ``article``'s (and its version)."""
        self.delete_mentions(article_id)
        self.conn.executemany(
            "INSERT INTO entity_mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    article_id,
                    i,
                    m.start,
                    m.end,
                    m.text,
                    m.type,
                    m.id,
                    m.name,
                    m.country,
                    m.lat,
                    m.lon,
                )
                for i, m in enumerate(article.entities)
            ],
        )
        self.conn.executemany(
            "INSERT INTO date_mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    article_id,
                    i,
                    d.start,
                    d.end,
                    d.text,
                    d.value,
                    d.granularity,
                    int(d.planned),
                    int(d.year_known),
                )
                for i, d in enumerate(article.dates)
            ],
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO entity_keys VALUES (?, ?)",
            [(key, entity_id) for entity_id, found in keys.items() for key in found],
        )
        self.conn.execute(
            "UPDATE articles SET mentions = ? WHERE id = ?", (article.mentions, article_id)
        )
        if article.title_entities is not None and article.title_dates is not None:
            self.save_title_mentions(
                article_id, article.mentions, article.title_entities, article.title_dates
            )

    def save_title_mentions(
        self,
        article_id: str,
        stage: str,
        entities: Iterable[EntityMention],
        dates: Iterable[DateMention],
    ) -> None:
        """The mentions of ``article_id``'s title (offsets into it), made by ``stage``."""
        self.conn.execute(
            "INSERT OR REPLACE INTO title_mentions VALUES (?, ?, ?, ?)",
            (
                article_id,
                stage,
                json.dumps([dataclasses.astuple(m) for m in entities], ensure_ascii=False),
                json.dumps([dataclasses.astuple(d) for d in dates], ensure_ascii=False),
            ),
        )

    def untitled(self, version: str, limit: int) -> list[str]:
        """Ids of up to ``limit`` articles whose title mentions are missing or of another
        version (articles stored before titles were annotated)."""
        rows = self.conn.execute(
            "SELECT a.id FROM articles a LEFT JOIN title_mentions t ON t.article_id = a.id "
            "WHERE t.stage IS NULL OR t.stage != ? ORDER BY a.rowid LIMIT ?",
            (version, limit),
        )
        return [r[0] for r in rows]

    def untitled_count(self, version: str) -> int:
        count: int = self.conn.execute(
            "SELECT count(*) FROM articles a LEFT JOIN title_mentions t ON t.article_id = a.id "
            "WHERE t.stage IS NULL OR t.stage != ?",
            (version,),
        ).fetchone()[0]
        return count

    def delete_mentions(self, article_id: str) -> None:
        self.conn.execute("DELETE FROM entity_mentions WHERE article_id = ?", (article_id,))
        self.conn.execute("DELETE FROM date_mentions WHERE article_id = ?", (article_id,))
        self.conn.execute("DELETE FROM title_mentions WHERE article_id = ?", (article_id,))

    def with_mentions(self, articles: list[Article]) -> list[Article]:
        """``articles`` with their stored ``entities`` and ``dates`` (offsets into the text)."""
        ids = [a.id for a in articles if a.mentions]
        found: dict[str, list[EntityMention]] = {}
        dated: dict[str, list[DateMention]] = {}
        for batch in _batches(ids):
            marks = ", ".join("?" * len(batch))
            for r in self.conn.execute(
                "SELECT article_id, text, char_start, char_end, type, entity_id, name, country, "
                f"lat, lon FROM entity_mentions WHERE article_id IN ({marks}) "
                "ORDER BY article_id, seq",
                batch,
            ):
                found.setdefault(r[0], []).append(EntityMention(*r[1:]))
            for r in self.conn.execute(
                "SELECT article_id, text, char_start, char_end, value, granularity, planned, "
                f"year_known FROM date_mentions WHERE article_id IN ({marks}) "
                "ORDER BY article_id, seq",
                batch,
            ):
                dated.setdefault(r[0], []).append(
                    DateMention(r[1], r[2], r[3], r[4], r[5], bool(r[6]), bool(r[7]))
                )
        titled: dict[str, tuple[tuple[EntityMention, ...], tuple[DateMention, ...]]] = {}
        for batch in _batches([a.id for a in articles]):
            marks = ", ".join("?" * len(batch))
            for r in self.conn.execute(
                "SELECT article_id, entities, dates FROM title_mentions "
                f"WHERE article_id IN ({marks})",
                batch,
            ):
                titled[r[0]] = (
                    tuple(EntityMention(*m) for m in json.loads(r[1])),
                    tuple(
                        DateMention(d[0], d[1], d[2], d[3], d[4], bool(d[5]), bool(d[6]))
                        for d in json.loads(r[2])
                    ),
                )
        out = []
        for a in articles:
            if a.mentions:
                a = replace(
                    a, entities=tuple(found.get(a.id, ())), dates=tuple(dated.get(a.id, ()))
                )
            if a.id in titled:
                a = replace(a, title_entities=titled[a.id][0], title_dates=titled[a.id][1])
            out.append(a)
        return out

    def stale(self, version: str, limit: int) -> list[str]:
        """Ids of up to ``limit`` articles whose mentions were made by another version."""
        rows = self.conn.execute(
            "SELECT id FROM articles WHERE mentions != ? ORDER BY rowid LIMIT ?", (version, limit)
        )
        return [r[0] for r in rows]

    def stale_count(self, version: str) -> int:
        count: int = self.conn.execute(
            "SELECT count(*) FROM articles WHERE mentions != ?", (version,)
        ).fetchone()[0]
        return count

    def story_entities(self, story_id: str) -> list[EntitySummary]:
        """Every entity mentioned in a story's articles, most mentioned first."""
        rows = self.conn.execute(
            "SELECT m.entity_id, m.name, m.type, m.country, m.lat, m.lon, a.id, a.lang "
            "FROM entity_mentions m JOIN articles a ON a.id = m.article_id "
            "WHERE a.story_id = ? ORDER BY a.rowid, m.seq",
            (story_id,),
        )
        return _summaries(rows)

    def entity_ids(self, keys: Iterable[str]) -> list[str]:
        """Entity ids stored under any of ``keys`` (lookup keys, or ids themselves)."""
        wanted = sorted(set(keys))
        out: set[str] = set()
        for batch in _batches(wanted):
            marks = ", ".join("?" * len(batch))
            out.update(
                r[0]
                for r in self.conn.execute(
                    f"SELECT entity_id FROM entity_keys WHERE key IN ({marks}) "
                    f"UNION SELECT entity_id FROM entity_mentions WHERE entity_id IN ({marks})",
                    [*batch, *batch],
                )
            )
        return sorted(out)

    def entity_summaries(self, entity_ids: Iterable[str]) -> list[EntitySummary]:
        """The workspace-wide summary of each of ``entity_ids`` that has stored mentions."""
        rows: list[sqlite3.Row] = []
        for batch in _batches(sorted(set(entity_ids))):
            rows += self.conn.execute(
                "SELECT m.entity_id, m.name, m.type, m.country, m.lat, m.lon, a.id, a.lang "
                "FROM entity_mentions m JOIN articles a INDEXED BY articles_by_id "
                f"ON a.id = m.article_id WHERE m.entity_id IN ({', '.join('?' * len(batch))}) "
                "ORDER BY a.rowid, m.seq",
                batch,
            ).fetchall()
        return _summaries(rows)

    def entity_stories(self, entity_ids: Iterable[str]) -> list[str]:
        """Ids of the stories whose articles mention any of ``entity_ids``, largest first."""
        out: dict[str, int] = {}
        for batch in _batches(sorted(set(entity_ids))):
            for r in self.conn.execute(
                "SELECT DISTINCT s.id, s.size FROM entity_mentions m "
                "JOIN articles a INDEXED BY articles_by_id ON a.id = m.article_id "
                "JOIN stories s ON s.id = a.story_id "
                f"WHERE m.entity_id IN ({', '.join('?' * len(batch))})",
                batch,
            ):
                out[r[0]] = r[1]
        return sorted(out, key=lambda s: (-out[s], s))

    def entity_counts(self, entity_ids: Iterable[str], cap: int) -> list[EntityCount]:
        """Each of ``entity_ids`` with its name, type and mention count, most mentioned first;
        counting stops at ``cap`` mentions (``EntityCount.capped``), so a name mentioned
        100,000 times costs what one mentioned ``cap`` times does (index rows only)."""
        out = []
        for entity in sorted(set(entity_ids)):
            head = self.conn.execute(
                "SELECT name, type FROM entity_mentions WHERE entity_id = ? LIMIT 1", (entity,)
            ).fetchone()
            if head is None:
                continue
            (count,) = self.conn.execute(
                "SELECT count(*) FROM (SELECT 1 FROM entity_mentions WHERE entity_id = ? LIMIT ?)",
                (entity, cap),
            ).fetchone()
            out.append(EntityCount(entity, head[0], head[1], count, count >= cap))
        return sorted(out, key=lambda e: (-e.mentions, e.name, e.id))


@dataclass(frozen=True, slots=True)
class EntityCount:
    """One entity's name, type and mention count (``MentionRows.entity_counts``); when
    ``capped``, ``mentions`` is the cap and the entity has at least that many."""

    id: str
    name: str
    type: str
    mentions: int
    capped: bool = False

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _summaries(rows: Iterable[sqlite3.Row | tuple[Any, ...]]) -> list[EntitySummary]:
    counts: dict[str, int] = {}
    first: dict[str, tuple[Any, ...]] = {}
    articles: dict[str, dict[str, None]] = {}
    langs: dict[str, set[str]] = {}
    for r in rows:
        entity = r[0]
        counts[entity] = counts.get(entity, 0) + 1
        first.setdefault(entity, tuple(r[1:6]))
        articles.setdefault(entity, {})[r[6]] = None
        if r[7]:
            langs.setdefault(entity, set()).add(r[7])
    out = [
        EntitySummary(
            id=entity,
            name=first[entity][0],
            type=first[entity][1],
            mentions=count,
            articles=tuple(articles[entity]),
            languages=tuple(sorted(langs.get(entity, ()))),
            country=first[entity][2],
            lat=first[entity][3],
            lon=first[entity][4],
        )
        for entity, count in counts.items()
    ]
    return sorted(out, key=lambda e: (-e.mentions, e.name, e.id))


def _batches(ids: list[str]) -> Iterable[list[str]]:
    for at in range(0, len(ids), IN_BATCH):
        yield ids[at : at + IN_BATCH]
