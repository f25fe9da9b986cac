"""The workspace file's schema: its mark and its named migrations (tables, indexes, views).

Never edit an applied migration: append a new one. ``docs/schema.md`` documents every table,
view and column; keep it in step.
"""

from __future__ import annotations

import sqlite3

from storyline.language import UNSPACED_CLASS

# "STLY": marks a SQLite file as a storyline workspace (``PRAGMA application_id``; see
# https://www.sqlite.org/fileformat.html#application_id). v1 files carry 0.
APPLICATION_ID = 0x53544C59

# Named migrations, applied in order, each in its own transaction; applied names are recorded
# in `migrations`. Never edit an applied one: append a new one.
MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_initial",
        """
        CREATE TABLE raw_docs (
            sha256 TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            fmt TEXT NOT NULL,
            url TEXT,
            fetched_at TEXT,
            size INTEGER NOT NULL,
            ingested_at TEXT NOT NULL
        );
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            raw_sha256 TEXT NOT NULL UNIQUE REFERENCES raw_docs(sha256),
            source TEXT NOT NULL,
            url TEXT,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            paragraphs TEXT NOT NULL,
            published TEXT,
            site TEXT,
            author TEXT,
            dateline TEXT,
            lang TEXT,
            paragraph_langs TEXT NOT NULL,
            mixed_lang INTEGER NOT NULL DEFAULT 0,
            extractor TEXT NOT NULL,
            ingested_at TEXT NOT NULL,
            story_id TEXT REFERENCES stories(id),
            story_score REAL
        );
        CREATE INDEX articles_story ON articles(story_id);
        CREATE INDEX articles_unassigned ON articles(story_id) WHERE story_id IS NULL;
        CREATE TABLE embeddings (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            model TEXT NOT NULL,
            doc BLOB NOT NULL,
            sentences TEXT NOT NULL,
            sentence_vectors BLOB NOT NULL
        );
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            size INTEGER NOT NULL,
            first_date TEXT,
            last_date TEXT,
            centroid BLOB NOT NULL,
            model TEXT NOT NULL,
            clusterer TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX stories_last ON stories(last_date);
        CREATE TABLE errors (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            sha256 TEXT,
            stage TEXT NOT NULL,
            reason TEXT NOT NULL,
            at TEXT NOT NULL,
            UNIQUE (source, sha256, stage)
        );
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
        END;
        """,
    ),
    (
        # Stories assigned as chunks commit are provisional until the run's settle pass puts
        # this run's articles in the total order (see workspace.py): readers see progress.
        "0002_provisional",
        """
        ALTER TABLE articles ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX articles_provisional ON articles(provisional) WHERE provisional = 1;
        """,
    ),
    (
        # Substring search for scripts written without spaces (CJK, Thai, ...), which the
        # unicode61 tokenizer indexes as whole runs; rebuilt from the rows already stored.
        "0003_trigram_search",
        """
        CREATE VIRTUAL TABLE articles_trigram USING fts5(
            title, text, content='articles', content_rowid='rowid', tokenize='trigram'
        );
        INSERT INTO articles_trigram(articles_trigram) VALUES ('rebuild');
        CREATE TRIGGER articles_trigram_ai AFTER INSERT ON articles BEGIN
            INSERT INTO articles_trigram(rowid, title, text)
            VALUES (new.rowid, new.title, new.text);
        END;
        CREATE TRIGGER articles_trigram_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_trigram(articles_trigram, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
        END;
        CREATE TRIGGER articles_trigram_au AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_trigram(articles_trigram, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
            INSERT INTO articles_trigram(rowid, title, text)
            VALUES (new.rowid, new.title, new.text);
        END;
        CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        """,
    ),
    (
        # Views for sqlite-utils, datasette and pandas (docs/schema.md). Dates as stored (ISO
        # 8601, offset kept) and as UTC (`*_utc`; a date without offset is taken as UTC).
        "0004_views",
        """
        CREATE VIEW article_view AS
        SELECT a.id, a.story_id, a.title, a.lang, a.site, a.author, a.url, a.source,
               a.published,
               strftime('%Y-%m-%dT%H:%M:%SZ', a.published) AS published_utc,
               a.ingested_at, a.mixed_lang, a.extractor, a.story_score,
               length(a.text) AS chars, a.text
        FROM articles a;
        CREATE VIEW story_articles AS
        SELECT s.id AS story_id, s.title AS story_title, a.id AS article_id, a.title,
               a.lang, a.site, a.url, a.source, a.published,
               strftime('%Y-%m-%dT%H:%M:%SZ', a.published) AS published_utc,
               a.story_score AS score
        FROM stories s JOIN articles a ON a.story_id = s.id;
        CREATE VIEW story_summary AS
        SELECT s.id, s.title, s.size,
               (SELECT group_concat(DISTINCT lang) FROM articles
                WHERE story_id = s.id AND lang IS NOT NULL) AS languages,
               (SELECT group_concat(DISTINCT site) FROM articles
                WHERE story_id = s.id AND site IS NOT NULL) AS sites,
               s.first_date, strftime('%Y-%m-%dT%H:%M:%SZ', s.first_date) AS first_date_utc,
               s.last_date, strftime('%Y-%m-%dT%H:%M:%SZ', s.last_date) AS last_date_utc,
               s.created_at, s.updated_at
        FROM stories s;
        """,
    ),
    (
        # The mentions stage (issue 7): entity and date mentions per article, with character
        # offsets into `articles.text`; `articles.mentions` is the stage version that made them
        # ('' = not run: rows of older workspaces, annotated by `storyline reprocess`).
        "0005_mentions",
        """
        ALTER TABLE articles ADD COLUMN mentions TEXT NOT NULL DEFAULT '';
        CREATE INDEX articles_mentions ON articles(mentions);
        CREATE TABLE entity_mentions (
            article_id TEXT NOT NULL REFERENCES articles(id),
            seq INTEGER NOT NULL,
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            text TEXT NOT NULL,
            type TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            name TEXT NOT NULL,
            country TEXT,
            lat REAL,
            lon REAL,
            PRIMARY KEY (article_id, seq)
        );
        CREATE INDEX entity_mentions_entity ON entity_mentions(entity_id, article_id);
        CREATE TABLE date_mentions (
            article_id TEXT NOT NULL REFERENCES articles(id),
            seq INTEGER NOT NULL,
            char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL,
            text TEXT NOT NULL,
            value TEXT NOT NULL,
            granularity TEXT NOT NULL,
            planned INTEGER NOT NULL,
            year_known INTEGER NOT NULL,
            PRIMARY KEY (article_id, seq)
        );
        CREATE INDEX date_mentions_value ON date_mentions(value);
        CREATE TABLE entity_keys (
            key TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            PRIMARY KEY (key, entity_id)
        ) WITHOUT ROWID;
        CREATE VIEW entity_view AS
        SELECT m.entity_id, m.name, m.type, m.country, m.lat, m.lon, m.text,
               m.char_start, m.char_end, a.id AS article_id, a.story_id, a.lang, a.site
        FROM entity_mentions m JOIN articles a ON a.id = m.article_id;
        CREATE VIEW date_view AS
        SELECT d.value, d.granularity, d.planned, d.year_known, d.text,
               d.char_start, d.char_end, a.id AS article_id, a.story_id, a.lang, a.site
        FROM date_mentions d JOIN articles a ON a.id = d.article_id;
        """,
    ),
    (
        # The match stage (issue 8) compares titles and leads on their own: their vectors,
        # encoded at ingest anyway, are kept (NULL in older rows until `storyline reprocess`).
        "0006_part_vectors",
        """
        ALTER TABLE embeddings ADD COLUMN title_vector BLOB;
        ALTER TABLE embeddings ADD COLUMN lead_vector BLOB;
        """,
    ),
    (
        # The dedup stage (issue 8): MinHash signatures, their LSH buckets and each reprint's
        # link to the earliest article of its copy group (`store/reprints.py`). Articles of
        # older workspaces get theirs from `storyline reprocess` (and the next ingest).
        "0007_reprints",
        """
        CREATE TABLE reprints (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            signature BLOB NOT NULL,
            shingles INTEGER NOT NULL,
            stage TEXT NOT NULL,
            copy_of TEXT REFERENCES articles(id),
            similarity REAL
        );
        CREATE INDEX reprints_copy_of ON reprints(copy_of) WHERE copy_of IS NOT NULL;
        CREATE INDEX reprints_stage ON reprints(stage);
        CREATE TABLE reprint_bands (
            key INTEGER NOT NULL,
            article_id TEXT NOT NULL REFERENCES articles(id),
            PRIMARY KEY (key, article_id)
        ) WITHOUT ROWID;
        CREATE VIEW reprint_view AS
        SELECT r.article_id, r.copy_of, r.similarity, r.stage, a.story_id, a.title, a.site,
               a.published, o.title AS original_title, o.site AS original_site,
               o.published AS original_published
        FROM reprints r JOIN articles a ON a.id = r.article_id
        LEFT JOIN articles o ON o.id = r.copy_of;
        """,
    ),
    (
        # The learned clusterer (issue 8): each story keeps the Group the matcher scores it by
        # (its title-vector sum and its entity/place/number/date/language counters); merged ids
        # redirect to the survivor, and every merge and split is recorded.
        "0008_story_groups",
        """
        ALTER TABLE stories ADD COLUMN title_sum BLOB;
        ALTER TABLE stories ADD COLUMN profile TEXT;
        CREATE TABLE story_redirects (
            old_id TEXT PRIMARY KEY,
            new_id TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX story_redirects_new ON story_redirects(new_id);
        CREATE TABLE story_events (
            id INTEGER PRIMARY KEY,
            story_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            other_id TEXT,
            article_id TEXT,
            score REAL,
            at TEXT NOT NULL,
            clusterer TEXT NOT NULL
        );
        CREATE INDEX story_events_story ON story_events(story_id);
        CREATE INDEX story_events_other ON story_events(other_id);
        CREATE TABLE settings (
            name TEXT PRIMARY KEY,
            value REAL NOT NULL,
            updated_at TEXT NOT NULL
        );
        """,
    ),
    (
        # The web app's listings (issue 9): stories filtered by an article's language or site
        # are found from those articles (not by probing every story's members, whose rows carry
        # the text), and the biggest stories come off an index instead of a sort of them all.
        "0009_read_indexes",
        """
        CREATE INDEX articles_lang ON articles(lang COLLATE NOCASE, story_id);
        CREATE INDEX articles_site ON articles(site COLLATE NOCASE, story_id);
        CREATE INDEX stories_size ON stories(size DESC, last_date DESC, id);
        """,
    ),
    (
        # The mentions of each article's title, found at ingest by the mentions stage (the
        # timeline and the entity report read them; before this they ran NER on every title
        # of a story on each read). One row per article whose title was annotated, even when
        # it names nothing: no row means "not annotated yet" (older articles are filled in by
        # ``reprocess`` and, until then, annotated on read). Offsets are into the title.
        "0010_title_mentions",
        """
        CREATE TABLE title_mentions (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            stage TEXT NOT NULL,
            entities TEXT NOT NULL,
            dates TEXT NOT NULL
        );
        """,
    ),
    (
        # A story's members with what listings show of them (language, outlet, order) from one
        # index: an article's row holds its text before these columns, so reading them from
        # the table walks the text's overflow pages (measured on the 100,000-article web bench:
        # the 50 biggest stories' 9,154 members in 100 ms from the table, 30 ms from this).
        # It starts with story_id, so the plain index on that column goes.
        "0011_member_index",
        """
        CREATE INDEX articles_members ON articles(story_id, published, ingested_at, lang, site, id);
        DROP INDEX articles_story;
        """,
    ),
    (
        # Sentence vectors were 21x the clean text (float32, 2 KB per sentence; issue 10). New
        # rows keep them as int8 (signed bytes, read by ``embed.from_int8``: 512 bytes, cosines
        # within ~0.002); older rows stay float32 and are read as such (nothing rewrites them:
        # no result changes). Rows since then are ``qN`` (``embed.quantise``).
        "0012_int8_sentence_vectors",
        """
        ALTER TABLE embeddings ADD COLUMN sentence_format TEXT NOT NULL DEFAULT 'float32';
        """,
    ),
    (
        # The trigram index serves only queries in scripts written without spaces (CJK, Thai,
        # ...; ``store/search.py``), which only an article containing such a script can match,
        # yet it held every article: 3.6x the clean text (issue 10). It now holds the articles
        # flagged ``unspaced`` (set by the store on insert, here from the same character class).
        # The delete and update triggers touch it only for flagged rows (an external-content
        # FTS5 table must never be told to delete a row it does not hold).
        "0013_trigram_unspaced_only",
        f"""
        ALTER TABLE articles ADD COLUMN unspaced INTEGER NOT NULL DEFAULT 0;
        DROP TRIGGER articles_trigram_ai;
        DROP TRIGGER articles_trigram_ad;
        DROP TRIGGER articles_trigram_au;
        INSERT INTO articles_trigram(articles_trigram) VALUES ('delete-all');
        UPDATE articles SET unspaced = 1
        WHERE title GLOB '*{UNSPACED_CLASS}*' OR text GLOB '*{UNSPACED_CLASS}*';
        INSERT INTO articles_trigram(rowid, title, text)
        SELECT rowid, title, text FROM articles WHERE unspaced;
        CREATE TRIGGER articles_trigram_ai AFTER INSERT ON articles WHEN new.unspaced BEGIN
            INSERT INTO articles_trigram(rowid, title, text)
            VALUES (new.rowid, new.title, new.text);
        END;
        CREATE TRIGGER articles_trigram_ad AFTER DELETE ON articles WHEN old.unspaced BEGIN
            INSERT INTO articles_trigram(articles_trigram, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
        END;
        CREATE TRIGGER articles_trigram_au AFTER UPDATE OF title, text, unspaced ON articles
        BEGIN
            INSERT INTO articles_trigram(articles_trigram, rowid, title, text)
            SELECT 'delete', old.rowid, old.title, old.text WHERE old.unspaced;
            INSERT INTO articles_trigram(rowid, title, text)
            SELECT new.rowid, new.title, new.text WHERE new.unspaced;
        END;
        """,
    ),
    (
        # An article's story, language and rowid by its id from one index (the primary key's
        # index holds the id alone, so those columns came from the row, past its text's
        # overflow pages): the stories of an entity's 2,229 mentions in 14 -> 4 ms on the
        # 100,000-article web bench. Queries name it (``INDEXED BY``): the planner prefers the
        # unique primary-key index for ``id = ?``.
        "0014_article_id_index",
        """
        CREATE INDEX articles_by_id ON articles(id, story_id, lang);
        """,
    ),
    (
        # An article's paragraphs were stored twice: as the text (for the full-text index) and
        # as a JSON list beside it, 1.0x the clean text (issue 10). Where the text split at its
        # blank lines gives the paragraphs back, ``paragraphs`` is now '' (``rows.
        # PARAGRAPHS_FROM_TEXT``); this rewrites the older rows that surely do (no paragraph
        # with a blank line or a newline at either end, and joined they are the text). The
        # file keeps its size until ``VACUUM``; the freed pages take new rows.
        "0015_paragraphs_from_text",
        """
        UPDATE articles SET paragraphs = ''
        WHERE json_array_length(paragraphs) > 0
          AND NOT EXISTS (
            SELECT 1 FROM json_each(articles.paragraphs)
            WHERE instr(value, char(10) || char(10)) OR value GLOB char(10) || '*'
               OR value GLOB '*' || char(10)
          )
          AND text = (
            SELECT group_concat(value, char(10) || char(10)) FROM json_each(articles.paragraphs)
          );
        """,
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements, keeping trigger bodies whole."""
    out, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        out.append(buffer.strip())
    return out
