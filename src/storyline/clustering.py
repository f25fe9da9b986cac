"""Clustering a workspace: the online assignment of its articles to stories, in total order.

``Clustering`` is the story half of ``storyline.Workspace`` (a mixin, like ``browse.Reading``;
``workspace.py`` keeps ingest): it runs the clusterer of ``storyline.cluster`` over what the
store holds. ``cluster`` gives every article without a story its story; ``settle`` takes an
ingest's provisional assignments back and assigns them again in ``cluster.order_key`` order;
after each settled run the revise pass (``cluster.revise``) splits drifted members out and
merges stories that grew together, each change stored with its history. The join, merge and
split thresholds and the time window are named settings a workspace may pin (``configure``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from storyline.cluster import CLUSTERER, GroupScorer, StoryIndex, moment, order_key, timestamp
from storyline.cluster.revise import Member, revise
from storyline.match import Group, profile
from storyline.pool import reason
from storyline.records import Article, DocError, Embedding, Story
from storyline.settings import SETTINGS, setting
from storyline.store import Store, StoryEvent, is_store_failure

if TYPE_CHECKING:
    from storyline.pipeline import Pipeline
    from storyline.workspace import IngestReport

log = logging.getLogger(__name__)


class Clustering:
    store: Store
    if TYPE_CHECKING:  # ``browse.Reading``'s, in a Workspace

        @property
        def pipeline(self) -> Pipeline: ...

    _index: StoryIndex | None
    _index_version: int
    _scorer: GroupScorer | None

    def settle(self) -> int:
        """Assign every provisionally assigned or unassigned article again, in the total order
        (one transaction). Returns the number of stories made by it."""
        self._index = None
        with self.store.transaction():
            model = None
            for story_id in self.store.take_back_provisional():
                members = self.store.clusterable(story_id)
                if not members:
                    self.store.delete_story(story_id)
                    continue
                model = model or self._model()
                self._recompute(story_id, members, model)
            return self._cluster(provisional=False)

    def cluster(self) -> int:
        """Give every article without a story its story (online). Returns new stories made."""
        with self.store.transaction():
            return self._cluster(provisional=False)

    @property
    def settings(self) -> dict[str, float]:
        """Every named setting (``storyline.settings.SETTINGS``) with its value here: the one a
        user pinned in this workspace, else the calibrated default."""
        pinned = self.store.settings()
        return {name: pinned.get(name, s.default) for name, s in SETTINGS.items()}

    def configure(self, name: str, value: float | str | None) -> float:
        """Pin setting ``name`` in this workspace (``None``: back to its default); returns the
        value now in force. Applies to articles clustered from now on."""
        spec = setting(name)
        number = None if value is None else spec.parse(str(value))
        with self.store.transaction():
            self.store.put_setting(name, number)
        self._index = None
        return self.settings[name]

    def _model(self) -> str:
        row = self.store.conn.execute("SELECT model FROM embeddings LIMIT 1").fetchone()
        return str(row[0]) if row else ""

    def _recompute(
        self, story_id: str, members: list[tuple[Article, Embedding]], model: str
    ) -> None:
        """Save a story again from the members it has left."""
        group = Group.of(profile(article, embedding) for article, embedding in members)
        story = Story(
            id=story_id,
            title="",
            size=group.size,
            languages=(),
            sources=(),
            first_date=moment(group.first),
            last_date=moment(group.last),
        )
        self.store.save_story(story, group.doc_sum, model, CLUSTERER, group)

    def _cluster(self, provisional: bool, report: IngestReport | None = None) -> int:
        """Assign unassigned articles in the total order, inside the caller's transaction."""
        pending = sorted(
            self.store.clusterable(),
            key=lambda p: order_key(p[0].published, p[0].raw_sha256, p[0].published_granularity),
        )
        if not pending:
            return 0
        index = self._story_index(dim=pending[0][1].doc.shape[0])
        model = self._model()
        titles: dict[str, str] = {}
        touched: set[str] = set()
        copies = {a.id: a.copy_of for a in self.store.with_copies([a for a, _ in pending])}
        placed: dict[str, str] = {}
        for article, embedding in pending:
            try:
                with self.store.savepoint():
                    # A reprint goes where its original went: a copy is the same story.
                    original = copies.get(article.id)
                    into = None
                    if original is not None:
                        into = placed.get(original) or self.store.story_of(original)
                    decision = index.join(
                        article.raw_sha256, profile(article, embedding), into=into
                    )
                    placed[article.id] = decision.story_id
                    if decision.new:
                        titles[decision.story_id] = article.title
                    self._save_story(index, decision.story_id, titles, model)
                    self.store.assign(article.id, decision.story_id, decision.score, provisional)
                    touched.add(decision.story_id)
            except Exception as exc:
                if is_store_failure(exc):
                    raise
                # The index may hold half of this article: rebuild it from the store.
                log.debug("clustering %s failed", article.source, exc_info=True)
                self._index = None
                self._drop(article, reason(exc), report)
                return len(titles) + self._cluster(provisional, report)
        if not provisional:
            touched |= self._revise(index, touched, titles, model)
        self._compact(touched)
        return len(titles)

    def _compact(self, story_ids: set[str]) -> None:
        """Keep of ``story_ids`` what later stages read. Most stories have one article, and
        its vectors were most of a workspace. Sentence vectors: every one for the members of
        a story of two or more (compare, the timeline's matching of events across articles,
        ``why``); for an article alone in its story, only those of its dated paragraphs (its
        own timeline). An article that gains a companion gets its vectors back (encoded
        again: the same sentences, as ``embed`` gives them). And a story of one article keeps
        no copy of that article's document and title vectors as its sums."""
        self.store.share_lone_vectors(story_ids)
        from storyline.embed import sentence_vectors
        from storyline.timeline import dated_paragraphs

        for article_id, size, partial in self.store.sentence_states(story_ids):
            if (size > 1) != partial:
                continue
            article = self.store.article(article_id)
            if partial:  # it has a companion now
                encoder = self.pipeline.encoder
                if self.store.embedding(article.id, sentences=False).model != encoder.name:
                    continue  # made by another model: compare encodes what it needs
                sentences, vectors = sentence_vectors(article, encoder)
                self.store.put_sentences(article.id, article.text, sentences, vectors, False)
                continue
            embedding = self.store.embedding(article.id)
            dated = [(start, end) for _, start, end in dated_paragraphs(article)]
            keep, at = [], 0
            for i, sentence in enumerate(embedding.sentences):
                start = article.text.find(sentence, at)
                at = max(at, start + len(sentence)) if start >= 0 else at
                if start < 0 or any(s <= start <= e for s, e in dated):
                    keep.append(i)  # (a sentence not found in the text: kept, to be safe)
            self.store.put_sentences(
                article.id,
                article.text,
                [embedding.sentences[i] for i in keep],
                embedding.sentence_vectors[keep],
                True,
            )

    def _revise(
        self, index: StoryIndex, touched: set[str], titles: dict[str, str], model: str
    ) -> set[str]:
        """The periodic pass after each settled run (``cluster.revise``): drifted members
        split out, stories that grew together merged; each change is stored with its history
        (a merged id redirects to the survivor). Returns the stories it changed."""
        settings = self.settings

        def members_of(story_id: str) -> list[Member]:
            return [
                Member(a.id, a.raw_sha256, profile(a, e))
                for a, e in self.store.clusterable(story_id)
            ]

        changes = revise(
            index,
            touched,
            members_of,
            settings["merge_threshold"],
            settings["split_threshold"],
        )
        for change in changes:
            if change.kind == "split":
                assert change.article is not None
                article = self.store.article(change.article)
                if change.new:
                    titles[change.other] = article.title
                self.store.assign(change.article, change.other, change.joined)
            else:
                self.store.move_members(change.other, change.story)
                self.store.delete_story(change.other)
                self.store.redirect_story(change.other, change.story)
            if change.other in index:
                self._save_story(index, change.other, titles, model)
            if change.story in index:
                self._save_story(index, change.story, titles, model)
            self.store.record_story_event(
                StoryEvent(
                    change.story,
                    change.kind,
                    change.other,
                    change.article,
                    change.score,
                    None,
                    CLUSTERER,
                )
            )
        return {story for change in changes for story in (change.story, change.other)}

    def _story_index(self, dim: int) -> StoryIndex:
        """The open stories, from the store unless the cached index is still current."""
        version = self.store.data_version()
        if self._index is not None and self._index.dim == dim and self._index_version == version:
            return self._index
        settings = self.settings
        index = StoryIndex(
            dim=dim,
            scorer=self._scorer,
            threshold=settings["join_threshold"] if self._scorer is not None else None,
            window_days=settings["window_days"],
        )
        for story, centroid, group in self.store.open_stories():
            index.load(
                story.id,
                centroid,
                story.size,
                timestamp(story.first_date),
                timestamp(story.last_date),
                group,
            )
        self._index, self._index_version = index, version
        return index

    def _drop(self, article: Article, reason: str, report: IngestReport | None) -> None:
        """An article clustering cannot take becomes an error row (stage ``cluster``)."""
        error = DocError(article.source, reason, "cluster", article.raw_sha256)
        self.store.remove_article(article.id)
        if not self.store.has_error(error):
            self.store.add_error(error)
            if report is not None:
                report.failed += 1
                report.new -= 1
                report.errors.append(error)

    def _save_story(
        self, index: StoryIndex, story_id: str, titles: dict[str, str], model: str
    ) -> None:
        size, first, last = index.span(story_id)
        story = Story(
            id=story_id,
            title=titles.get(story_id, ""),
            size=size,
            languages=(),
            sources=(),
            first_date=moment(first),
            last_date=moment(last),
        )
        self.store.save_story(
            story, index.centroid_sum(story_id), model, CLUSTERER, index.group(story_id)
        )
