"""The Starlette app of ``storyline serve``: routes, static files, error pages.

Routes (each page has its JSON twin, built from the same data)::

    /                         /stories.json                 story list
    /stories/{id}             /stories/{id}.json            story page
    /stories/{id}/compare     /stories/{id}/compare.json    facts x sources
    /articles/{id}            /articles/{id}.json           article page
    /search?q=                /search.json?q=               full text + entity names
    /openapi.json             /static/...
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from storyline.web import respond
from storyline.web.articles import article_page
from storyline.web.openapi import schema
from storyline.web.search import search_page
from storyline.web.security import SecurityHeaders
from storyline.web.site import Site
from storyline.web.stories import compare_extra, compare_page, story_list, story_page

STATIC = Path(__file__).parent / "static"
# The workspace file of ``from_environment``: how ``serve --workers N`` tells each worker
# process (started by uvicorn, which takes an import string, not an app) what to serve.
DB_VARIABLE = "STORYLINE_SERVE_DB"
# Threads per server process that run the (synchronous) page handlers; more requests wait
# their turn in the event loop. Starlette's default of 40 let every waiting request hold a
# thread, and 20 threads of one process taking turns on the GIL cost more CPU than the pages
# (`wrk`, 20 connections, 100,000 articles, 2 processes: a story page 3.7 -> 2.9 ms of CPU,
# p95 258 -> ~80-120 ms; a search 27 -> 20 ms). Two, not one: a slow page (a big story's
# comparison, seconds) must not hold every other request of its process.
REQUEST_THREADS = 2


def create_app(path: str | Path, encoder: str = "use", warm: bool = False) -> Starlette:
    """The web app over the workspace file at ``path``, opened read-only (``WorkspaceMissing``
    when there is none: ``serve`` never creates one). ``warm`` loads the reading models at
    start-up (``Site.warm``) rather than on the first pages that need them."""
    from storyline import __version__

    site = Site(path, encoder=encoder)
    env = respond.environment()
    env.globals["version"] = __version__

    def pair(
        view: respond.View,
        template: str,
        html: str,
        json: str,
        extra: respond.Extra | None = None,
    ) -> list[BaseRoute]:
        page, twin = respond.twin(site, env, view, template, extra)
        # The .json route first: "{id}" would also match "ID.json".
        return [
            Route(json, twin, methods=["GET", "HEAD"]),
            Route(html, page, methods=["GET", "HEAD"]),
        ]

    def openapi(request: Request) -> Response:
        return respond.json_response(schema(__version__))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return respond.error_response(request, env, exc.status_code, str(exc.detail))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
        if warm:
            site.warm()
        yield
        site.close()

    routes: list[BaseRoute] = [
        Route("/openapi.json", openapi, methods=["GET", "HEAD"]),
        *pair(story_list, "stories.html", "/", "/stories.json"),
        *pair(
            compare_page,
            "compare.html",
            "/stories/{story_id}/compare",
            "/stories/{story_id}/compare.json",
            compare_extra,
        ),
        *pair(story_page, "story.html", "/stories/{story_id}", "/stories/{story_id}.json"),
        *pair(
            article_page,
            "article.html",
            "/articles/{article_id:path}",
            "/articles/{article_id:path}.json",
        ),
        *pair(search_page, "search.html", "/search", "/search.json"),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={HTTPException: http_error},
        lifespan=lifespan,
    )
    app.state.site = site
    return app


def one_blas_thread() -> None:
    """Matrix products on one thread in this process. A page's products are tiny (an NER
    model over a headline, a few sentence vectors); with OpenBLAS's thread per core, each one
    waits on a thread hand-off, and on a loaded machine that costs more than the product:
    measured on the 2-core bench machine, a Russian headline's NER (natasha) took ~50-130 ms
    on two BLAS threads and ~7 ms on one. The server's parallelism is its worker processes."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def from_environment() -> Starlette:
    """``create_app`` over the file named by ``$STORYLINE_SERVE_DB``, models warmed: the
    factory each worker process of ``storyline serve --workers N`` calls."""
    one_blas_thread()
    return create_app(os.environ[DB_VARIABLE], warm=True)
