"""storyline's exceptions, one tree, each class carrying its CLI exit code and HTTP status.

::

    StorylineError (exit 1, HTTP 500)          storyline itself failed (a bug: please report it)
    ├── InputError (exit 2, HTTP 400)          bad arguments or unreadable input paths
    ├── NotFound (exit 3, HTTP 404)            no story / article with that id (or prefix)
    │   └── AmbiguousId (exit 3, HTTP 404)     an id prefix names several; lists candidates
    ├── StoreError (exit 4, HTTP 500)          the SQLite workspace is unusable (corrupt, not a
    │                                          storyline workspace, read-only, disk full, ...)
    │   └── WorkspaceMissing (exit 6, HTTP 404) a read-only command named a file that does not exist
    ├── MissingDependency (exit 5, HTTP 501)   an optional extra is not installed
    └── DocumentError (HTTP 422)               one document failed a stage; becomes an error row

Exit codes of the CLI (the README lists them too)::

    0   success
    1   storyline itself failed (unexpected error)
    2   usage error, or an input path that does not exist
    3   no such story / article
    4   the workspace file is unusable
    5   an optional dependency is missing
    6   no workspace at that path (read-only commands never create one)
    10  some documents failed (their error rows are stored; the rest was stored too)
    11  every document failed

A ``DocumentError`` never escapes a batch: the ingest loop turns it into a ``DocError`` row and
goes on with the next document. So does any other exception one document raises in any stage
(recorded as ``Type: message`` under the stage it came from). A ``StoreError`` is different:
the workspace itself is unusable (disk full, read-only, corrupt, locked past the busy timeout),
so the ingest stops with exit 4; what was committed before stays intact.
"""

from __future__ import annotations

# Exit codes that are not carried by an exception: the outcome of a batch.
EXIT_SOME_FAILED = 10
EXIT_ALL_FAILED = 11

# Candidates an ambiguous id prefix lists in its message (the rest are counted).
AMBIGUOUS_SHOWN = 10


class StorylineError(Exception):
    exit_code = 1
    http_status = 500


class InputError(StorylineError):
    exit_code = 2
    http_status = 400


class NotFound(StorylineError):
    exit_code = 3
    http_status = 404


class AmbiguousId(NotFound):
    """An id prefix matches more than one story or article (like git's short hashes)."""

    def __init__(self, kind: str, prefix: str, candidates: list[str]) -> None:
        shown = ", ".join(candidates[:AMBIGUOUS_SHOWN])
        more = " and more" if len(candidates) > AMBIGUOUS_SHOWN else ""
        super().__init__(
            f"{kind} id prefix {prefix!r} is ambiguous: it matches {shown}{more}; "
            "type more of the id"
        )
        self.candidates = candidates


class StoreError(StorylineError):
    exit_code = 4
    http_status = 500


class WorkspaceMissing(StoreError):
    """A command that only reads was pointed at a workspace file that does not exist."""

    exit_code = 6
    http_status = 404

    def __init__(self, path: str) -> None:
        super().__init__(
            f"no workspace at {path!r}: check the path (or --db / STORYLINE_DB), "
            f"or make one with: storyline --db {path} ingest PAGES..."
        )
        self.path = path


class MissingDependency(StorylineError):
    exit_code = 5
    http_status = 501

    def __init__(self, package: str, extra: str, purpose: str) -> None:
        super().__init__(
            f"{purpose} needs the optional package {package!r}: "
            f"pip install 'storyline[{extra}]'  (or: pip install {package})"
        )


class DocumentError(StorylineError):
    """One document failed a stage. ``stage`` names where; the message says why."""

    http_status = 422

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(reason)
        self.stage = stage
        self.reason = reason
