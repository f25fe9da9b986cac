"""The per-document stages on every core: a pool of forked worker processes.

``Pipeline.process`` (extract, language, mentions, embed) is pure over one document and costs
~0.4 s of one core per news page, while the store and the clusterer need one writer; so an
ingest hands the documents to worker processes and keeps the writes in the parent.

The parent loads every model first (``warm``), freezes its objects for the garbage collector and
forks, so the workers share the model weights copy-on-write instead of loading ~800 MB each.
Results come back in input order. Work is bounded: at most ``ahead`` documents are in flight.

A worker that dies (killed, out of memory, a crash in a C extension) costs only the document it
was working on: the documents in flight are run again one at a time in a fresh pool, and the
one that kills its worker again becomes an error row (stage ``process``). A single-process run
(``workers=1``, or a platform without ``fork``) runs the same function in the parent.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import logging
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, TypeVar, cast

from storyline.errors import DocumentError, MissingDependency, StoreError
from storyline.records import Article, DocError, Embedding, RawDoc
from storyline.store import MAX_REASON_CHARS

if TYPE_CHECKING:
    from storyline.pipeline import Pipeline

log = logging.getLogger(__name__)

Result = tuple[Article, Embedding] | DocError
T = TypeVar("T")
# What an error row says when a document's worker died twice on it.
DIED = "the worker process died while processing this document (killed or crashed), twice"

# The stage an unexpected exception is recorded under: the deepest storyline module it passed.
STAGES = (
    ("storyline.read", "read"),
    ("storyline.decode", "decode"),
    ("storyline.extract", "extract"),
    ("storyline.language", "language"),
    ("storyline.entities", "entities"),
    ("storyline.dates", "dates"),
    ("storyline.embed", "embed"),
    ("storyline.store", "store"),
    ("storyline.cluster", "cluster"),
)


# Set in the parent just before the workers fork; what ``_work`` runs in them.
_PIPELINE: Pipeline | None = None


def process(pipeline: Pipeline, raw: RawDoc) -> Result:
    """``pipeline.process(raw)``, or the error row it comes to. ``StoreError`` and
    ``MissingDependency`` are the run's failure, not the document's: they propagate."""
    try:
        return pipeline.process(raw)
    except DocumentError as exc:
        return DocError(raw.source, exc.reason, exc.stage, raw.sha256)
    except (StoreError, MissingDependency):
        raise
    except Exception as exc:  # one document's failure, not the batch's
        stage = stage_of(exc, default="process")
        log.debug("%s failed in stage %s", raw.source, stage, exc_info=True)
        return DocError(raw.source, reason(exc), stage, raw.sha256)


def warm(pipeline: Pipeline) -> None:
    """Load every model a document can need (extraction, the language detector, each NER model,
    the gazetteer, the date lexicons, the encoder) by processing one small document per
    language, so that forked workers share them."""
    samples = {
        "en": "Emmanuel Macron spoke to Vladimir Putin in Moscow on Monday, 3 February.",
        "fr": "Emmanuel Macron a parlé avec Vladimir Poutine à Moscou lundi 3 février.",
        "es": "Emmanuel Macron habló con Vladímir Putin en Moscú el lunes 3 de febrero.",
        "it": "Emmanuel Macron ha parlato con Vladimir Putin a Mosca lunedì 3 febbraio.",
        "de": "Emmanuel Macron sprach am Montag, dem 3. Februar, in Moskau mit Wladimir Putin.",
        "ru": "Эммануэль Макрон поговорил с Владимиром Путиным в Москве в понедельник 3 февраля.",
    }
    for lang, text in samples.items():
        html = f"<html><body><article><h1>{text}</h1><p>{text}</p></article></body></html>"
        for fields in ({"text": text, "lang": lang}, {"html": html}):
            data = repr(sorted(fields.items())).encode()
            raw = RawDoc(data, "warm-up", hashlib.sha256(data).hexdigest(), "record", fields=fields)
            process(pipeline, raw)


def _start(pipeline: Pipeline, parent: int) -> None:
    """In each new worker: die with the parent (a killed ingest leaves no orphans holding
    memory), and one core each (BLAS is not to fan out under the pool)."""
    from threadpoolctl import threadpool_limits

    # Linux: PR_SET_PDEATHSIG, the signal this process gets when its parent dies (elsewhere
    # the pool's own pipes end it, more slowly)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    threadpool_limits(1)
    for model in (pipeline.encoder, pipeline.detector):
        single = getattr(model, "use_threads", None)
        if single is not None:
            single(1)


def _work(raw: RawDoc) -> Result:
    assert _PIPELINE is not None, "a pool worker runs only after fork from Pool"
    return process(_PIPELINE, raw)


def _finished(future: Future[Result] | None) -> bool:
    """Nothing to run again: no work, or a result that came back before the pool broke."""
    if future is None:
        return True
    return future.done() and not future.cancelled() and future.exception() is None


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class Pool:
    """``workers`` forked processes running ``Pipeline.process``; ``map`` keeps input order.

    Nothing loads and nothing forks until a document needs processing: ``pipeline`` is called
    then (a re-run over stored pages costs no model)."""

    def __init__(self, pipeline: Callable[[], Pipeline], workers: int, ahead: int) -> None:
        self.pipeline = pipeline
        self.workers = workers
        self.ahead = ahead
        self._loaded: Pipeline | None = None
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (a restart after a death forks again, models already loaded)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
            gc.unfreeze()

    def _pool(self) -> ProcessPoolExecutor:
        global _PIPELINE
        if self._executor is None:
            if self._loaded is None:
                self._loaded = self.pipeline()
                warm(self._loaded)
            _PIPELINE = self._loaded
            gc.collect()
            gc.freeze()  # the workers' collector leaves the parent's objects (and pages) alone
            self._executor = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_start,
                initargs=(self._loaded, os.getpid()),
            )
        return self._executor

    def map(
        self, items: Iterable[T], skip: Callable[[T], bool]
    ) -> Iterator[tuple[T, Result | None]]:
        """Each item with its result (None for an item ``skip`` keeps out of the pool: an error
        row, bytes already stored), in order, with at most ``ahead`` in flight."""
        flight: deque[tuple[T, Future[Result] | None]] = deque()
        for item in items:
            flight.append(
                (item, None if skip(item) else self._pool().submit(_work, cast(RawDoc, item)))
            )
            if len(flight) >= self.ahead:
                yield self._result(flight)
        while flight:
            yield self._result(flight)

    def _result(self, flight: deque[tuple[T, Future[Result] | None]]) -> tuple[T, Result | None]:
        item, future = flight.popleft()
        if future is None:
            return item, None
        try:
            return item, future.result()
        except BrokenProcessPool:
            pass
        log.warning("a worker process died; running the documents in flight again, one by one")
        self.close()
        # the documents in flight that had no result when the pool broke run again, one by one
        again = [(item, future), *flight]
        flight.clear()
        flight.extend((i, f if _finished(f) else self._alone(cast(RawDoc, i))) for i, f in again)
        first, done = flight.popleft()
        return first, None if done is None else done.result()

    def _alone(self, raw: RawDoc) -> Future[Result]:
        """``raw`` run by itself in a (fresh) pool: a death now is its own."""
        done: Future[Result] = Future()
        try:
            done.set_result(self._pool().submit(_work, raw).result())
        except BrokenProcessPool:
            self.close()
            log.warning("%s: its worker process died again; recorded as failed", raw.source)
            done.set_result(DocError(raw.source, DIED, "process", raw.sha256))
        return done


def reason(exc: BaseException) -> str:
    """An unexpected exception as an error row's reason: its type and (bounded) message."""
    return f"{type(exc).__name__}: {exc}"[:MAX_REASON_CHARS]


def stage_of(exc: BaseException, default: str) -> str:
    """The pipeline stage ``exc`` came from: the deepest storyline module in its traceback."""
    stage = default
    tb = exc.__traceback__
    while tb is not None:
        module = str(tb.tb_frame.f_globals.get("__name__", ""))
        for prefix, name in STAGES:
            if module == prefix or module.startswith(prefix + "."):
                stage = name
        tb = tb.tb_next
    return stage
