"""Vietnamese word segmentation (underthesea), run per sentence inside a clause.

underthesea's sentence splitter breaks on clause numbers ("1.", "a)"), so the clause marker is
removed first: the structure parser has already split on the document's own numbering."""
from __future__ import annotations

import re
import sys
from functools import lru_cache

from .lines import MARKERS


@lru_cache(maxsize=1)
def _tok():
    # underthesea's package import also loads its optional translator, and with it torch and transformers: ~1.8 s
    # in every process that segments (a word-token index build). We never translate; a None entry makes that one
    # optional import fail the way underthesea expects (it then sets `translate` to None). A translator someone
    # imported before is left as it is.
    sys.modules.setdefault("underthesea.pipeline.translate", None)
    from underthesea import sent_tokenize, word_tokenize

    return sent_tokenize, word_tokenize


def strip_marker(text: str) -> str:
    for _, rx in MARKERS:
        m = rx.match(text)
        if m:
            return text[m.end():]
    return text


def segment(text: str) -> str:
    """ "Cơ quan chủ trì: các Sở" -> "Cơ_quan chủ_trì : các Sở" (words joined by "_")."""
    sent_tokenize, word_tokenize = _tok()
    body = strip_marker(text.strip())
    out = []
    for sent in sent_tokenize(body) if body else []:
        out.append(word_tokenize(sent, format="text"))
    return re.sub(r"\s+", " ", " ".join(out)).strip()


def words(segmented: str) -> list[str]:
    """Lowercased word tokens of segmented text, punctuation dropped."""
    return [w.lower() for w in segmented.split() if re.search(r"\w", w)]
