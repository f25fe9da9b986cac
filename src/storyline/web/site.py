"""What the web app shares between requests: read-only workspaces, the encoder, caches.

Starlette runs the (synchronous) handlers in a thread pool; each thread reads through its own
read-only ``Workspace`` (one SQLite connection per thread, never shared mid-query). The
sentence encoder that ``compare`` needs loads once per process, on first use, and every
thread's workspace uses that one. Heavy per-story work (the timeline runs NER on titles, the
comparison encodes statements) is cached per story and per *data version* of the file, so a
story is recomputed only after another process (an ingest) has committed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from storyline.workspace import Workspace

if TYPE_CHECKING:
    from storyline.pipeline import Pipeline
    from storyline.records import Comparison

T = TypeVar("T")

# Stories whose page data (timeline, entities, sources) and comparison stay cached: an analyst
# moves between a few dozen stories a day; each entry is a few hundred KB at most.
STORY_CACHE = 256
COMPARE_CACHE = 64


class Cache(Generic[T]):
    """A thread-safe LRU of computed values. One computation per key at a time: a second
    request for a key being computed waits for it rather than doing the work again."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            busy = self._computing.setdefault(key, threading.Lock())
        with busy:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            value = compute()
            with self._lock:
                self._items[key] = value
                self._computing.pop(key, None)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
            return value

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

    def close(self) -> None:
        self._version_ws.close()
