"""Reading a workspace: stories, articles, search, errors, timelines, entities.

``Reading`` is the read half of ``storyline.Workspace`` (a mixin: ``workspace.py`` keeps
the writing half). Every method that takes an id also takes a unique prefix of one, like git.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from storyline.errors import NotFound
from storyline.match import Explanation
from storyline.query import Filters, bound
from storyline.records import (
    Article,
    Comparison,
    DocError,
    Embedding,
    EntityMention,
    Story,
    TimelineEvent,
)
from storyline.store import EntitySummary, Store
from storyline.timeline import StoryArticle, story_timeline

if TYPE_CHECKING:
    from storyline.pipeline import Pipeline

DateBound = datetime | date | str | None

# Stories (largest first) whose timelines ``entity`` reads for events: each costs the title
# mentions of its articles, so a name found in thousands of stories stays a quick command. The
# ``stories`` list itself is complete.
ENTITY_TIMELINES = 50


@dataclass(frozen=True, slots=True)
class EntityReport:
    """What ``storyline entity NAME`` shows: the entities found under that name, their stories
    and every dated event naming them (story id, event)."""

    query: str
    entities: list[EntitySummary]
    stories: list[Story]
    events: list[tuple[str, TimelineEvent]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "entities": [e.to_dict() for e in self.entities],
            "stories": [s.to_dict() for s in self.stories],
            "events": [e.to_dict() | {"story": story} for story, e in self.events],
        }


class Reading:
    store: Store
    _encoder_spec: str
    _pipeline: Pipeline | None

    @property
    def pipeline(self) -> Pipeline:
        """The cleaning and embedding stages; models load on first use."""
        if self._pipeline is None:  # models load on first use, not on open
            from storyline.pipeline import Pipeline

            self._pipeline = Pipeline.default(self._encoder_spec)
        return self._pipeline

    def stories(
        self,
        limit: int | None = None,
        min_size: int = 1,
        *,
        since: DateBound = None,
        until: DateBound = None,
        lang: str | None = None,
        site: str | None = None,
    ) -> list[Story]:
        """Stories, largest first; ``since`` / ``until`` keep those whose dates overlap the
        window (ISO text, ``date`` or ``datetime``; naive means UTC), ``lang`` / ``site`` those
        with an article in that language / from that site."""
        where = Filters(
            lang=lang,
            site=site,
            since=bound(since),
            until=bound(until, end=True),
            min_size=min_size,
            limit=limit,
        )
        return self.store.find_stories(where)

    def find_stories(self, where: Filters, members: bool = True) -> list[Story]:
        """Stories matching a whole ``Filters`` record: also its ``order`` (``"newest"``),
        ``offset`` (pages) and ``entities`` (ids, see ``entity_ids``) — the web app's list.
        Without ``members`` each story's ``articles`` is empty (cheaper for a listing)."""
        return self.store.find_stories(where, members)

    def story(self, story_id: str) -> Story:
        """One story by id or unique id prefix; ``NotFound`` / ``AmbiguousId`` otherwise."""
        return self.store.story(self.store.resolve_id("story", story_id))

    def articles(
        self,
        story_id: str | None = None,
        *,
        lang: str | None = None,
        site: str | None = None,
        since: DateBound = None,
        until: DateBound = None,
        limit: int | None = None,
    ) -> list[Article]:
        """All articles, or those of one story (id or prefix), in publication order, filtered
        like ``stories`` (an undated article is outside any date window)."""
        story = None if story_id is None else self.store.resolve_id("story", story_id)
        where = Filters(
            story=story,
            lang=lang,
            site=site,
            since=bound(since),
            until=bound(until, end=True),
            limit=limit,
        )
        return self.store.find_articles(where)

    def article(self, article_id: str) -> Article:
        """One article by id or unique id prefix; ``NotFound`` / ``AmbiguousId`` otherwise."""
        return self.store.article(self.store.resolve_id("article", article_id))

    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[tuple[Article, str]]:
        """Full-text search over titles and text: (article, snippet) pairs, best first.

        A query that is not valid FTS5 syntax (a stray quote or operator) raises ``InputError``
        saying how to quote it; text in a script written without spaces (CJK, Thai) is searched
        as substrings. ``offset`` skips the first hits (a later page)."""
        return self.store.search(query, limit=limit, offset=offset)

    def errors(self, limit: int | None = None, offset: int = 0) -> list[DocError]:
        """Documents that could not be ingested, oldest first; ``limit``/``offset`` page."""
        return self.store.errors(limit=limit, offset=offset)

    def error_count(self) -> int:
        """How many error rows the workspace holds."""
        return self.store.error_count()

    # -- who, where, when -----------------------------------------------------------------

    def timeline(
        self, story_id: str, *, members: Sequence[Article] | None = None
    ) -> list[TimelineEvent]:
        """The dated events of one story (id or prefix), in date order, each with every
        article's own sentence as evidence (see ``storyline.timeline``). ``members``: the
        story's articles as ``articles(story_id)`` returns them, when the caller has them."""
        from storyline.pipeline import link_entities

        if members is None:
            members = self.store.articles(self.store.resolve_id("story", story_id))
        return story_timeline(self._story_items(members), link=link_entities)

    def _story_items(
        self, members: Sequence[Article], bare: Iterable[str] = ()
    ) -> list[StoryArticle]:
        """``members`` as the timeline and compare read them: with their stored vectors (one
        query for all) and title mentions; the ``bare`` ids (reprints) with neither."""
        from storyline.pipeline import title_mentions

        skip = set(bare)
        vectors = self.store.embeddings(a.id for a in members if a.id not in skip)
        items = []
        for a in members:
            if a.id in skip:
                items.append(StoryArticle(a))
                continue
            title_entities, title_dates = title_mentions(a)
            items.append(StoryArticle(a, vectors.get(a.id), title_entities, title_dates))
        return items

    def entities(self, story_id: str) -> list[EntitySummary]:
        """The people, organisations and places of one story, most mentioned first: one row per
        entity across its languages (ids joined by ``entities.link``)."""
        from storyline.pipeline import link_entities

        story = self.store.resolve_id("story", story_id)
        summaries = self.store.story_entities(story)
        mentions = [
            EntityMention(s.name, 0, 0, s.type, s.id, s.name, s.country, s.lat, s.lon)
            for s in summaries
        ]
        return joined(summaries, link_entities(mentions) if mentions else {})

    def entity_ids(self, name: str) -> list[str]:
        """The ids of the entities called ``name`` in any language or inflection (or with that
        id): what ``entity`` reports on, and what ``Filters.entities`` filters by."""
        from storyline.entities import search_keys

        return self.store.entity_ids({name, *search_keys(name)})

    def entity(self, name: str) -> EntityReport:
        """Every story and dated event of the entity called ``name`` in any language (looked up
        under ``entities.search_keys``; an entity id works too). Events come from the
        ``ENTITY_TIMELINES`` largest stories; ``NotFound`` when no entity has that name."""
        from storyline.entities import search_keys

        keys = {name, *search_keys(name)}
        ids = self.entity_ids(name)
        if not ids:
            raise NotFound(
                f"no entity named {name!r}: list a story's entities with `storyline entities STORY`"
            )
        stories = [self.store.story(s) for s in self.store.entity_stories(ids)]
        events: list[tuple[str, TimelineEvent]] = []
        wanted = set(ids)
        for story in stories[:ENTITY_TIMELINES]:
            for event in self.timeline(story.id):
                if wanted & {m.id for m in event.entities} or _names(event, keys):
                    events.append((story.id, event))
        return EntityReport(name, joined(self.store.entity_summaries(ids), {}), stories, events)

    def compare(self, story_id: str) -> Comparison:
        """What each source of one story (id or prefix) states and which others state it too:
        its facts, each with every source's own statement (see ``storyline.compare``). Past
        ``compare.MAX_ARTICLES`` independent articles, the earliest are compared
        (``Comparison.left_out`` names the others)."""
        from storyline.compare import chosen, compare
        from storyline.pipeline import link_entities

        story = self.store.resolve_id("story", story_id)
        members = self.store.articles(story)
        kept, copies, left_out = chosen(members)
        wanted = {a.id for a in kept} | {c for a in kept for c in copies.get(a.id, ())}
        chosen_members = [a for a in members if a.id in wanted]
        # A reprint's statements are its original's: it needs neither vectors nor mentions.
        reprints = [a.id for a in chosen_members if a.copy_of in wanted]
        items = self._story_items(chosen_members, bare=reprints)
        encode = self.pipeline.encoder.encode
        return compare(story, items, encode, link=link_entities, left_out=left_out)

    # -- same story ----------------------------------------------------------------------

    def why(self, article_id: str | Article, other_id: str) -> Why:
        """Why ``article_id`` and ``other_id`` — another article, or a story (ids or unique
        prefixes; an id that is both is taken as an article) — are or are not one story.
        ``article_id`` may be the article itself, as ``article()`` returned it."""
        from storyline.match import Group, default_matcher, profile
        from storyline.settings import SETTINGS

        matcher = default_matcher()
        threshold = self.store.settings().get("join_threshold", SETTINGS["join_threshold"].default)
        article = article_id if isinstance(article_id, Article) else self.article(article_id)
        kind, other = self._article_or_story(other_id)
        if kind == "article":
            a, b = (profile(x, self._all_sentences(x)) for x in (article, self.article(other)))
            return Why(article.id, other, kind, matcher.explain(a, b), threshold)
        # The story as the clusterer keeps it (sums and counts, O(1) in its size), less the
        # article when it is a member; rebuilt from its members when that leaves one (the pair
        # features need the member itself) or the workspace predates stored groups. Stories
        # are matched without sentence vectors (``clusterable``): neither side reads them.
        group = self.store.story_group(other)
        member = article.story_id == other
        alone = NotFound(f"story {other!r} has no member besides {article.id!r}")
        if group is not None and group.size - member < 1:
            raise alone
        mine = profile(article, self.store.embedding(article.id, sentences=False))
        if group is not None and group.size - member > 1:
            theirs = group.without(mine) if member else group
        else:
            rest = [profile(a, e) for a, e in self.store.clusterable(other) if a.id != article.id]
            if not rest:
                raise alone
            theirs = Group.of(rest)
        return Why(article.id, other, kind, matcher.explain(mine, theirs), threshold)

    def _all_sentences(self, article: Article) -> Embedding:
        """The stored vectors of ``article`` with a vector for every sentence: encoded again
        when its row keeps only some (an article alone in its story: ``clustering``)."""
        from storyline.embed import sentence_vectors, sentences_of

        stored = self.store.embedding(article.id)
        if len(stored.sentences) >= len(sentences_of(article)):
            return stored
        sentences, vectors = sentence_vectors(article, self.pipeline.encoder)
        return replace(stored, sentences=sentences, sentence_vectors=vectors)

    def _article_or_story(self, some_id: str) -> tuple[str, str]:
        """("article", id) or ("story", id) for an id or unique prefix of either."""
        try:
            return "article", self.store.resolve_id("article", some_id)
        except NotFound:
            return "story", self.store.resolve_id("story", some_id)


@dataclass(frozen=True, slots=True)
class Why:
    """Why an article and another article (``kind`` ``"article"``) or a story (``"story"``)
    are, or are not, one story: the matcher's features, their contributions and its score,
    next to the join threshold in force. An article compared with its own story is compared
    with the story's *other* members (what it would score joining them now)."""

    article: str
    other: str
    kind: str
    explanation: Explanation
    threshold: float
    time_prior: float = 0.0  # logits taken off for the days between them (``time_prior``)

    @property
    def score(self) -> float:
        """The matcher's score with the time prior on its odds: what the clusterer uses."""
        logit = self.explanation.bias + sum(self.explanation.contributions.values())
        return 1.0 / (1.0 + math.exp(-(logit - self.time_prior)))

    @property
    def same(self) -> bool:
        return self.score >= self.threshold

    def to_dict(self) -> dict[str, Any]:
        return (
            {
                "article": self.article,
                "other": self.other,
                "kind": self.kind,
                "same_story": self.same,
                "threshold": self.threshold,
            }
            | self.explanation.to_dict()
            | {"matcher_score": self.explanation.score, "score": self.score}
            | {"time_prior": -self.time_prior}
        )


def joined(summaries: list[EntitySummary], canonical: dict[str, str]) -> list[EntitySummary]:
    """Summaries of ids that ``canonical`` maps to one entity added up, most mentioned first."""
    out: dict[str, EntitySummary] = {}
    for s in summaries:
        key = canonical.get(s.id, s.id)
        if key not in out:
            out[key] = replace(s, id=key)
            continue
        seen = out[key]
        out[key] = replace(
            seen,
            mentions=seen.mentions + s.mentions,
            articles=tuple(dict.fromkeys(seen.articles + s.articles)),
            languages=tuple(sorted(set(seen.languages) | set(s.languages))),
            country=seen.country or s.country,
        )
    return sorted(out.values(), key=lambda e: (-e.mentions, e.name, e.id))


def _names(event: TimelineEvent, keys: Iterable[str]) -> bool:
    folded = {k.casefold() for k in keys}
    return any(m.name.casefold() in folded for m in event.entities)
