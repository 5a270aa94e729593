"""The PDF benchmark's rendering: corpus documents set as PDFs read back with their structure."""

from __future__ import annotations

import shutil

import pytest

from eval.pdfs import FONT, VARIANTS, _renamed, render_corpus
from ingest.readers import read_document
from ingest.sources import load_sources
from ingest.structure import structure_document
from tests.conftest import CORPUS

DOC = "beleidsregel-inclusieve-leeromgeving-tips-2026.txt"


@pytest.mark.skipif(not FONT.exists(), reason=f"{FONT} sets the corpus' letters (“ ” ’ •)")
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_corpus_document_set_as_a_pdf_reads_back_with_its_headings(tmp_path, variant):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / DOC, corpus)
    shutil.copy(CORPUS / "sources.toml", corpus)
    names = render_corpus(corpus, tmp_path / "pdfs", VARIANTS[variant])
    pdf = tmp_path / "pdfs" / DOC.replace(".txt", ".pdf")
    assert names == {pdf.name: DOC}
    assert load_sources(tmp_path / "pdfs")[pdf.name] == load_sources(CORPUS)[DOC]
    raw = read_document(pdf)
    assert len(raw.pages) > 1 and bool(raw.outline) == (VARIANTS[variant].outline > 0)
    text_headings = [p.split(" > ")[-1] for _, p in structure_document(
        read_document(corpus / DOC)).sections]
    pdf_headings = {p.split(" > ")[-1] for _, p in structure_document(raw).sections}
    found = [h for h in text_headings if h in pdf_headings]
    # a long heading may wrap inside a word ("ondersteuningsklass" / "en"): nearly all, not all
    assert len(found) >= 0.8 * len(text_headings) > 0


def test_citations_of_the_pdfs_are_mapped_back_to_the_text_files():
    records = [{"id": "q", "citations": [{"doc": "a.pdf", "quote": "x"}],
                "retrieved": [{"doc": "b.pdf"}, {"doc": "c.txt"}]}]
    out = _renamed(records, {"a.pdf": "a.txt", "b.pdf": "b.md"})
    assert out[0]["citations"][0]["doc"] == "a.txt"
    assert [r["doc"] for r in out[0]["retrieved"]] == ["b.md", "c.txt"]


@pytest.mark.skipif(not FONT.exists(), reason=f"{FONT} sets the corpus' letters (“ ” ’ •)")
def test_eval_pdfs_writes_each_variants_run_under_the_text_files_names(tmp_path, monkeypatch,
                                                                       capsys):
    import argparse
    import json

    from eval.pdfs import add_arguments, main
    from tests.conftest import EVAL

    monkeypatch.setenv("INCLUSIEF_EMBEDDER__NATIVE_BUILD", "false")  # no compiler run here
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / DOC, corpus)
    shutil.copy(CORPUS / "sources.toml", corpus)
    questions = tmp_path / "q.jsonl"
    picked = [q for q in map(json.loads, (EVAL / "questions.jsonl").open(encoding="utf-8"))
              if q["doc"] == DOC][:2]
    questions.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in picked),
                         encoding="utf-8")
    ap = argparse.ArgumentParser()
    add_arguments(ap)
    args = ap.parse_args(["--work", str(tmp_path / "work"), "--corpus", str(corpus),
                          "--questions", str(questions), "--conversations",
                          "--variants", "outline", "--runs", str(tmp_path / "runs")])
    assert main(args) == 0
    assert "| pdf (outline) | 2 |" in capsys.readouterr().out
    records = [json.loads(line) for line in
               (tmp_path / "runs" / "outline.jsonl").open(encoding="utf-8")]
    assert [r["id"] for r in records] == [q["id"] for q in picked]
    assert {p["doc"] for r in records for p in r["retrieved"]} == {DOC}
