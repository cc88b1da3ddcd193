"""Export the sentence-transformers model's transformer to ONNX (fp32), and a dynamic int8 copy.

Done at set-up time (`make model` / `policyqa model`), or on first use, into an ignored folder next to the
model (models/<name>-onnx/); never committed. Pooling (mean over the attention mask) and L2 normalisation
stay in numpy (index/onnx_embedder.py), so the graph is the plain encoder: input_ids, attention_mask ->
last_hidden_state. `export.json` records the source model's fingerprint: a stale export is redone."""
from __future__ import annotations

import json
import logging
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

FP32 = "model.onnx"
INT8 = "model.int8.onnx"
OPSET = 17


def onnx_dir(model_dir: Path) -> Path:
    model_dir = Path(model_dir)
    return model_dir.parent / f"{model_dir.name}-onnx"


def is_current(model_dir: Path, source_fp: str) -> bool:
    out = onnx_dir(model_dir)
    try:
        info = json.loads((out / "export.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return info.get("source_fingerprint") == source_fp and (out / FP32).exists() and (out / INT8).exists()


def export(model_dir: Path, force: bool = False) -> Path:
    """Write model.onnx and model.int8.onnx for the model folder; returns the ONNX folder."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers import SentenceTransformer

    from .embedder import folder_fingerprint

    model_dir = Path(model_dir)
    fp = folder_fingerprint(model_dir)
    out = onnx_dir(model_dir)
    if not force and is_current(model_dir, fp):
        return out
    st = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    encoder = st[0].auto_model.eval()

    class Encoder(torch.nn.Module):
        """The bare encoder with positional inputs, so the exported graph has stable input names."""

        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            return self.m(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    warnings.filterwarnings("ignore")  # the TorchScript exporter's deprecation and tracer warnings
    logging.getLogger().setLevel(logging.ERROR)  # quantize_dynamic's "consider pre-processing" advice
    ids = torch.tensor([[0, 100, 200, 2], [0, 300, 2, 1]], dtype=torch.long)
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]], dtype=torch.long)
    tmp = Path(tempfile.mkdtemp(prefix=".onnx-", dir=out.parent))
    try:
        with torch.no_grad():
            # The TorchScript exporter (dynamo=False) needs only the `onnx` package, which we install;
            # the dynamo exporter would also need onnxscript.
            torch.onnx.export(Encoder(encoder), (ids, mask), str(tmp / FP32), dynamo=False, opset_version=OPSET,
                              input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                              dynamic_axes={"input_ids": {0: "batch", 1: "seq"},
                                            "attention_mask": {0: "batch", 1: "seq"},
                                            "last_hidden_state": {0: "batch", 1: "seq"}})
        # Dynamic int8: weights of the MatMuls quantised once, activations per batch (no calibration data).
        quantize_dynamic(str(tmp / FP32), str(tmp / INT8), weight_type=QuantType.QInt8)
        for f in ("tokenizer.json", "config_sentence_transformers.json"):
            shutil.copy2(model_dir / f, tmp / f)
        (tmp / "export.json").write_text(json.dumps({"source": str(model_dir), "source_fingerprint": fp,
                                                     "opset": OPSET, "torch": torch.__version__}, indent=1))
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


if __name__ == "__main__":  # `make model`: python -m index.onnx_export models/me5-small
    print(f"ONNX model ready: {export(Path(sys.argv[1]), force='--force' in sys.argv)}")
