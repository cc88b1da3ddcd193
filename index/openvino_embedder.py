"""The same e5 encoder run by OpenVINO on the CPU, in fp32: the build's default path on CPU.

Same tokenisation, length-sorted batches, pooling and long-clause handling as the ONNX Runtime path
(index/onnx_embedder.py); only the runtime differs. OpenVINO reads the unfused fp32 graph (IR written at
set-up by index/onnx_export.py) and fuses it itself. Its vectors equal ONNX Runtime's fp32 vectors to float
rounding (tests/test_embedding_paths.py), so an index it builds is read with the onnx-fp32 query path, and the
retrieval figures on eval/ and ALQAC are the same (docs/notes/embed-openvino.md); on 2 cores it embeds the real
corpora's clauses faster. The precision is pinned to f32: on CPUs with bf16 units OpenVINO would otherwise
choose bf16 itself, which moves vectors (eval/ dense MRR@10 -0.0056 measured) and would make them depend on
the machine."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from . import onnx_export
from .onnx_embedder import OnnxEmbedder


class _Request:
    """ONNX Runtime's session.run() shape over one OpenVINO infer request (one batch at a time)."""

    def __init__(self, compiled):
        self._req = compiled.create_infer_request()
        self._out = compiled.outputs[0]

    def run(self, _names, feeds: dict) -> list[np.ndarray]:
        res = self._req.infer({"input_ids": feeds["input_ids"], "attention_mask": feeds["attention_mask"]})
        return [res[self._out]]


class OpenVinoEmbedder(OnnxEmbedder):
    def __init__(self, model_dir: Path | str, **kw):
        if kw.get("quantized"):
            raise ValueError("the OpenVINO path is fp32 only; int8 is onnx-int8")
        super().__init__(model_dir, **kw)
        self.embedding_path = "openvino-fp32"

    @property
    def device(self) -> str:
        return "cpu"

    def _open_session(self, onnx_folder: Path):
        import openvino as ov

        graph = self._graph or onnx_folder / onnx_export.OPENVINO
        # LATENCY: one stream over all threads, one batch at a time, as the ONNX Runtime path runs
        # (two streams of one thread each measured no faster on 2 cores, docs/notes/embed-openvino.md)
        cfg = {"INFERENCE_PRECISION_HINT": "f32", "PERFORMANCE_HINT": "LATENCY",
               "INFERENCE_NUM_THREADS": self.threads}
        core = ov.Core()
        return _Request(core.compile_model(core.read_model(str(graph)), "CPU", cfg))
