"""sentencepiece's built-in nmt_nfkc normaliser table (XLM-R's), produced offline by training a tiny
throwaway model and reading the table out of its serialized protobuf."""
from __future__ import annotations

import io


def _varint(b: bytes, i: int) -> tuple[int, int]:
    r = s = 0
    while True:
        c = b[i]
        i += 1
        r |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return r, i


def _fields(b: bytes):
    i = 0
    while i < len(b):
        key, i = _varint(b, i)
        fn, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _varint(b, i)
        elif wt == 2:
            ln, i = _varint(b, i)
            v = b[i:i + ln]
            i += ln
        elif wt == 5:
            v = b[i:i + 4]
            i += 4
        elif wt == 1:
            v = b[i:i + 8]
            i += 8
        else:
            raise ValueError(f"unexpected protobuf wire type {wt}")
        yield fn, wt, v


def nmt_nfkc_charsmap() -> bytes:
    import sentencepiece as spm

    words = [f"w{i}x{j}" for i in range(60) for j in range(60)]
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter([" ".join(words[k:k + 30]) for k in range(0, len(words), 30)]),
                                   model_writer=buf, vocab_size=40, normalization_rule_name="nmt_nfkc", minloglevel=2)
    normalizer_spec = [v for fn, _, v in _fields(buf.getvalue()) if fn == 3][0]
    return [v for fn, _, v in _fields(normalizer_spec) if fn == 2][0]
