"""The OpenAPI 3 schema of the JSON routes (``/openapi.json``), written by hand.

Response bodies are described by their top-level fields; the records inside them are the
library's ``to_dict()`` shapes (``Story``, ``Article``, ``TimelineEvent``, ``Comparison``).
"""

from __future__ import annotations

from typing import Any

from storyline.web.params import MAX_PAGE, SORTS


def _param(name: str, where: str, description: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _ok(description: str, ref: str) -> dict[str, Any]:
    return {
        "200": {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
        },
        "default": {
            "description": "An error (400 bad input, 404 unknown id, 500)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
    }


_HL = _param("hl", "query", "Reader's language (else Accept-Language): titles in it", type="string")
_STORY = _param("story_id", "path", "A story id or a unique prefix of one")
_ARTICLE = _param("article_id", "path", "An article id or a unique prefix (URL-encoded)")


def _obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


def _arr(ref: str | None = None) -> dict[str, Any]:
    items = {"$ref": f"#/components/schemas/{ref}"} if ref else {"type": "object"}
    return {"type": "array", "items": items}


_S = {"type": "string"}
_NS = {"type": ["string", "null"]}
_I = {"type": "integer"}
# A big story's page or comparison still being computed in the background: only ``story``
# (and for a comparison ``size``) come with it; ask again until it is false.
_PENDING = {"type": "boolean"}

SCHEMAS: dict[str, Any] = {
    "Error": _obj(ok={"type": "boolean", "const": False}, error=_S, status=_I)
    | {"required": ["ok", "error", "status"]},
    "StoryRow": _obj(
        id=_S,
        title=_S,
        display_title=_S,
        size=_I,
        independent=_I,
        languages={"type": "array", "items": _S},
        sources={"type": "array", "items": _S},
        first_date=_NS,
        last_date=_NS,
    ),
    "StoryList": _obj(
        stories=_arr("StoryRow"),
        page=_I,
        per_page=_I,
        has_next={"type": "boolean"},
        sort={"enum": list(SORTS)},
        hl=_NS,
        filters={"type": "object"},
    ),
    "StoryPage": _obj(
        story={"type": "object", "description": "Story.to_dict()"},
        display_title=_S,
        timeline=_arr(),
        chart={"type": "object", "description": "the timeline chart's layout"},
        entities=_arr(),
        places=_arr(),
        sources=_arr(),
        articles=_arr(),
        pending=_PENDING,
    ),
    "Comparison": _obj(
        story=_S,
        articles={"type": "array", "items": _S},
        facts=_arr(),
        only={"type": "object"},
        pending=_PENDING,
        size=_I,
    ),
    "ArticlePage": _obj(
        article={"type": "object", "description": "Article.to_dict()"},
        link=_NS,
        segments={"type": "array", "items": _arr()},
        original={"type": ["object", "null"]},
        story={"type": ["object", "null"]},
        copy_of={"type": ["object", "null"]},
        copies=_arr(),
        why={"type": ["object", "null"], "description": "Why.to_dict()"},
        why_note=_NS,
    ),
    "Search": _obj(
        q=_NS,
        articles=_arr(),
        entities=_arr(),
        stories=_arr("StoryRow"),
        page=_I,
        per_page=_I,
        has_next={"type": "boolean"},
    ),
}


def schema(version: str) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    listing = [
        _param("sort", "query", "newest (default) or biggest first", enum=list(SORTS)),
        _param(
            "page", "query", "Page, 50 stories each", type="integer", minimum=1, maximum=MAX_PAGE
        ),
        _param("since", "query", "ISO 8601 date or time: stories not over before it"),
        _param("until", "query", "ISO 8601 date or time (a day means its end)"),
        _param("lang", "query", "Stories with an article in this language"),
        _param("site", "query", "Stories with an article from this site"),
        _param("entity", "query", "Stories naming this entity (any language)"),
        _HL,
    ]
    return {
        "openapi": "3.1.0",
        "info": {"title": "storyline", "version": version},
        "paths": {
            "/stories.json": {
                "get": {
                    "summary": "Stories",
                    "parameters": listing,
                    "responses": _ok("A page of stories", "StoryList"),
                }
            },
            "/stories/{story_id}.json": {
                "get": {
                    "summary": "One story",
                    "parameters": [_STORY, _HL],
                    "responses": _ok("The story page's data", "StoryPage"),
                }
            },
            "/stories/{story_id}/compare.json": {
                "get": {
                    "summary": "What each source states",
                    "parameters": [_STORY],
                    "responses": _ok("Comparison.to_dict()", "Comparison"),
                }
            },
            "/articles/{article_id}.json": {
                "get": {
                    "summary": "One article",
                    "parameters": [_ARTICLE],
                    "responses": _ok("The article page's data", "ArticlePage"),
                }
            },
            "/search.json": {
                "get": {
                    "summary": "Full-text and entity search",
                    "parameters": [
                        _param("q", "query", "FTS5 query, or an entity name in any language"),
                        _param(
                            "page",
                            "query",
                            "Page of article hits, 20 each",
                            type="integer",
                            minimum=1,
                            maximum=MAX_PAGE,
                        ),
                    ],
                    "responses": _ok("Hits", "Search"),
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
