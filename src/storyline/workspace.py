"""A workspace: the store plus the pipeline, the library's front door.

    >>> import storyline
    >>> ws = storyline.open("news.db")
    >>> report = ws.ingest(["pages/"])
    >>> for story in ws.stories(): ...

Ingest is resumable: documents are committed in chunks, each raw document is keyed by the
sha256 of its bytes (the same input twice adds nothing), and clustering picks up every stored
article that has no story yet — also those left by an interrupted run.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from storyline.cluster import CLUSTERER, StoryIndex, timestamp
from storyline.errors import DocumentError
from storyline.read import read
from storyline.records import Article, DocError, RawDoc, Story
from storyline.store import Store

if TYPE_CHECKING:
    from storyline.pipeline import Pipeline

# Documents per transaction: small enough that a crash loses little, large enough that commits
# do not dominate (each commit is an fsync of the WAL).
CHUNK = 64

Progress = Callable[[str, RawDoc | DocError], None]


@dataclass
class IngestReport:
    """What one ``ingest`` call did. ``failed`` documents are listed by ``errors()``."""

    read: int = 0
    new: int = 0
    duplicates: int = 0
    failed: int = 0
    new_stories: int = 0
    errors: list[DocError] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "read": self.read,
            "new": self.new,
            "duplicates": self.duplicates,
            "failed": self.failed,
            "new_stories": self.new_stories,
            "errors": [
                {"source": e.source, "stage": e.stage, "reason": e.reason} for e in self.errors
            ],
        }


class Workspace:
    """One SQLite file of articles and stories, with the pipeline that fills it."""

    def __init__(
        self, path: str | os.PathLike[str], encoder: str = "use", create: bool = True
    ) -> None:
        self.path = Path(path)
        self.store = Store(self.path, create=create)
        self._encoder_spec = encoder
        self._pipeline: Pipeline | None = None

    def __repr__(self) -> str:
        c = self.store.counts()
        return (
            f"<storyline.Workspace {str(self.path)!r}: {c['articles']} articles, "
            f"{c['stories']} stories, {c['errors']} errors>"
        )

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:  # models load on first use, not on open
            from storyline.pipeline import Pipeline

            self._pipeline = Pipeline.default(self._encoder_spec)
        return self._pipeline

    # -- writing ------------------------------------------------------------------------------

    def ingest(
        self,
        inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        stdin: BinaryIO | None = None,
        progress: Progress | None = None,
        *,
        include: Iterable[str] = (),
        exclude: Iterable[str] = (),
    ) -> IngestReport:
        """Read, clean, embed and store every document in ``inputs`` (one path or several);
        then cluster them. ``include`` / ``exclude`` globs choose files in directories (see
        ``storyline.read.read``); the workspace's own files are never read."""
        if isinstance(inputs, str | os.PathLike):
            inputs = [inputs]
        report = IngestReport()
        pending: list[RawDoc | DocError] = []
        own = [f"{self.path}{suffix}" for suffix in ("", "-wal", "-shm", "-journal")]
        for item in read(inputs, stdin=stdin, include=include, exclude=exclude, skip=own):
            pending.append(item)
            if len(pending) >= CHUNK:
                self._ingest_chunk(pending, report, progress)
                pending = []
        self._ingest_chunk(pending, report, progress)
        report.new_stories = self.cluster()
        return report

    def _ingest_chunk(
        self, items: list[RawDoc | DocError], report: IngestReport, progress: Progress | None
    ) -> None:
        with self.store.transaction():
            for item in items:
                report.read += 1
                if isinstance(item, DocError):
                    outcome = self._fail(item, report)
                elif self.store.has_raw(item.sha256):
                    report.duplicates += 1
                    outcome = "duplicate"
                else:
                    outcome = self._add(item, report)
                if progress is not None:
                    progress(outcome, item)

    def _add(self, raw: RawDoc, report: IngestReport) -> str:
        try:
            article, embedding = self.pipeline.process(raw)
        except DocumentError as exc:
            return self._fail(DocError(raw.source, exc.reason, exc.stage, raw.sha256), report)
        self.store.add_raw(raw)
        self.store.add_article(article, embedding)
        report.new += 1
        return "new"

    def _fail(self, error: DocError, report: IngestReport) -> str:
        if self.store.has_error(error):
            report.duplicates += 1
            return "duplicate"
        self.store.add_error(error)
        report.failed += 1
        report.errors.append(error)
        return "failed"

    def cluster(self) -> int:
        """Give every article without a story its story (online). Returns new stories made."""
        pending = list(self.store.unassigned())
        if not pending:
            return 0
        index = StoryIndex(dim=pending[0][1].shape[0])
        for story, centroid in self.store.open_stories():
            index.load(
                story.id,
                centroid,
                story.size,
                timestamp(story.first_date),
                timestamp(story.last_date),
            )
        model = self.store.embedding(pending[0][0].id).model
        titles: dict[str, str] = {}
        with self.store.transaction():
            for article, vector in pending:
                decision = index.assign(article.raw_sha256, vector, article.published)
                if decision.new:
                    titles[decision.story_id] = article.title
                self._save_story(index, decision.story_id, titles, model)
                self.store.assign(article.id, decision.story_id, decision.score)
        return len(titles)

    def _save_story(
        self, index: StoryIndex, story_id: str, titles: dict[str, str], model: str
    ) -> None:
        size, first, last = index.span(story_id)
        story = Story(
            id=story_id,
            title=titles.get(story_id, ""),
            size=size,
            languages=(),
            sites=(),
            first_date=None if math.isnan(first) else datetime.fromtimestamp(first, UTC),
            last_date=None if math.isnan(last) else datetime.fromtimestamp(last, UTC),
        )
        self.store.save_story(story, index.centroid_sum(story_id), model, CLUSTERER)

    # -- reading ------------------------------------------------------------------------------

    def stories(self, limit: int | None = None, min_size: int = 1) -> list[Story]:
        """Stories, largest first."""
        return self.store.stories(limit=limit, min_size=min_size)

    def story(self, story_id: str) -> Story:
        return self.store.story(story_id)

    def articles(self, story_id: str | None = None) -> list[Article]:
        """All articles, or those of one story, in publication order."""
        return self.store.articles(story_id=story_id)

    def article(self, article_id: str) -> Article:
        return self.store.article(article_id)

    def search(self, query: str, limit: int = 20) -> list[tuple[Article, str]]:
        """Full-text search over titles and text: (article, snippet) pairs, best first."""
        return self.store.search(query, limit=limit)

    def errors(self) -> list[DocError]:
        return self.store.errors()


def open(
    path: str | os.PathLike[str] = "storyline.db", encoder: str = "use", create: bool = True
) -> Workspace:
    """Open the workspace file at ``path``; ``create=False`` raises ``WorkspaceMissing`` rather
    than make a new one."""
    return Workspace(path, encoder=encoder, create=create)
