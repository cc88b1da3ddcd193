"""The same e5 model run with ONNX Runtime (fp32, or dynamic int8): no torch at query or build time.

Texts are tokenised with the model's own tokenizer.json (the `tokenizers` library, as sentence-transformers
does), sorted by token length so a batch pads little, and mean-pooled over the attention mask (prompt
tokens included, as the model's pooling config says), then L2-normalised: the reference model's output
within the tolerance tested in tests/test_embedding_paths.py.

Long clauses: "truncate" keeps the first max_len tokens, as sentence-transformers does; "windows" splits a
longer clause into windows of max_len tokens (each with the prompt) and averages the window vectors."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from ingest.clean import normalize

from . import onnx_export
from .embedder import folder_fingerprint, require_model_folder

LONG_MODES = ("truncate", "windows")


def providers() -> list[str]:
    """CUDA first when onnxruntime-gpu is installed and sees a GPU; the CPU provider always."""
    import onnxruntime as ort

    have = ort.get_available_providers()
    return [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in have]


class OnnxEmbedder:
    def __init__(self, model_dir: Path | str, quantized: bool = False, max_seq_length: int = 512,
                 batch_size: int = 8, long_mode: str = "truncate", threads: int | None = None,
                 graph: Path | str | None = None):
        """graph: another ONNX file of the same encoder (scripts/onnx_variants.py measures candidates with it).
        batch_size 8: on 2 cores, 300 real clauses, sorted by length, batch 8 ran 1.3-1.75x faster than 32 and
        2-3x faster than 64 (docs/notes/embed-speed.md): less padding, activations that stay in cache."""
        if long_mode not in LONG_MODES:
            raise ValueError(f"unknown long-clause mode {long_mode!r}; choose one of {LONG_MODES}")
        self.path = Path(model_dir)
        require_model_folder(self.path)
        self.name = self.path.name
        self.quantized = quantized
        self.embedding_path = "onnx-int8" if quantized else "onnx-fp32"
        self.max_len = max_seq_length
        self.batch_size = batch_size
        self.long_mode = long_mode
        self.threads = threads or os.cpu_count() or 1
        self.dim = json.loads((self.path / "1_Pooling" / "config.json").read_text())["embedding_dimension"]
        prompts = json.loads((self.path / "config_sentence_transformers.json").read_text()).get("prompts") or {}
        self._q, self._p = prompts.get("query", ""), prompts.get("passage", "")
        self._fp: str | None = None
        self._graph = Path(graph) if graph else None
        self._session = None
        self._tok = None

    @property
    def fingerprint(self) -> str:
        if self._fp is None:
            self._fp = folder_fingerprint(self.path)
        return self._fp

    @property
    def device(self) -> str:
        self._load()
        return "cuda" if self._session.get_providers()[0] == "CUDAExecutionProvider" else "cpu"

    def _open_session(self, onnx_folder: Path):
        """Something with ONNX Runtime's `run(None, feeds) -> [last_hidden_state]` over this path's graph."""
        import onnxruntime as ort

        graph = self._graph or onnx_folder / (onnx_export.INT8 if self.quantized else onnx_export.FP32)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        return ort.InferenceSession(str(graph), opts, providers=providers())

    def _load(self) -> None:
        if self._session is not None:
            return
        from tokenizers import Tokenizer

        if self._graph is None and not onnx_export.is_current(self.path, self.fingerprint):
            onnx_export.export(self.path)  # first use without `make model`: export once, then reuse
        self._session = self._open_session(onnx_export.onnx_dir(self.path))
        tok = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        tok.no_truncation()
        tok.no_padding()
        self._tok = tok
        self._bos, self._eos = tok.token_to_id("<s>"), tok.token_to_id("</s>")
        self._pad = tok.token_to_id("<pad>")

    def _pieces(self, texts: list[str], prompt: str) -> tuple[list[list[int]], list[int]]:
        """Token id sequences to run (with <s> … </s>), and for each the index of the text it belongs to."""
        enc = self._tok.encode_batch([prompt + normalize(t) for t in texts], add_special_tokens=False)
        body = self.max_len - 2
        n_prompt = len(self._tok.encode(prompt, add_special_tokens=False).ids) if prompt else 0
        seqs, owner = [], []
        for i, e in enumerate(enc):
            ids = e.ids
            if len(ids) <= body or self.long_mode == "truncate":
                seqs.append([self._bos, *ids[:body], self._eos])
                owner.append(i)
                continue
            head, rest = ids[:n_prompt], ids[n_prompt:]
            step = body - n_prompt
            for s in range(0, len(rest), step):
                seqs.append([self._bos, *head, *rest[s:s + step], self._eos])
                owner.append(i)
        return seqs, owner

    def _run(self, seqs: list[list[int]], progress=None, total_texts: int = 0) -> np.ndarray:
        # longest first: little padding per batch, and the progress ETA errs long rather than short
        order = np.argsort([-len(s) for s in seqs], kind="stable")
        out = np.zeros((len(seqs), self.dim), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            width = max(len(seqs[i]) for i in idx)
            ids = np.full((len(idx), width), self._pad, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for r, i in enumerate(idx):
                ids[r, :len(seqs[i])] = seqs[i]
                mask[r, :len(seqs[i])] = 1
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            m = mask[..., None].astype(np.float32)
            out[idx] = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
            if progress:
                progress(min(start + self.batch_size, len(order)), len(order))
        return out

    def _encode(self, texts: list[str], prompt: str, progress=None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self._load()
        seqs, owner = self._pieces(texts, prompt)
        vecs = self._run(seqs, progress)
        if len(seqs) != len(texts):  # windows: the mean of a clause's window vectors
            pooled = np.zeros((len(texts), self.dim), dtype=np.float32)
            np.add.at(pooled, np.asarray(owner), vecs)
            vecs = pooled
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._q)

    def encode_passages(self, texts: list[str], progress=None) -> np.ndarray:
        return self._encode(texts, self._p, progress)
