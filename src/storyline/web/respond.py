"""Responses: one page's HTML and its JSON twin from the same data, and the error shapes.

A view is a function ``(site, request) -> dict`` of JSON-ready data; ``twin`` makes the two
endpoints of it: the HTML one renders that dict through a template, the ``.json`` one returns
it. Errors of the library (``NotFound`` 404, ``InputError`` 400, ...) carry their HTTP status;
JSON routes, and any request that accepts ``application/json``, get ``{"ok": false, "error":
..., "status": N}``, pages a plain page with the message (escaped like everything else).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
import markupsafe
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from storyline.errors import StorylineError
from storyline.output.text import dumps, visible
from storyline.web.site import Site

log = logging.getLogger(__name__)

View = Callable[[Site, Request], dict[str, Any]]
Extra = Callable[[Site, dict[str, Any]], dict[str, Any]]
Endpoint = Callable[[Request], Awaitable[Response]]

TEMPLATES = Path(__file__).parent / "templates"
JSON_TYPE = "application/json"
_MEDIA = {"json": JSON_TYPE, "html": "text/html; charset=utf-8"}


def story_url(story_id: str, suffix: str = "") -> str:
    return f"/stories/{quote(story_id, safe='')}{suffix}"


def article_url(article_id: str, suffix: str = "") -> str:
    # Article ids may be URLs (an RSS item's link): every "/" is escaped into the path.
    return f"/articles/{quote(article_id, safe='')}{suffix}"


def shown(value: Any) -> Any:
    """Every value a template prints, before escaping: control characters and bidi overrides
    of scraped text shown as their escapes (``\\x1b``, ``\\u202e``, as in the terminal views),
    never passed to the reader's browser; the JSON twins keep the exact strings."""
    if isinstance(value, markupsafe.Markup):  # already escaped (a macro's output)
        return markupsafe.Markup(visible(value))
    return visible(value) if isinstance(value, str) else value


def environment() -> jinja2.Environment:
    """Templates with autoescape on everything (also ``.svg`` fragments and macros), every
    printed string through ``shown``."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        finalize=shown,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates ship with the package: no stat() of each per page
    )
    env.globals.update(story_url=story_url, article_url=article_url)
    return env


def json_bytes(data: Any) -> bytes:
    return dumps(data).encode("utf-8")


def json_response(data: Any, status: int = 200) -> Response:
    """JSON with C1, bidi controls and U+2028/2029 ``\\u``-escaped (``output.text.dumps``)."""
    return Response(dumps(data), status_code=status, media_type=JSON_TYPE)


def wants_json(request: Request) -> bool:
    """A ``.json`` route, or a client that asks for JSON (``Accept: application/json``)."""
    accept = request.headers.get("accept", "")
    return request.url.path.endswith(".json") or JSON_TYPE in accept


def error_response(
    request: Request, env: jinja2.Environment, status: int, message: str
) -> Response:
    if wants_json(request):
        return json_response({"ok": False, "error": message, "status": status}, status)
    html = env.get_template("error.html").render(status=status, message=message, query={})
    return HTMLResponse(html, status_code=status)


def twin(
    site: Site, env: jinja2.Environment, view: View, template: str, extra: Extra | None = None
) -> tuple[Endpoint, Endpoint]:
    """The HTML and the JSON endpoint of ``view``; ``extra`` adds what only the page shows
    (labels for ids) as the template's ``extra``, leaving the JSON exactly the view's data."""

    def guarded(request: Request, make: Callable[[], Response]) -> Response:
        try:
            return make()
        except Exception as exc:
            return failed(request, exc)

    def failed(request: Request, exc: Exception) -> Response:
        if isinstance(exc, StorylineError):
            return error_response(request, env, exc.http_status, str(exc))
        if isinstance(exc, HTTPException):
            return error_response(request, env, exc.status_code, str(exc.detail))
        # one page failing must not take the app down; the log has it
        log.error("%s failed", request.url.path, exc_info=exc)
        return error_response(request, env, 500, "internal error: see the server's log")

    def key_of(request: Request, kind: str) -> tuple[Any, ...]:
        """A page's cache key: URL, reader language and data version, as html or json."""
        return (
            kind,
            request.url.path,
            request.url.query,
            request.headers.get("accept-language", ""),
            site.data_version(),
        )

    def made(
        request: Request, kind: str, key: tuple[Any, ...], make: Callable[[dict[str, Any]], bytes]
    ) -> Response:
        """The view's data made into ``kind`` (html or json), then cached; pages still being
        computed in the background (``pending``) are not cached."""
        start = time.perf_counter()
        data = view(site, request)
        body = make(data)
        if not data.get("pending"):
            site.pages.put(key, body, time.perf_counter() - start)
        return Response(body, media_type=_MEDIA[kind])

    def html(request: Request, data: dict[str, Any]) -> bytes:
        more = extra(site, data) if extra is not None else {}
        query = request.query_params
        return env.get_template(template).render(page=data, extra=more, query=query).encode()

    async def answer(request: Request, kind: str) -> Response:
        """A cached page from the event loop; anything else (the view, the template) in a
        thread (``web.app.REQUEST_THREADS`` per process): a page already made never waits
        behind a slow one."""
        try:
            key = key_of(request, kind)
        except Exception as exc:
            return failed(request, exc)
        body = site.pages.peek(key)
        if body is not None:
            return Response(body, media_type=_MEDIA[kind])

        def make(data: dict[str, Any]) -> bytes:
            return json_bytes(data) if kind == "json" else html(request, data)

        return await run_in_threadpool(guarded, request, lambda: made(request, kind, key, make))

    async def page(request: Request) -> Response:
        accept = request.headers.get("accept", "")
        if JSON_TYPE in accept and "text/html" not in accept:
            return await answer(request, "json")  # an API client on the page's own URL
        return await answer(request, "html")

    async def json(request: Request) -> Response:
        return await answer(request, "json")

    return page, json
