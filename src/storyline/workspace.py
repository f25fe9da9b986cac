"""A workspace: the store plus the pipeline, the library's front door.

    >>> import storyline
    >>> ws = storyline.open("news.db")
    >>> report = ws.ingest(["pages/"])
    >>> for story in ws.stories(): ...

Ingest is resumable: documents are committed in chunks, each raw document is keyed by the
sha256 of its bytes (the same input twice adds nothing), and clustering picks up every stored
article that has no story yet — also those left by an interrupted run.

Per-document isolation: whatever one document raises — in the reader, extract, language,
embed, the store insert (each document's rows go in under their own SAVEPOINT) or clustering —
becomes that document's error row (stage and reason; an unexpected exception is recorded with
its type and message, its traceback logged at debug level) and the rest of the chunk and the
batch go on. Only a failure of the store itself (``StoreError``: disk full, read-only, corrupt)
stops an ingest.

Concurrency: a chunk is read, cleaned and encoded with no lock held; only then does one short
``BEGIN IMMEDIATE`` transaction re-check for duplicates (another process may have stored the
same bytes meanwhile), insert the chunk and assign its articles to stories *provisionally*, so
readers see stories grow while a long ingest runs. When the run ends, a settle pass (one
transaction) takes every provisional assignment back and assigns those articles again in the
total order of ``cluster.order_key``: the same documents give the same story ids and groupings
whatever their input order. Writers queue on SQLite's busy timeout (``BUSY_TIMEOUT_MS``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from storyline import dedup
from storyline.browse import Reading
from storyline.cluster import GroupScorer, StoryIndex
from storyline.clustering import Clustering
from storyline.errors import MissingDependency, StoreError
from storyline.match import default_matcher
from storyline.pool import Pool, Result, can_fork, process, reason
from storyline.read import read
from storyline.read.files import Selection, display_path, expand, selection
from storyline.read.sidecar import supplied
from storyline.records import Article, DocError, Embedding, RawDoc
from storyline.store import Store, is_store_failure

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from storyline.pipeline import Pipeline

log = logging.getLogger(__name__)

# Documents per write transaction: small enough that a crash loses little and other writers
# wait little, large enough that commits do not dominate (each commit is an fsync of the WAL).
CHUNK = 64

# Documents an ingest cleans in its own process before it starts a pool of workers (a few
# seconds of model loading and a fork): a handful of pages is done sooner without one.
SERIAL_FIRST = 16

Progress = Callable[[str, RawDoc | DocError], None]
# Reprocessing progress: (articles done, articles to do).
Reprogress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Renamed:
    """A document whose own id was already taken: stored under ``stored_as`` instead."""

    source: str
    id: str
    stored_as: str


@dataclass
class IngestReport:
    """What one ``ingest`` call did. ``failed`` documents are listed by ``errors()``;
    ``renamed`` lists documents whose id (a JSONL ``id``) was taken and had to change."""

    read: int = 0
    new: int = 0
    duplicates: int = 0
    failed: int = 0
    new_stories: int = 0
    errors: list[DocError] = field(default_factory=list)
    renamed: list[Renamed] = field(default_factory=list)
    # Stored articles per language that is not embedded (``Article.supported`` False): named,
    # stored and searchable, but not matched across languages.
    unsupported: dict[str, int] = field(default_factory=dict)
    # Articles stored before this run whose mentions were made again (``Workspace.reprocess``).
    reprocessed: int = 0

    def to_dict(self) -> dict[str, object]:
        """The JSON object ``ingest --format json`` prints."""
        return {
            "read": self.read,
            "new": self.new,
            "duplicates": self.duplicates,
            "failed": self.failed,
            "new_stories": self.new_stories,
            "errors": [
                {"source": e.source, "stage": e.stage, "reason": e.reason} for e in self.errors
            ],
            "renamed": [
                {"source": r.source, "id": r.id, "stored_as": r.stored_as} for r in self.renamed
            ],
            "unsupported_languages": dict(sorted(self.unsupported.items())),
            "reprocessed": self.reprocessed,
        }


class Workspace(Reading, Clustering):
    """One SQLite file of articles and stories, with the pipeline that fills it (the reads are
    in ``storyline.browse.Reading``)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        encoder: str = "use",
        create: bool = True,
        readonly: bool = False,
    ) -> None:
        self.path = Path(path)
        self.store = Store(self.path, create=create, readonly=readonly)
        self._encoder_spec = encoder
        self._pipeline: Pipeline | None = None
        # Open stories kept between chunks of one run; rebuilt from the store whenever another
        # connection has committed since (``PRAGMA data_version``) or a write was rolled back.
        self._index: StoryIndex | None = None
        self._index_version = -1
        # What scores an article against a story: the shipped matcher (``storyline.match``).
        self._scorer: GroupScorer | None = default_matcher()

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
        """Close the workspace file (``with storyline.open(...) as ws:`` does it for you)."""
        self.store.close()

    @property
    def files(self) -> tuple[Path, ...]:
        """The workspace's own files (database, -wal, -shm, -journal), absolute: never input."""
        return self.store.files

    # -- writing ------------------------------------------------------------------------------

    def ingest(
        self,
        inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        stdin: BinaryIO | None = None,
        progress: Progress | None = None,
        *,
        include: Iterable[str] = (),
        exclude: Iterable[str] = (),
        published: str | None = None,
        workers: int | None = None,
    ) -> IngestReport:
        """Read, clean, embed and store every document in ``inputs`` (one path or several);
        then cluster them. ``include`` / ``exclude`` globs choose files in directories (see
        ``storyline.read.read``); the workspace's own files are never read. ``published``
        (ISO 8601) dates every document that has no date of its own. ``workers`` processes
        clean and embed the documents after the first ``SERIAL_FIRST`` (default: one per
        usable core; 1 keeps it all in this process; see ``storyline.pool``). Raises
        ``StoreError`` only when the workspace itself fails (``InputError`` for a bad path or
        date)."""
        published = supplied(published)
        if self.store.readonly:
            raise StoreError(f"workspace {str(self.path)!r} is open read-only: cannot ingest")
        if isinstance(inputs, str | os.PathLike):
            inputs = [inputs]
        report = IngestReport()
        chosen = selection(include, exclude, (str(f) for f in self.files))
        documents = self._documents(inputs, stdin, chosen, published)
        processed = self._processed(documents, workers)
        while chunk := list(islice(processed, CHUNK)):  # all in hand before the write lock
            self._ingest_chunk(chunk, report, progress)
        report.new_stories = self.settle()
        report.reprocessed = self.reprocess()
        return report

    def reprocess(self, progress: Reprogress | None = None) -> int:
        """Run the mentions stage again on every stored article whose mentions were made by
        another version (or never: articles of a workspace made before it existed), and the
        dedup stage on every article without a signature of this version, from the stored
        text, in batches of ``CHUNK`` committed as they go. Returns how many articles."""
        from storyline.pipeline import annotate, entity_keys, mentions_version

        if self.store.readonly:
            raise StoreError(f"workspace {str(self.path)!r} is open read-only: cannot reprocess")
        version = mentions_version()
        total = self.store.stale_count(version)
        done: set[str] = set()
        skipped: set[str] = set()
        while len(done) + len(skipped) < total:
            ids = [i for i in self.store.stale(version, CHUNK + len(skipped)) if i not in skipped]
            if not ids:
                break
            annotated = [self._annotate(a, annotate) for a in self.store.articles(ids=ids)]
            with self.store.transaction():
                for article in annotated:
                    if article.mentions != version:  # it failed, or the stage did not run
                        skipped.add(article.id)
                        continue
                    self.store.save_mentions(article.id, article, entity_keys(article))
                    done.add(article.id)
            if progress is not None:
                progress(len(done) + len(skipped), total)
            if all(a.mentions != version for a in annotated):
                break  # every article of the batch failed: leave them for the next run
        return len(done | self._title_stale(version) | self._fingerprint_stale(progress))

    def _title_stale(self, version: str) -> set[str]:
        """The mentions stage over the title of every article stored without it (a workspace
        made before titles were annotated), each batch one transaction."""
        from storyline.pipeline import find_title_mentions

        done: set[str] = set()
        while ids := [i for i in self.store.untitled(version, CHUNK) if i not in done]:
            found = []
            for a in self.store.articles(ids=ids):
                try:
                    found.append((a.id, *find_title_mentions(a)))
                except Exception:  # a title the models cannot take: none, as for a bad text
                    log.debug("title mentions of %s failed", a.id, exc_info=True)
                    found.append((a.id, (), ()))
            with self.store.transaction():
                for article_id, entities, dates in found:
                    self.store.save_title_mentions(article_id, version, entities, dates)
            done.update(ids)
        return done

    def _fingerprint_stale(self, progress: Reprogress | None) -> set[str]:
        """The dedup stage on every article without a signature of ``dedup.VERSION`` (each
        batch one transaction; the links are made as for new articles, so a group ends
        pointing at its earliest member whatever order the batches come in)."""
        if self.store.has_other_fingerprints(dedup.VERSION):
            with self.store.transaction():
                self.store.drop_fingerprints(dedup.VERSION)
        total = self.store.unfingerprinted_count(dedup.VERSION)
        done: set[str] = set()
        skipped: set[str] = set()
        while len(done) + len(skipped) < total:
            ids = self.store.unfingerprinted(dedup.VERSION, CHUNK + len(skipped))
            articles = self.store.articles(ids=[i for i in ids if i not in skipped])
            if not articles:
                break
            with self.store.transaction():
                for article in articles:
                    try:
                        with self.store.savepoint():
                            self._fingerprint(article.id, article)
                    except Exception as exc:  # one article's failure, not the batch's
                        if is_store_failure(exc):
                            raise
                        log.warning("dedup of article %s failed: %s", article.id, reason(exc))
                        skipped.add(article.id)
                        continue
                    done.add(article.id)
            if progress is not None:
                progress(len(done) + len(skipped), total)
        return done

    def _fingerprint(self, article_id: str, article: Article) -> None:
        """The dedup stage on one stored article: its signature, and its link to the earliest
        stored article it is a copy of (inside the caller's transaction)."""
        print_ = dedup.fingerprint(article)
        self.store.save_fingerprint(article_id, print_)
        self.store.link_reprint(article_id, print_)

    def _annotate(self, article: Article, annotate: Callable[[Article], Article]) -> Article:
        """The mentions stage on one stored article; a failure costs that article (logged, left
        for the next run), never the batch."""
        try:
            return annotate(article)
        except (StoreError, MissingDependency):
            raise
        except Exception as exc:  # one article's failure, not the batch's
            log.warning("mentions of article %s failed: %s", article.id, reason(exc))
            log.debug("mentions of %s failed", article.id, exc_info=True)
            return article

    def _documents(
        self,
        inputs: Iterable[str | os.PathLike[str]],
        stdin: BinaryIO | None,
        chosen: Selection,
        published: str | None,
    ) -> Iterator[RawDoc | DocError]:
        """Every document of every chosen input file; a reader that raises costs only that
        file."""
        # expand raises InputError up front for a path that is not there
        for path in expand(inputs, chosen):
            try:
                yield from read([path], stdin=stdin, published=published)
            except Exception as exc:  # a reader bug costs one file, not the batch
                log.debug("reading %r failed", path, exc_info=True)
                yield DocError(display_path(path), reason(exc), "read")

    def _processed(
        self, documents: Iterable[RawDoc | DocError], workers: int | None
    ) -> Iterator[tuple[RawDoc | DocError, Result | None]]:
        """Each document with what cleaning and embedding it gave (None: nothing to do). The
        first ``SERIAL_FIRST`` run here; a longer input goes on in a pool of ``workers``
        processes, which is worth its start (every model loaded, then a fork) only then, and
        starts only when a document needs it."""
        documents = iter(documents)
        for item in islice(documents, SERIAL_FIRST):
            yield item, self._process(item)
        from storyline.embed import usable_cores

        workers = usable_cores() if workers is None else workers
        if workers <= 1 or not can_fork():
            yield from ((item, self._process(item)) for item in documents)
            return
        with Pool(lambda: self.pipeline, workers, ahead=CHUNK) as pool:
            yield from pool.map(documents, skip=self._stored)

    def _stored(self, item: RawDoc | DocError) -> bool:
        """Nothing to clean: an error row already, or bytes the store holds."""
        return isinstance(item, DocError) or self.store.has_raw(item.sha256)

    def _ingest_chunk(
        self,
        chunk: list[tuple[RawDoc | DocError, Result | None]],
        report: IngestReport,
        progress: Progress | None,
    ) -> None:
        outcomes: list[tuple[str, RawDoc | DocError]] = []
        try:
            with self.store.transaction():
                for item, result in chunk:
                    report.read += 1
                    outcomes.append((self._write(item, result, report), item))
                self._cluster(provisional=True, report=report)
        except BaseException:
            self._index = None  # it may hold assignments that were rolled back
            raise
        if progress is not None:
            for outcome, item in outcomes:
                progress(outcome, item)

    def _process(self, item: RawDoc | DocError) -> Result | None:
        """Clean and embed one document; None for bytes already stored."""
        if self._stored(item):
            return None
        assert isinstance(item, RawDoc)
        pipeline = self.pipeline  # a model that cannot load fails the run, not each document
        return process(pipeline, item)

    def _write(
        self,
        item: RawDoc | DocError,
        result: tuple[Article, Embedding] | DocError | None,
        report: IngestReport,
    ) -> str:
        if isinstance(item, DocError):
            return self._fail(item, report)
        if isinstance(result, DocError):
            return self._fail(result, report)
        if result is None or self.store.has_raw(item.sha256):  # stored (maybe meanwhile)
            report.duplicates += 1
            return "duplicate"
        article, embedding = result
        try:
            with self.store.savepoint():
                self.store.add_raw(item)
                stored_as = self.store.add_article(article, embedding)
                from storyline.pipeline import entity_keys  # loaded with the pipeline

                self.store.save_mentions(stored_as, article, entity_keys(article))
                self._fingerprint(stored_as, article)
        except Exception as exc:
            if is_store_failure(exc):
                raise
            log.debug("storing %s failed", item.source, exc_info=True)
            return self._fail(DocError(item.source, reason(exc), "store", item.sha256), report)
        if stored_as != article.id:
            report.renamed.append(Renamed(item.source, article.id, stored_as))
        if not article.supported:
            lang = article.lang or "unknown"
            report.unsupported[lang] = report.unsupported.get(lang, 0) + 1
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

    # -- exchange -----------------------------------------------------------------------------

    def to_arrow(self, kind: str = "articles") -> pa.Table:
        """One record kind (``export.KINDS``: articles, stories, errors) as a pyarrow Table
        with the versioned export schema; dates are UTC timestamps."""
        from storyline.export import to_arrow

        return to_arrow(self, kind)

    def to_pandas(self, kind: str = "articles") -> pd.DataFrame:
        """``to_arrow(kind)`` as a pandas DataFrame (needs the optional ``pandas`` package)."""
        from storyline.export import to_pandas

        return to_pandas(self, kind)

    def export(
        self,
        directory: str | os.PathLike[str],
        fmt: str = "parquet",
        kinds: Iterable[str] | None = None,
    ) -> list[Path]:
        """Write every record kind (or ``kinds``) to ``directory`` as parquet, csv or jsonl
        files, plus ``schema.json``; returns the paths written."""
        from storyline.export import export

        return export(self, Path(directory), fmt, kinds)


def open(
    path: str | os.PathLike[str] = "storyline.db",
    encoder: str = "use",
    create: bool = True,
    readonly: bool = False,
) -> Workspace:
    """Open the workspace file at ``path``; ``create=False`` raises ``WorkspaceMissing`` rather
    than make a new one; ``readonly=True`` never writes to the file."""
    return Workspace(path, encoder=encoder, create=create, readonly=readonly)
