"""The store's story rows: each story's summary and centroid, the ``Group`` the matcher scores
it by, id redirects left by merges, and the history of every merge and split.

A mixin of ``Store`` (it shares its connection), like ``store/mentions.py``.

Story ids are stable: a story merged into another leaves a redirect (``story_redirects``), so
an id a user saw once keeps working (``resolve_story``); chains of merges are followed.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from storyline.errors import InputError, NotFound
from storyline.match.profile import Group
from storyline.query import STORY_ORDERS, Filters
from storyline.records import Article, Embedding, Story, Vector
from storyline.store.failures import _guarded
from storyline.store.mentions import IN_BATCH, MentionRows
from storyline.store.reprints import ReprintRows
from storyline.store.rows import (
    ARTICLE_COLUMNS,
    PUBLISHED_ORDER,
    Connected,
    _article,
    _dt,
    _iso,
    _story,
    bounds,
    embedding_of,
    from_blob,
    now,
    to_blob,
    window,
)

# Stories filtered by entities come from the entity index (the stories of their mentions) while
# the entities have fewer mentions than this, else from the stories in the listing's order,
# each checked for a mention. On the 100,000-article web bench workspace: an entity with 260 to
# 3,000 mentions, 3-21 ms from the index against 160-1,150 ms walking the stories; Macron's
# 102,912 mentions, 479 ms from the index against 301 ms walking.
DRIVE_BY_STORIES = 20_000
# Redirect hops followed before giving up (a cycle cannot be written, but be safe).
MAX_REDIRECTS = 64
_COUNTERS = ("entities", "places", "numbers", "dates", "names", "langs")


@dataclass(frozen=True, slots=True)
class StoryEvent:
    """One change in a story's life: ``merged`` (``other`` was folded into ``story``) or
    ``split`` (``article`` left ``story`` for ``other``)."""

    story: str
    kind: str
    other: str | None
    article: str | None
    score: float | None
    at: datetime | None
    clusterer: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "story": self.story,
            "kind": self.kind,
            "other": self.other,
            "article": self.article,
            "score": self.score,
            "at": _iso(self.at),
            "clusterer": self.clusterer,
        }


def group_json(group: Group) -> str:
    """A group's counters as JSON (its vectors go in blobs)."""
    data: dict[str, Any] = {name: dict(getattr(group, name)) for name in _COUNTERS}
    data |= {"titled": group.titled, "with_mentions": group.with_mentions, "chars": group.chars}
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def group_of_row(row: sqlite3.Row) -> Group | None:
    """The group stored with a story row; ``None`` for rows of workspaces made before groups
    were kept (the clusterer then knows such a story by its vectors and span only)."""
    if row["profile"] is None:
        return None
    centroid = from_blob(row["centroid"])
    data = json.loads(row["profile"])
    group = Group(dim=centroid.shape[0])
    group.size = int(row["size"])
    group.doc_sum += centroid
    if row["title_sum"] is not None:
        group.title_sum += from_blob(row["title_sum"])
    for name in _COUNTERS:
        setattr(group, name, Counter(data.get(name, {})))
    group.titled = int(data.get("titled", 0))
    group.with_mentions = int(data.get("with_mentions", 0))
    group.chars = int(data.get("chars", 0))
    first, last = _dt(row["first_date"]), _dt(row["last_date"])
    group.first = first.timestamp() if first else float("nan")
    group.last = last.timestamp() if last else float("nan")
    return group


# A story of one article keeps no vectors of its own: its centroid and title sums are that
# article's document and title vectors (``share_lone_vectors``), and the row holds empty blobs.
_MEMBER = (
    "(SELECT e.{} FROM articles a JOIN embeddings e ON e.article_id = a.id "
    "WHERE a.story_id = stories.id LIMIT 1)"
)
_GROUP_COLUMNS = (
    "id, title, size, first_date, last_date, "
    f"CASE WHEN centroid = X'' THEN {_MEMBER.format('doc')} ELSE centroid END AS centroid, "
    f"CASE WHEN title_sum = X'' THEN {_MEMBER.format('title_vector')} ELSE title_sum END "
    "AS title_sum, profile"
)


class StoryRows(MentionRows, ReprintRows, Connected):
    def save_story(
        self,
        story: Story,
        centroid: Vector,
        model: str,
        clusterer: str,
        group: Group | None = None,
    ) -> None:
        stamp = now()
        title_sum = None if group is None or not group.titled else to_blob(group.title_sum)
        profile = None if group is None else group_json(group)
        self.conn.execute(
            "INSERT INTO stories (id, title, size, first_date, last_date, centroid, model, "
            "clusterer, created_at, updated_at, title_sum, profile) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE "
            "SET size = excluded.size, first_date = excluded.first_date, "
            "last_date = excluded.last_date, centroid = excluded.centroid, "
            "updated_at = excluded.updated_at, clusterer = excluded.clusterer, "
            "title_sum = excluded.title_sum, profile = excluded.profile",
            (
                story.id,
                story.title,
                story.size,
                _iso(story.first_date),
                _iso(story.last_date),
                to_blob(centroid),
                model,
                clusterer,
                stamp,
                stamp,
                title_sum,
                profile,
            ),
        )

    def clusterable(self, story_id: str | None = None) -> list[tuple[Article, Embedding]]:
        """What the clusterer needs of a story's members (``story_id``), or of every article
        not yet in a story (``None``): the articles with their mentions and their document,
        title and lead vectors (sentence vectors are left out: stories are matched without
        them)."""
        columns = ", ".join("a." + c.strip() for c in ARTICLE_COLUMNS.split(","))
        where = "a.story_id IS NULL" if story_id is None else "a.story_id = ?"
        rows = self.conn.execute(
            f"SELECT {columns}, e.model, e.doc, e.title_vector, e.lead_vector FROM articles a "
            f"JOIN embeddings e ON e.article_id = a.id WHERE {where}",
            () if story_id is None else (story_id,),
        ).fetchall()
        articles = self.with_mentions([_article(row) for row in rows])
        return [
            (article, embedding_of(row, sentences=False))
            for article, row in zip(articles, rows, strict=True)
        ]

    def story_of(self, article_id: str) -> str | None:
        """The story an article is in (None: unassigned, or no such article)."""
        row = self.conn.execute(
            "SELECT story_id FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return None if row is None else row[0]

    def move_members(self, from_story: str, to_story: str) -> None:
        """Every article of ``from_story`` now belongs to ``to_story`` (a merge)."""
        self.conn.execute(
            "UPDATE articles SET story_id = ? WHERE story_id = ?", (to_story, from_story)
        )

    def delete_story(self, story_id: str) -> None:
        self.conn.execute("DELETE FROM stories WHERE id = ?", (story_id,))

    def share_lone_vectors(self, story_ids: Iterable[str]) -> None:
        """Each of ``story_ids`` that has one article and whose centroid and title sums are
        that article's own vectors, byte for byte, stops keeping a copy of them (4 KB a
        story). A story that grows is saved with its sums again (``save_story``)."""
        wanted = list(dict.fromkeys(story_ids))
        for at in range(0, len(wanted), IN_BATCH):
            chunk = wanted[at : at + IN_BATCH]
            self.conn.execute(
                "UPDATE stories SET centroid = X'', "
                "title_sum = CASE WHEN title_sum IS NULL THEN NULL ELSE X'' END "
                f"WHERE id IN ({', '.join('?' * len(chunk))}) AND size = 1 "
                f"AND centroid != X'' AND centroid = {_MEMBER.format('doc')} "
                f"AND (title_sum IS NULL OR title_sum = {_MEMBER.format('title_vector')})",
                chunk,
            )

    def open_stories(self) -> Iterator[tuple[Story, Vector, Group | None]]:
        """Every story with its centroid sum and its group (``None`` in older rows)."""
        for row in self.conn.execute(f"SELECT {_GROUP_COLUMNS} FROM stories"):
            yield _story(row), from_blob(row["centroid"]), group_of_row(row)

    def story_group(self, story_id: str) -> Group | None:
        """The group the clusterer keeps of one story (``None``: no such story, or a row of
        a workspace made before groups were kept)."""
        row = self.conn.execute(
            f"SELECT {_GROUP_COLUMNS} FROM stories WHERE id = ?", (story_id,)
        ).fetchone()
        return None if row is None else group_of_row(row)

    # -- settings -----------------------------------------------------------------------------

    def settings(self) -> dict[str, float]:
        """The settings a user changed in this workspace (name -> value)."""
        return {r[0]: float(r[1]) for r in self.conn.execute("SELECT name, value FROM settings")}

    def put_setting(self, name: str, value: float | None) -> None:
        """Pin ``name`` to ``value`` in this workspace (``None``: back to the default)."""
        if value is None:
            self.conn.execute("DELETE FROM settings WHERE name = ?", (name,))
            return
        self.conn.execute(
            "INSERT INTO settings VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE "
            "SET value = excluded.value, updated_at = excluded.updated_at",
            (name, value, now()),
        )

    # -- merges, redirects, history -----------------------------------------------------------

    def redirect_story(self, old_id: str, new_id: str) -> None:
        """``old_id`` now means ``new_id`` (and so does every id that pointed at ``old_id``)."""
        self.conn.execute(
            "INSERT INTO story_redirects (old_id, new_id, at) VALUES (?, ?, ?) "
            "ON CONFLICT(old_id) DO UPDATE SET new_id = excluded.new_id, at = excluded.at",
            (old_id, new_id, now()),
        )
        self.conn.execute(
            "UPDATE story_redirects SET new_id = ? WHERE new_id = ?", (new_id, old_id)
        )
        # An id that comes back to life (a split re-founds it) no longer redirects.
        self.conn.execute("DELETE FROM story_redirects WHERE old_id = new_id")

    def resolve_story(self, story_id: str) -> str:
        """The id ``story_id`` stands for now (itself unless it was merged away)."""
        for _ in range(MAX_REDIRECTS):
            row = self.conn.execute(
                "SELECT new_id FROM story_redirects WHERE old_id = ?", (story_id,)
            ).fetchone()
            if row is None:
                return story_id
            story_id = str(row[0])
        return story_id

    def record_story_event(self, event: StoryEvent) -> None:
        self.conn.execute(
            "INSERT INTO story_events (story_id, kind, other_id, article_id, score, at, "
            "clusterer) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                event.story,
                event.kind,
                event.other,
                event.article,
                event.score,
                _iso(event.at) or now(),
                event.clusterer,
            ),
        )

    def story_history(self, story_id: str) -> list[StoryEvent]:
        """Merges and splits that touched ``story_id`` (as the survivor or as the other)."""
        rows = self.conn.execute(
            "SELECT story_id, kind, other_id, article_id, score, at, clusterer "
            "FROM story_events WHERE story_id = ? OR other_id = ? ORDER BY id",
            (story_id, story_id),
        )
        return [StoryEvent(r[0], r[1], r[2], r[3], r[4], _dt(r[5]), r[6]) for r in rows.fetchall()]

    def assign(
        self, article_id: str, story_id: str, score: float | None, provisional: bool = False
    ) -> None:
        self.conn.execute(
            "UPDATE articles SET story_id = ?, story_score = ?, provisional = ? WHERE id = ?",
            (story_id, score, int(provisional), article_id),
        )

    def take_back_provisional(self) -> list[str]:
        """Unassign every provisionally assigned article; returns the stories they were in."""
        stories = [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT story_id FROM articles WHERE provisional = 1 "
                "AND story_id IS NOT NULL ORDER BY story_id"
            )
        ]
        self.conn.execute(
            "UPDATE articles SET story_id = NULL, story_score = NULL, provisional = 0 "
            "WHERE provisional = 1"
        )
        return stories

    @_guarded
    def story(self, story_id: str, members: bool = True) -> Story:
        """One story by its whole id; without ``members``, its row alone (id, title, size,
        dates)."""
        with self.snapshot():
            row = self.conn.execute(
                "SELECT id, title, size, first_date, last_date FROM stories WHERE id = ?",
                (story_id,),
            ).fetchone()
            if row is None:
                raise NotFound(f"no story {story_id!r}: list them with `storyline stories`")
            return self._with_members(_story(row)) if members else _story(row)

    def _with_members(self, story: Story) -> Story:
        return self._with_members_of([story])[0]

    def _with_members_of(self, stories: list[Story]) -> list[Story]:
        """``stories`` with their members, languages, outlets and independent-source counts:
        two queries for the whole list (a listing page must not cost two per story)."""
        if len(stories) > IN_BATCH:  # bounded SQL parameters per query
            return [
                s
                for at in range(0, len(stories), IN_BATCH)
                for s in self._with_members_of(stories[at : at + IN_BATCH])
            ]
        ids = [s.id for s in stories]
        marks = ", ".join("?" * len(ids))
        members: dict[str, list[sqlite3.Row]] = {i: [] for i in ids}
        for row in self.conn.execute(
            f"SELECT story_id, id, lang, site FROM articles WHERE story_id IN ({marks}) "
            f"ORDER BY {PUBLISHED_ORDER}, rowid",
            ids,
        ):
            members[row["story_id"]].append(row)
        copies = self.copy_counts(ids) if ids else {}
        out = []
        for story in stories:
            rows = members[story.id]
            out.append(
                Story(
                    id=story.id,
                    title=story.title,
                    size=story.size,
                    languages=tuple(sorted({r["lang"] for r in rows if r["lang"]})),
                    sources=tuple(sorted({r["site"] for r in rows if r["site"]})),
                    first_date=story.first_date,
                    last_date=story.last_date,
                    articles=tuple(r["id"] for r in rows),
                    independent=max(0, story.size - copies.get(story.id, 0)),
                )
            )
        return out

    def _summarised(self, stories: list[Story]) -> list[Story]:
        """``stories`` with their languages, outlets and independent-source counts, no member
        ids (``find_stories(members=False)``)."""
        if len(stories) > IN_BATCH:
            return [
                s
                for at in range(0, len(stories), IN_BATCH)
                for s in self._summarised(stories[at : at + IN_BATCH])
            ]
        ids = [s.id for s in stories]
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        summary = {
            row[0]: (json.loads(row[1]), json.loads(row[2]))
            for row in self.conn.execute(
                "SELECT story_id, json_group_array(DISTINCT lang), "
                f"json_group_array(DISTINCT site) FROM articles WHERE story_id IN ({marks}) "
                "GROUP BY story_id",
                ids,
            )
        }
        copies = self.copy_counts(ids)
        out = []
        for story in stories:
            langs, sites = summary.get(story.id, ([], []))
            out.append(
                replace(
                    story,
                    languages=tuple(sorted(x for x in langs if x)),
                    sources=tuple(sorted(x for x in sites if x)),
                    independent=max(0, story.size - copies.get(story.id, 0)),
                )
            )
        return out

    @_guarded
    def find_stories(self, where: Filters, members: bool = True) -> list[Story]:
        """Stories matching ``where`` (see ``query.Filters``), largest first; without
        ``members`` their ``articles`` stay empty (a listing's rows: languages, outlets and
        independent sources only, which cost one row per story, not one per member)."""
        sql = "SELECT id, title, size, first_date, last_date FROM stories s WHERE size >= ?"
        params: list[Any] = [where.min_size]
        sql += window(where, "coalesce(last_date, first_date)", "coalesce(first_date, last_date)")
        params += bounds(where)
        for column, value in (("lang", where.lang), ("site", where.site)):
            if value is not None:
                # Driven by the ``articles_lang`` / ``articles_site`` index: the stories of the
                # matching articles, not a look at each story's members.
                sql += (
                    f" AND s.id IN (SELECT a.story_id FROM articles a "
                    f"WHERE a.{column} = ? COLLATE NOCASE)"
                )
                params.append(value)
        if where.entities is not None:
            marks = ", ".join("?" * len(where.entities)) or "NULL"
            if self._mentions_at_least(where.entities, DRIVE_BY_STORIES):
                # A common entity: walk the stories in order until enough mention it.
                sql += (
                    " AND EXISTS (SELECT 1 FROM articles a JOIN entity_mentions m ON "
                    f"m.article_id = a.id WHERE a.story_id = s.id AND m.entity_id IN ({marks}))"
                )
            else:  # the stories of its mentions, from the entity index
                sql += (
                    " AND s.id IN (SELECT a.story_id FROM entity_mentions m JOIN articles a "
                    f"INDEXED BY articles_by_id ON a.id = m.article_id "
                    f"WHERE m.entity_id IN ({marks}))"
                )
            params.extend(where.entities)
        if where.order not in STORY_ORDERS:
            raise InputError(f"no story order {where.order!r}: use one of {sorted(STORY_ORDERS)}")
        sql += f" ORDER BY {STORY_ORDERS[where.order]} LIMIT ? OFFSET ?"
        params += [-1 if where.limit is None else where.limit, where.offset]
        with self.snapshot():  # sizes and members from one state, even during an ingest
            found = [_story(row) for row in self.conn.execute(sql, params).fetchall()]
            return self._with_members_of(found) if members else self._summarised(found)

    def _mentions_at_least(self, entity_ids: Sequence[str], n: int) -> bool:
        """Whether ``entity_ids`` have ``n`` mentions or more (reads at most ``n`` index rows)."""
        marks = ", ".join("?" * len(entity_ids)) or "NULL"
        row = self.conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM entity_mentions WHERE entity_id IN ({marks}) "
            "LIMIT ?)",
            [*entity_ids, n],
        ).fetchone()
        return bool(row[0] >= n)

    @_guarded
    def titles_in(self, story_ids: Iterable[str], lang: str) -> dict[str, str]:
        """For each of ``story_ids`` that has an article in ``lang``, the title of its earliest
        such article (a story's title in the reader's language)."""
        wanted = list(dict.fromkeys(story_ids))
        if not wanted:
            return {}
        marks = ", ".join("?" * len(wanted))
        rows = self.conn.execute(
            f"SELECT story_id, title FROM articles WHERE story_id IN ({marks}) "
            f"AND lang = ? COLLATE NOCASE AND title != '' ORDER BY {PUBLISHED_ORDER}, rowid",
            [*wanted, lang],
        )
        out: dict[str, str] = {}
        for row in rows:
            out.setdefault(row["story_id"], row["title"])
        return out
