"""storyline's exceptions, one tree, each class carrying its CLI exit code and HTTP status.

::

    StorylineError (exit 1, HTTP 500)
    ├── InputError (exit 2, HTTP 400)          bad arguments or unreadable input paths
    ├── NotFound (exit 3, HTTP 404)            no story / article with that id
    ├── StoreError (exit 4, HTTP 500)          the SQLite workspace is unusable
    ├── MissingDependency (exit 5, HTTP 501)   an optional extra is not installed
    └── DocumentError (exit 1, HTTP 422)       one document failed a stage; becomes an error row

A ``DocumentError`` never escapes a batch: the ingest loop turns it into a ``DocError`` row and
goes on with the next document.
"""

from __future__ import annotations


class StorylineError(Exception):
    exit_code = 1
    http_status = 500


class InputError(StorylineError):
    exit_code = 2
    http_status = 400


class NotFound(StorylineError):
    exit_code = 3
    http_status = 404


class StoreError(StorylineError):
    exit_code = 4
    http_status = 500


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
