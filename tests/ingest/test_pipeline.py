"""The ingest on a mini corpus with the real embedder and real Chroma in a temp folder."""

from __future__ import annotations

import shutil

import pytest

from assistant.factory import build_assistant
from ingest.pipeline import IngestError, generation_id, run_ingest
from tests.conftest import CORPUS
from tests.fixtures.pdfs import make_encrypted_pdf, make_image_only_pdf, make_text_pdf

BELEIDSREGEL = "beleidsregel-inclusieve-leeromgeving-tips-2026.txt"


@pytest.fixture
def mini_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / BELEIDSREGEL, corpus)
    shutil.copy(CORPUS / "sources.toml", corpus)
    make_text_pdf(corpus / "handreiking-symbiose.pdf", labels_start=7)
    return corpus


def test_pdf_chunks_carry_page_numbers_and_labels(mini_corpus, make_settings, embedder):
    settings = make_settings(mini_corpus)
    report = run_ingest(settings, embedder=embedder)
    assert report.guessed_titles == ["handreiking-symbiose.pdf"]
    assistant = build_assistant(settings, embedder=embedder)
    pdf_chunks = [c for c in assistant.index.state.order if c.doc == "handreiking-symbiose.pdf"]
    by_text = {c.page: c for c in pdf_chunks}
    assert set(by_text) == {1, 2, 3}
    assert "zestig procent" in by_text[2].text
    assert by_text[2].page_label == "8"  # the PDF's own label, not the physical number
    assert by_text[2].section == "2 Regels voor symbiose"
    assert "Handreiking symbiose 2026" not in " ".join(c.text for c in pdf_chunks)

    answer = assistant.ask("Hoeveel procent mag een leerling bij symbiose op de andere school "
                           "volgen?", docs=["handreiking-symbiose.pdf"])
    assert not answer.abstained
    assert any(c.page == "8" and "zestig procent" in c.quote for c in answer.citations)


def test_windows_are_searched_behind_their_section_path_and_judged_without(mini_corpus,
                                                                            make_settings,
                                                                            embedder):
    settings = make_settings(mini_corpus)
    run_ingest(settings, embedder=embedder)
    index = build_assistant(settings, embedder=embedder).index
    manifest = index.state.manifest
    searched = index.store.collection(manifest["units_collection"]).get(
        include=["documents", "metadatas"])
    plain = index.store.collection(manifest["plain_collection"]).get(
        include=["documents", "metadatas"])
    assert len(searched["ids"]) == len(plain["ids"]) > 0
    by_window = {(m["chunk"], m["start"]): d for d, m in zip(plain["documents"],
                                                             plain["metadatas"])}
    behind_path = 0
    for doc, meta in zip(searched["documents"], searched["metadatas"]):
        chunk = index.chunk(meta["chunk"])
        window = chunk.text[meta["start"]:meta["end"]]
        assert by_window[(chunk.id, meta["start"])] == window  # judged on the window alone
        assert doc in (window, f"{chunk.section}: {window}")
        behind_path += doc != window
    assert behind_path > 0
    # the abstention similarity reads the plain windows, the search the others
    assert index.state.plain is not index.state.units


def test_dense_search_is_exact(mini_corpus, make_settings, embedder):
    import numpy as np

    settings = make_settings(mini_corpus)
    run_ingest(settings, embedder=embedder)
    index = build_assistant(settings, embedder=embedder).index
    got = index.state.units.get(include=["embeddings", "metadatas"])
    vectors = np.asarray(got["embeddings"])
    for question in ("Hoeveel procent mag een leerling bij symbiose volgen?",
                     "Welke tips zijn er voor de aanvraag van de beleidsregel?"):
        q = index.query(question)
        sims = vectors @ np.asarray(index._vector(q.dense))
        best: list[str] = []
        for i in np.argsort(-sims):
            if got["metadatas"][i]["chunk"] not in best:
                best.append(got["metadatas"][i]["chunk"])
        assert [cid for cid, _ in index.dense(q, 10)] == best[:10]


def test_incremental_add_change_remove(mini_corpus, make_settings, embedder):
    settings = make_settings(mini_corpus)
    first = run_ingest(settings, embedder=embedder)
    assert first.embedded > 0 and first.documents == 2

    again = run_ingest(settings, embedder=embedder)
    assert not again.changed_anything and again.embedded == 0
    assert again.generation == first.generation

    extra = mini_corpus / "notitie.md"
    extra.write_text("# Notitie nevenvestiging\n\nEen nevenvestiging is een vestiging van een "
                     "school voor speciaal onderwijs in het gebouw van een reguliere school.\n",
                     encoding="utf-8")
    added = run_ingest(settings, embedder=embedder)
    assert added.added == ["notitie.md"]
    assert added.reused > 0 and 0 < added.embedded < first.embedded

    extra.write_text("# Notitie nevenvestiging\n\nEen nevenvestiging vraagt toestemming van de "
                     "minister.\n", encoding="utf-8")
    changed = run_ingest(settings, embedder=embedder)
    assert changed.changed == ["notitie.md"]
    assistant = build_assistant(settings, embedder=embedder)
    texts = " ".join(c.text for c in assistant.index.state.order)
    assert "toestemming van de minister" in texts and "in het gebouw van" not in texts

    extra.unlink()
    removed = run_ingest(settings, embedder=embedder)
    assert removed.removed == ["notitie.md"] and removed.embedded == 0
    assistant.index.refresh()
    assert all(c.doc != "notitie.md" for c in assistant.index.state.order)
    assert {d.doc for d in assistant.documents()} == {BELEIDSREGEL, "handreiking-symbiose.pdf"}


def test_other_model_or_chunker_is_refused(mini_corpus, make_settings, embedder):
    settings = make_settings(mini_corpus)
    run_ingest(settings, embedder=embedder)
    other = make_settings(mini_corpus)
    other.embedder.kind, other.embedder.model = "sentence-transformers", "/models/other"
    with pytest.raises(IngestError, match="--rebuild"):
        run_ingest(other, embedder=embedder)

    from ingest.chunking import ChunkParams

    with pytest.raises(IngestError, match="--rebuild"):
        run_ingest(settings, params=ChunkParams(target_chars=400), embedder=embedder)
    # what bin/start asks after an update: rebuild, and say why
    from ingest.pipeline import outdated

    assert outdated(settings) is None
    assert "chunker" in outdated(settings, ChunkParams(target_chars=400))
    assert "embedding model" in outdated(other)
    report = run_ingest(settings, rebuild=True, params=ChunkParams(target_chars=400),
                        embedder=embedder)
    assert report.chunks and outdated(settings, ChunkParams(target_chars=400)) is None


def test_bad_files_are_reported_and_the_rest_is_ingested(mini_corpus, make_settings, embedder):
    make_encrypted_pdf(mini_corpus / "versleuteld.pdf")
    make_image_only_pdf(mini_corpus / "scan.pdf")
    (mini_corpus / "kapot.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 200)
    (mini_corpus / "geen-pdf.pdf").write_text("dit is gewone tekst", encoding="utf-8")
    (mini_corpus / "leeg.txt").write_text("   \n", encoding="utf-8")
    report = run_ingest(make_settings(mini_corpus), embedder=embedder)
    reasons = dict(report.skipped)
    assert "encrypted" in reasons["versleuteld.pdf"]
    assert "no text layer" in reasons["scan.pdf"]
    assert "damaged" in reasons["kapot.pdf"] or "no text" in reasons["kapot.pdf"]
    assert "not a PDF" in reasons["geen-pdf.pdf"]
    assert "empty" in reasons["leeg.txt"]
    assert report.documents == 2  # the good files are in


class _FailingEmbedder:
    """The real embedder, but the run dies after a few batches (a crash part-way)."""

    def __init__(self, inner, fail_after: int):
        self.inner, self.calls, self.fail_after = inner, 0, fail_after
        self.model_id, self.dim = inner.model_id, inner.dim

    def embed_query(self, text):
        return self.inner.embed_query(text)

    def embed_passages(self, texts):
        self.calls += 1
        if self.calls > self.fail_after:
            raise KeyboardInterrupt("simulated Ctrl-C")
        return self.inner.embed_passages(texts)


def test_interrupted_ingest_leaves_the_previous_index_usable(mini_corpus, make_settings,
                                                             embedder):
    settings = make_settings(mini_corpus)
    run_ingest(settings, embedder=embedder)
    before = build_assistant(settings, embedder=embedder)
    question = "Wat zijn de tips voor de aanvraag van de beleidsregel?"
    expected = before.ask(question).citations

    (mini_corpus / "nieuw.md").write_text("# Nieuw\n\n" + "Een nieuwe zin over scholen. " * 200,
                                          encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        run_ingest(settings, embedder=_FailingEmbedder(embedder, fail_after=1))

    after = build_assistant(settings, embedder=embedder)
    assert after.index.state.generation == before.index.state.generation
    assert [c.quote for c in after.ask(question).citations] == [c.quote for c in expected]

    report = run_ingest(settings, embedder=embedder)  # the next run completes
    assert report.added == ["nieuw.md"]
    assert after.index.refresh() and any(c.doc == "nieuw.md" for c in after.index.state.order)


def test_generations_sort_by_age_also_within_one_second():
    from assistant.store import _generation

    # a killed run and the next one can start in the same second: the older must sort first,
    # or the next run keeps the killed run's collections as "newer" (a flaky crash test found it)
    names = [f"inclusief_g{generation_id()}_u" for _ in range(200)]
    assert [_generation(n) for n in names] == sorted(_generation(n) for n in names)
    assert len(set(names)) == len(names)
