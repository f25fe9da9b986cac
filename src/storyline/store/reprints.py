"""The store's reprint rows: each article's MinHash signature, its LSH buckets and its link to
the earliest article of its copy group (the dedup stage, ``storyline.dedup``).

A mixin of ``Store`` (it shares its connection). Tables (migration ``0007_reprints``):

- ``reprints``: one row per fingerprinted article — ``signature`` (``dedup.PERMUTATIONS``
  little-endian uint32), ``shingles`` (how many), ``stage`` (``dedup.VERSION``), ``copy_of``
  (the earliest article of its copy group, NULL for an original or an article with no copy)
  and ``similarity`` (estimated Jaccard with that article);
- ``reprint_bands``: the LSH bucket keys (``dedup.band_keys``) of every linkable article, so a
  new article's candidates are a few index probes, never a scan nor an in-memory index.

Invariant kept by ``link_reprint``: every copy group is a star around its earliest member
(``cluster.order_key``): the original has ``copy_of`` NULL, every other member points at it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import replace

from storyline import dedup
from storyline.cluster.order import order_key
from storyline.records import Article
from storyline.store.rows import _dt, _granularity

# Ids per `IN (...)` list: far below SQLite's limit on host parameters.
IN_BATCH = 500
# Candidates (articles sharing an LSH bucket) read per new article. Any member of a copy group
# leads to its original (groups are stars), so a bounded number finds the group even when
# thousands of pages carry one notice text, and one article's cost stays bounded.
MAX_CANDIDATES = 200

Order = tuple[bool, float, str]


class ReprintRows:
    conn: sqlite3.Connection

    def save_fingerprint(self, article_id: str, print_: dedup.Fingerprint) -> None:
        """Store ``article_id``'s signature and buckets (replacing any older ones); its link is
        made by ``link_reprint``."""
        self._delete_bands(article_id)
        self.conn.execute(
            "INSERT INTO reprints (article_id, signature, shingles, stage) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(article_id) DO UPDATE SET signature = excluded.signature, "
            "shingles = excluded.shingles, stage = excluded.stage",
            (article_id, dedup.to_blob(print_.signature), print_.shingles, print_.version),
        )
        if print_.linkable:
            self.conn.executemany(
                "INSERT OR IGNORE INTO reprint_bands (key, article_id) VALUES (?, ?)",
                [(key, article_id) for key in dedup.band_keys(print_.signature)],
            )

    def link_reprint(self, article_id: str, print_: dedup.Fingerprint) -> str | None:
        """Link ``article_id`` into the copy group of every stored article it is a copy of,
        re-pointing the whole group at its earliest member (which may be this article: a
        reprint stored before its original). Returns the original it is a copy of, or None."""
        if not print_.linkable:
            return None
        matches = self._matches(article_id, print_)
        if not matches:
            return None
        # Every group is a star around its original: the roots of the matches, their copies.
        marks = ", ".join("?" * len(matches))
        roots: set[str] = {
            str(row[1] or row[0])
            for row in self.conn.execute(
                f"SELECT article_id, copy_of FROM reprints WHERE article_id IN ({marks})",
                list(matches),
            )
        }
        order = self._orders({article_id, *roots})
        root = min(roots)
        if len(roots) == 1 and root in order and order[root] < order[article_id]:
            # The usual case: a later copy of one group joins it; nothing else changes.
            score = dedup.similarity(print_.signature, self._signatures([root])[root])
            self.conn.execute(
                "UPDATE reprints SET copy_of = ?, similarity = ? WHERE article_id = ?",
                (root, score, article_id),
            )
            return root
        marks = ", ".join("?" * len(roots))
        group = {article_id, *roots}
        group.update(
            row[0]
            for row in self.conn.execute(
                f"SELECT article_id FROM reprints WHERE copy_of IN ({marks})", list(roots)
            )
        )
        order = self._orders(group)
        first = dedup.earliest(order, order)
        signatures = self._signatures(order)
        for member in sorted(order):
            if member == first:
                self.conn.execute(
                    "UPDATE reprints SET copy_of = NULL, similarity = NULL WHERE article_id = ?",
                    (member,),
                )
                continue
            score = dedup.similarity(signatures[member], signatures[first])
            self.conn.execute(
                "UPDATE reprints SET copy_of = ?, similarity = ? WHERE article_id = ?",
                (first, score, member),
            )
        return None if first == article_id else first

    def unlink_reprint(self, article_id: str) -> None:
        """Take ``article_id`` out of its copy group (it is being removed): when it was the
        original, the group's next earliest member becomes the original."""
        copies = [
            r[0]
            for r in self.conn.execute(
                "SELECT article_id FROM reprints WHERE copy_of = ?", (article_id,)
            )
        ]
        self._delete_bands(article_id)
        self.conn.execute("DELETE FROM reprints WHERE article_id = ?", (article_id,))
        if not copies:
            return
        order = self._orders(copies)
        first = dedup.earliest(order, order)
        signatures = self._signatures(copies)
        for member in copies:
            same = member == first
            self.conn.execute(
                "UPDATE reprints SET copy_of = ?, similarity = ? WHERE article_id = ?",
                (
                    None if same else first,
                    None if same else dedup.similarity(signatures[member], signatures[first]),
                    member,
                ),
            )

    def unfingerprinted(self, version: str, limit: int) -> list[str]:
        """Ids of articles with no signature of ``version`` (older workspaces, another
        stage version), in storage order (the links do not depend on it)."""
        rows = self.conn.execute(
            "SELECT a.id FROM articles a LEFT JOIN reprints r ON r.article_id = a.id "
            "WHERE r.article_id IS NULL OR r.stage != ? ORDER BY a.rowid LIMIT ?",
            (version, limit),
        )
        return [r[0] for r in rows]

    def unfingerprinted_count(self, version: str) -> int:
        count: int = self.conn.execute(
            "SELECT count(*) FROM articles a LEFT JOIN reprints r ON r.article_id = a.id "
            "WHERE r.article_id IS NULL OR r.stage != ?",
            (version,),
        ).fetchone()[0]
        return count

    def has_other_fingerprints(self, version: str) -> bool:
        """Whether some signature was made by another stage version than ``version``."""
        row = self.conn.execute("SELECT 1 FROM reprints WHERE stage != ? LIMIT 1", (version,))
        return row.fetchone() is not None

    def drop_fingerprints(self, version: str) -> int:
        """Forget every signature and link made by another stage version (they cannot be
        compared with this version's); returns how many articles lost one."""
        stale = self.conn.execute("SELECT count(*) FROM reprints WHERE stage != ?", (version,))
        count: int = stale.fetchone()[0]
        if count:
            self.conn.execute(
                "DELETE FROM reprint_bands WHERE article_id IN "
                "(SELECT article_id FROM reprints WHERE stage != ?)",
                (version,),
            )
            self.conn.execute("DELETE FROM reprints WHERE stage != ?", (version,))
            self.conn.execute(
                "UPDATE reprints SET copy_of = NULL, similarity = NULL WHERE copy_of NOT IN "
                "(SELECT article_id FROM reprints)"
            )
        return count

    def with_copies(self, articles: list[Article]) -> list[Article]:
        """``articles`` with ``copy_of`` read from the store."""
        found: dict[str, str] = {}
        ids = [a.id for a in articles]
        for start in range(0, len(ids), IN_BATCH):
            batch = ids[start : start + IN_BATCH]
            marks = ", ".join("?" * len(batch))
            for row in self.conn.execute(
                f"SELECT article_id, copy_of FROM reprints WHERE copy_of IS NOT NULL "
                f"AND article_id IN ({marks})",
                batch,
            ):
                found[row[0]] = row[1]
        return [replace(a, copy_of=found[a.id]) if a.id in found else a for a in articles]

    def copy_links(self, story_id: str) -> dict[str, str]:
        """The members of ``story_id`` that are copies of another member: id -> original."""
        rows = self.conn.execute(
            "SELECT r.article_id, r.copy_of FROM reprints r "
            "JOIN articles a ON a.id = r.article_id "
            "JOIN articles o INDEXED BY articles_by_id ON o.id = r.copy_of "
            "WHERE a.story_id = ? AND o.story_id = ?",
            (story_id, story_id),
        )
        return {r[0]: r[1] for r in rows}

    def copy_counts(self, story_ids: list[str]) -> dict[str, int]:
        """For each of ``story_ids``: how many of its members are copies of another member."""
        marks = ", ".join("?" * len(story_ids))
        rows = self.conn.execute(
            "SELECT a.story_id, count(*) FROM articles a "
            "JOIN reprints r ON r.article_id = a.id "
            "JOIN articles o INDEXED BY articles_by_id ON o.id = r.copy_of "
            f"WHERE a.story_id IN ({marks}) AND o.story_id = a.story_id GROUP BY a.story_id",
            story_ids,
        )
        return {r[0]: r[1] for r in rows}

    def _delete_bands(self, article_id: str) -> None:
        """Remove an article's buckets by their keys, made again from its stored signature
        (the bands have no index by article: it would double their size on disk)."""
        row = self.conn.execute(
            "SELECT signature, stage FROM reprints WHERE article_id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return
        if row[1] != dedup.VERSION:  # another band split: find its rows the slow way
            self.conn.execute("DELETE FROM reprint_bands WHERE article_id = ?", (article_id,))
            return
        self.conn.executemany(
            "DELETE FROM reprint_bands WHERE key = ? AND article_id = ?",
            [(key, article_id) for key in dedup.band_keys(dedup.from_blob(row[0]))],
        )

    def _matches(self, article_id: str, print_: dedup.Fingerprint) -> dict[str, float]:
        """Stored articles sharing an LSH bucket with ``print_`` whose estimated Jaccard
        reaches the threshold: id -> similarity."""
        keys = dedup.band_keys(print_.signature)
        marks = ", ".join("?" * len(keys))
        rows = self.conn.execute(
            "SELECT article_id, signature FROM reprints WHERE article_id IN "
            f"(SELECT DISTINCT article_id FROM reprint_bands WHERE key IN ({marks}) "
            "AND article_id != ? LIMIT ?)",
            [*keys, article_id, MAX_CANDIDATES],
        )
        found = {}
        for row in rows:
            score = dedup.is_copy(print_.signature, dedup.from_blob(row[1]))
            if score is not None:
                found[row[0]] = score
        return found

    def _orders(self, ids: Iterable[str]) -> dict[str, Order]:
        wanted = list(ids)
        out: dict[str, Order] = {}
        for start in range(0, len(wanted), IN_BATCH):
            batch = wanted[start : start + IN_BATCH]
            marks = ", ".join("?" * len(batch))
            for row in self.conn.execute(
                f"SELECT id, published, raw_sha256 FROM articles WHERE id IN ({marks})", batch
            ):
                when = _dt(row[1])
                granularity = _granularity(row[1]) if when else None
                out[row[0]] = order_key(when, row[2], granularity)
        return out

    def _signatures(self, ids: Iterable[str]) -> dict[str, dedup.Signature]:
        wanted = list(ids)
        out = {}
        for start in range(0, len(wanted), IN_BATCH):
            batch = wanted[start : start + IN_BATCH]
            marks = ", ".join("?" * len(batch))
            for row in self.conn.execute(
                f"SELECT article_id, signature FROM reprints WHERE article_id IN ({marks})", batch
            ):
                out[row[0]] = dedup.from_blob(row[1])
        return out
