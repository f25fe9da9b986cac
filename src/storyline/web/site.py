"""What the web app shares between requests: read-only workspaces, the encoder, caches.

Starlette runs the (synchronous) handlers in a thread pool; each thread reads through its own
read-only ``Workspace`` (one SQLite connection per thread, never shared mid-query). The
sentence encoder that ``compare`` needs loads once per process, on first use, and every
thread's workspace uses that one. Heavy per-story work (the timeline runs NER on titles, the
comparison encodes statements) is cached per story and per *data version* of the file, so a
story is recomputed only after another process (an ingest) has committed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from storyline.workspace import Workspace

if TYPE_CHECKING:
    from storyline.pipeline import Pipeline
    from storyline.records import Comparison

T = TypeVar("T")

log = logging.getLogger(__name__)

# Stories whose page data (timeline, entities, sources) and comparison stay cached: an analyst
# moves between a few dozen stories a day; each entry is a few hundred KB at most.
STORY_CACHE = 256
COMPARE_CACHE = 64
# Whole pages (story list, search, story, article: HTML or JSON) per URL and data version, up
# to this many bytes per server process: the same page asked again costs a dict lookup until
# the next ingest commits. Pages are 10-100 KB (a big story's, ~1 MB): some thousands of them.
PAGE_CACHE_BYTES = 128 * 2**20
# Texts that load the NER, date and name-lookup models of these languages at start-up
# (``warm``), so the first story page or Cyrillic name search does not wait for them.
WARM_LANGUAGES = ("en", "fr", "es", "it", "de", "ru")
WARM_NAMES = ("Emmanuel Macron", "Эммануэль Макрон")


class Cache(Generic[T]):
    """A thread-safe cache of computed values that keeps what is costly to make again. One
    computation per key at a time: a second request for a key being computed waits for it
    rather than doing the work again.

    Eviction is GreedyDual-Size (Cao and Irani 1997): an entry's priority is the cache's
    "inflation" ``L`` at its last use plus its cost (seconds to compute it) per unit of
    weight; the lowest goes first and ``L`` rises to it. Entries of equal cost leave least
    recently used first, and a page that took seconds (a big story's timeline, in the
    background) outlives thousands of cheap ones: plain LRU let a stream of small story pages
    push the few big ones out, and each came back as a 30-second background job.

    ``size`` bounds the total weight: each entry weighs 1 (a count), or ``weigh(value)``
    (bytes, for pages).
    """

    def __init__(self, size: int, weigh: Callable[[T], int] | None = None) -> None:
        self.size = size
        self._weigh = weigh
        self._weight: dict[Hashable, int] = {}
        self._total = 0
        self._items: dict[Hashable, T] = {}
        self._cost: dict[Hashable, float] = {}
        self._priority: dict[Hashable, float] = {}
        self._inflation = 0.0
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value, else ``compute()`` (timed: its cost) cached."""
        with self._lock:
            if key in self._items:
                return self._used(key)
            busy = self._computing.setdefault(key, threading.Lock())
        with busy:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            start = time.perf_counter()
            value = compute()
            self.put(key, value, time.perf_counter() - start)
            with self._lock:
                self._computing.pop(key, None)
            return value

    def put(self, key: Hashable, value: T, cost: float) -> None:
        """Cache ``value``, made elsewhere in ``cost`` seconds."""
        weight = 1 if self._weigh is None else max(1, self._weigh(value))
        with self._lock:
            if key in self._items:
                self._total -= self._weight[key]
            self._items[key] = value
            self._weight[key] = weight
            self._total += weight
            self._cost[key] = cost / weight
            self._used(key)
            while self._total > self.size and len(self._items) > 1:
                cheapest = min(self._priority, key=self._priority.__getitem__)
                self._inflation = self._priority.pop(cheapest)
                self._total -= self._weight.pop(cheapest)
                del self._items[cheapest], self._cost[cheapest]

    def peek(self, key: Hashable) -> T | None:
        """The value if it is cached (a use, as for ``get``), else None (computes nothing)."""
        with self._lock:
            return self._used(key) if key in self._items else None

    def _used(self, key: Hashable) -> T:
        self._priority[key] = self._inflation + self._cost[key]
        return self._items[key]

    def __len__(self) -> int:
        return len(self._items)


class Site:
    """The shared state of one ``create_app(path)``: see the module docstring."""

    def __init__(self, path: str | Path, encoder: str = "use") -> None:
        self.path = Path(path)
        self.encoder = encoder
        # Opened now, so a missing or unusable file fails at start-up, not on the first page.
        self._version_ws = Workspace(self.path, encoder=encoder, create=False, readonly=True)
        self._version_lock = threading.Lock()
        self._local = threading.local()
        self._pipeline: Pipeline | None = None
        self._pipeline_lock = threading.Lock()
        self.stories: Cache[dict[str, Any]] = Cache(STORY_CACHE)
        self.comparisons: Cache[Comparison] = Cache(COMPARE_CACHE)
        self.pages: Cache[bytes] = Cache(PAGE_CACHE_BYTES, weigh=len)
        # One worker process for work too long for a request (a big story's timeline): one job
        # at a time, so it never takes more than one core from the requests.
        self._pool: ProcessPoolExecutor | None = None
        self._scheduled: set[Hashable] = set()
        self._scheduled_lock = threading.Lock()

    def workspace(self) -> Workspace:
        """This thread's read-only workspace (opened on the thread's first request)."""
        ws: Workspace | None = getattr(self._local, "ws", None)
        if ws is None:
            ws = Workspace(self.path, encoder=self.encoder, create=False, readonly=True)
            self._local.ws = ws
        if self._pipeline is not None:
            ws._pipeline = self._pipeline  # the one encoder of the process
        return ws

    def data_version(self) -> int:
        """Changes whenever another process commits to the file (``PRAGMA data_version`` of
        one connection kept for that: the value is per connection)."""
        with self._version_lock:
            return self._version_ws.store.data_version()

    def pipeline(self) -> Pipeline:
        """The process's pipeline (its encoder loads on first use, once)."""
        with self._pipeline_lock:
            if self._pipeline is None:
                from storyline.pipeline import Pipeline

                self._pipeline = Pipeline.default(self.encoder)
            return self._pipeline

    def with_encoder(self) -> Workspace:
        """This thread's workspace, with the process's encoder loaded."""
        self.pipeline()
        return self.workspace()

    def soon(
        self, cache: Cache[T], key: Hashable, compute: Callable[..., T], *args: Any
    ) -> T | None:
        """``cache``'s value for ``key`` when it is ready; else None, and ``compute(*args)``
        runs (once) in the worker process, its result cached for a later request.
        ``compute`` must be a module-level function of picklable arguments."""
        value = cache.peek(key)
        if value is not None:
            return value
        with self._scheduled_lock:
            if key in self._scheduled:
                return None
            self._scheduled.add(key)
        start = time.perf_counter()

        def done(future: Future[T]) -> None:
            with self._scheduled_lock:
                self._scheduled.discard(key)
            if future.cancelled():
                return
            error = future.exception()
            if error is not None:  # the page stays "being computed"; the log says why
                log.error("background work for %r failed: %s", key, error)
                return
            # its cost: how long a reader would wait for it again
            cache.put(key, future.result(), time.perf_counter() - start)

        self._worker().submit(compute, *args).add_done_callback(done)
        return None

    def _worker(self) -> ProcessPoolExecutor:
        with self._scheduled_lock:
            if self._pool is None:
                # A process, not a thread: a 400-article timeline is ~35 s of Python, which in
                # this process would hold the GIL against every request. Spawned, not forked:
                # this process has threads.
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
            return self._pool

    def warm(self) -> None:
        """Load the models that reading pages need (entities, dates, name lookup keys)."""
        from storyline.entities import search_keys
        from storyline.pipeline import title_mentions
        from storyline.records import Article

        for name in WARM_NAMES:
            search_keys(name)
        for lang in WARM_LANGUAGES:
            title_mentions(
                Article("warm", "", "", "Emmanuel Macron in Paris on 7 February", (), lang=lang)
            )

    def close(self) -> None:
        if self._pool is not None:
            # A running job (a big timeline) is dropped, not waited for: stopping the server
            # must not wait ~35 s. The executor has no public way to stop a busy worker.
            for process in list(self._pool._processes.values()):
                process.terminate()
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._version_ws.close()
