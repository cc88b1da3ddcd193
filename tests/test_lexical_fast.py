"""The batched BM25 tokeniser gives exactly the tokens of the per-text one (same index, same scores)."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.lexical import tokenize, tokenize_both

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"

# Real snippets with the cases the fast path treats specially: tone placement variants (hoà/hòa, uỷ/ủy,
# khoẻ), upper case, abbreviations, "hằng năm", dashes/quotes, decomposed (NFD) text, codes and %.
TRICKY = [
    "Uỷ ban nhân dân tỉnh Hoà Bình giao Sở Y tế chăm sóc sức khoẻ nhân dân; UBND huyện báo cáo hằng năm.",
    "HOÀ NHẬP, THUỶ LỢI – “xoá đói” ‘giảm nghèo’: 62-KL/TW, tăng 10% so với năm 2023.",
    "Ho\u0300a bi\u0300nh va\u0300 ho\u00e0 giải; quỷ, quý, quà; CNTT; KT-XH; NSNN",
    "Điều 5.2.NĐ.2.1. Phạm vi điều chỉnh\u00a0\u00a0và\tđối tượng áp dụng\u200b",
    "", "   ", "—", "oà ÓA uỳ",
]


def _texts(docs) -> list[str]:
    return [c["search_text"] for d in docs.values() for c in d["clauses"]] + TRICKY


@pytest.mark.parametrize("scheme", ["syllable+bigram", "syllable"])
def test_same_tokens_as_per_text_tokenizer(docs, scheme):
    texts = _texts(docs)
    plain, folded = tokenize_both(texts, scheme)
    assert plain == [tokenize(t, scheme) for t in texts]
    assert folded == [tokenize(t, scheme, folded=True) for t in texts]


def test_separator_in_text_falls_back():
    texts = ["a\uffffb Hoà", "Uỷ ban"]
    assert tokenize_both(texts) == ([tokenize(t) for t in texts], [tokenize(t, folded=True) for t in texts])


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/corpora not present")
def test_same_tokens_on_real_gazette_and_codified_text():
    files = sorted(SHARED.rglob("*.txt"))[::20] + sorted(SHARED.rglob("*.md"))[::20]
    texts = [line for f in files for line in f.read_text(encoding="utf-8", errors="replace").splitlines()]
    assert len(texts) > 5000
    plain, folded = tokenize_both(texts)
    assert plain == [tokenize(t) for t in texts]
    assert folded == [tokenize(t, folded=True) for t in texts]


def test_word_scheme_segments_on_demand():
    """Ingestion no longer segments every clause (the default index never used it): an index with word tokens
    segments the texts it indexes when it is built."""
    texts = ["Ủy ban nhân dân tỉnh giao Sở Kế hoạch và Đầu tư chủ trì.", "b) Phát triển kinh tế biển"]
    plain, folded = tokenize_both(texts, "word")
    assert "ban_nhân_dân" in plain[0] and "kế_hoạch" in plain[0] and "kinh_tế" in plain[1]
    assert "ke_hoach" in folded[0] and "kinh_te" in folded[1]
    assert plain == [tokenize(t, "word") for t in texts]
