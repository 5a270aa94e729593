"""The reranker seam: a local sentence-transformers cross-encoder re-orders the best passages.

Off by default: no Dutch cross-encoder can be installed offline here, and on 2 cores a
cross-encoder over 20 passages costs seconds per question. Set ``INCLUSIEF_RERANKER__ENABLED``
and ``INCLUSIEF_RERANKER__MODEL`` (a local path) to use one; measure with ``python -m eval``.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.types import Passage


class CrossEncoderReranker:
    def __init__(self, model: str, top_n: int = 20):
        if not model:
            raise RuntimeError("the reranker is enabled but no model is set: set "
                               "INCLUSIEF_RERANKER__MODEL to a local cross-encoder path")
        try:
            from sentence_transformers import CrossEncoder
        except ImportError as e:
            raise RuntimeError("sentence-transformers is not installed: run "
                               "`pip install -e '.[st]'`") from e
        try:
            self._model = CrossEncoder(model, device="cpu", num_labels=1)
        except Exception as e:
            raise RuntimeError(f"cannot load cross-encoder {model!r} offline: give a local "
                               "path") from e
        self.top_n = top_n

    def rerank(self, query: str, passages: Sequence[Passage]) -> list[Passage]:
        """The first ``top_n`` passages re-ordered by the cross-encoder; the rest unchanged."""
        head, tail = list(passages[: self.top_n]), list(passages[self.top_n:])
        if not head:
            return tail
        scores = self._model.predict([(query, p.chunk.text) for p in head])
        order = sorted(range(len(head)), key=lambda i: -float(scores[i]))
        for new_rank, i in enumerate(order, start=1):
            head[i].ranks["rerank"] = new_rank
        return [head[i] for i in order] + tail
