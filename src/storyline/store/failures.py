"""SQLite failures of the store itself (disk full, read-only, corrupt, locked) as ``StoreError``
with a hint of what to do; one document's failure is not one of them."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from storyline.errors import StoreError


class _OfFile(Protocol):
    path: Path


P = ParamSpec("P")
T = TypeVar("T")
S = TypeVar("S", bound=_OfFile)

# How long a writer waits for another process's write transaction before giving up. Write
# transactions are one chunk of already-encoded documents (well under a second on this machine)
# or the final settle pass (seconds for 10k articles), so a minute only runs out when something
# is stuck.
BUSY_TIMEOUT_MS = 60_000


def is_store_failure(exc: BaseException) -> bool:
    """True when ``exc`` means the workspace itself is unusable (not one document's fault)."""
    if isinstance(exc, StoreError):
        return True
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(
        exc, sqlite3.IntegrityError | sqlite3.DataError | sqlite3.ProgrammingError
    )


_HINTS = (
    (
        "disk is full",
        "the disk (or the file's size limit) is full: free space and run the same "
        "command again; everything committed before is intact",
    ),
    (
        "readonly",
        "the file or its directory is read-only: use a writable copy for commands that write",
    ),
    (
        "read-only",
        "the file or its directory is read-only: use a writable copy for commands that write",
    ),
    (
        "locked",
        "another storyline process held the workspace for over "
        f"{BUSY_TIMEOUT_MS // 1000} s: try again when it has finished",
    ),
    (
        "busy",
        "another storyline process held the workspace for over "
        f"{BUSY_TIMEOUT_MS // 1000} s: try again when it has finished",
    ),
    ("not a database", "the file is not a SQLite database: pick another --db path"),
    ("malformed", "the file is corrupt: restore it from a backup or pick another --db path"),
    ("unable to open", "the file cannot be opened: check the path and its permissions"),
)


def store_error(exc: sqlite3.Error, path: str | Path) -> StoreError:
    """The ``StoreError`` (exit 4) for a SQLite failure, with what to do about it."""
    message = str(exc)
    hint = next((h for key, h in _HINTS if key in message.lower()), "")
    suffix = f"; {hint}" if hint else ""
    return StoreError(f"workspace {str(path)!r} is unusable: {message}{suffix}")


def _guarded(method: Callable[Concatenate[S, P], T]) -> Callable[Concatenate[S, P], T]:
    """A read whose SQLite failure of the store itself (corrupt page, I/O error) comes out as
    ``StoreError`` (exit 4) instead of a raw traceback."""

    @functools.wraps(method)
    def guarded(store: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(store, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            if is_store_failure(exc):
                raise store_error(exc, store.path) from exc
            raise

    return guarded
