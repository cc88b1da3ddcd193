"""Export the sentence-transformers model's transformer to ONNX, optimised for inference, and a dynamic int8 copy.

Done at set-up time (`make model` / `policyqa model`), or on first use, into an ignored folder next to the
model (models/<name>-onnx/); never committed. Pooling (mean over the attention mask) and L2 normalisation
stay in numpy (index/onnx_embedder.py), so the graph is the plain encoder: input_ids, attention_mask ->
last_hidden_state.

Steps: the encoder is exported with eager attention (its MatMul/Softmax pattern is what ONNX Runtime's
transformer optimizer recognises; the sdpa export is not fused), the graph is fused by
`onnxruntime.transformers.optimizer` for BERT (multi-head attention, skip-layer-norm, bias-GELU, with the
model's own head count and hidden size from its config), and the optimised graph is quantised with dynamic
int8 weights, except the feed-forward output projections (the MatMul fed by GELU), which stay fp32: their input's
long-tailed activations are what per-tensor dynamic quantisation handles worst (docs/notes/embed-int8.md).
The unfused export is also converted to OpenVINO's IR with fp32 weights (index/openvino_embedder.py: OpenVINO
fuses the graph itself, and cannot read the com.microsoft ops of ONNX Runtime's fused graph).
`export.json` records the source model's fingerprint and RECIPE: a stale export is redone."""
from __future__ import annotations

import json
import logging
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

FP32 = "model.onnx"  # the optimised fp32 graph
INT8 = "model.int8.onnx"  # the optimised graph with dynamic int8 weights
OPENVINO = "openvino/model.xml"  # the unfused fp32 graph as OpenVINO IR (weights in model.bin, kept fp32)
OPSET = 17
# Bump when the export, optimisation or quantisation changes: an export of another recipe is redone.
RECIPE = 3
# Chosen by scripts/onnx_variants.py and a per-node sensitivity run (cosine to fp32 on real clauses):
# docs/notes/embed-speed.md, docs/notes/embed-int8.md. "fp32_after_gelu": MatMuls fed by a GELU stay fp32.
QUANT = {"per_channel": True, "op_types": None, "fp32_after_gelu": True}
GELU_OPS = ("BiasGelu", "Gelu", "FastGelu")


def onnx_dir(model_dir: Path) -> Path:
    model_dir = Path(model_dir)
    return model_dir.parent / f"{model_dir.name}-onnx"


def read_info(model_dir: Path) -> dict:
    try:
        return json.loads((onnx_dir(model_dir) / "export.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def is_current(model_dir: Path, source_fp: str) -> bool:
    out = onnx_dir(model_dir)
    info = read_info(model_dir)
    return (info.get("source_fingerprint") == source_fp and info.get("recipe") == RECIPE
            and all((out / f).exists() for f in (FP32, INT8, OPENVINO)))


def model_shape(model_dir: Path) -> tuple[int, int]:
    """(attention heads, hidden size) from the model's own config.json, for the attention fusion."""
    cfg = json.loads((Path(model_dir) / "config.json").read_text(encoding="utf-8"))
    return int(cfg["num_attention_heads"]), int(cfg["hidden_size"])


def export_raw(model_dir: Path, dest: Path, attn_implementation: str = "eager") -> None:
    """The bare encoder, exported by torch; eager attention is the pattern the optimizer fuses ("sdpa" gives the
    unfused graph of the export before RECIPE 2, which scripts/onnx_variants.py measures against)."""
    import torch
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True,
                             model_kwargs={"attn_implementation": attn_implementation})
    encoder = st[0].auto_model.eval()

    class Encoder(torch.nn.Module):
        """The bare encoder with positional inputs, so the exported graph has stable input names."""

        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            return self.m(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.tensor([[0, 100, 200, 2], [0, 300, 2, 1]], dtype=torch.long)
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]], dtype=torch.long)
    with torch.no_grad():
        # The TorchScript exporter (dynamo=False) needs only the `onnx` package, which we install;
        # the dynamo exporter would also need onnxscript.
        torch.onnx.export(Encoder(encoder), (ids, mask), str(dest), dynamo=False, opset_version=OPSET,
                          input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "seq"},
                                        "attention_mask": {0: "batch", 1: "seq"},
                                        "last_hidden_state": {0: "batch", 1: "seq"}})


def to_openvino(src: Path, dest: Path) -> str:
    """OpenVINO IR of the unfused graph; compress_to_fp16=False keeps the weights exact (the default halves
    them, which changes the vectors). Returns OpenVINO's version."""
    import openvino as ov

    ov.save_model(ov.convert_model(str(src)), str(dest), compress_to_fp16=False)
    return ov.get_version()


def optimise(src: Path, dest: Path, num_heads: int, hidden_size: int) -> dict:
    """ONNX Runtime's BERT fusions (CPU, opt level 1: portable across machines); returns the fused-op counts."""
    from onnxruntime.transformers.optimizer import optimize_model

    m = optimize_model(str(src), model_type="bert", num_heads=num_heads, hidden_size=hidden_size,
                       opt_level=1, use_gpu=False)
    m.save_model_to_file(str(dest))
    return {k: v for k, v in m.get_fused_operator_statistics().items() if v}


def after_gelu(graph) -> list[str]:
    """Names of the MatMul nodes fed by a (fused) GELU: the feed-forward output projections. Needs the
    optimised graph; an unfused one (GELU as Erf/Mul ops) gives none."""
    gelu_out = {o for n in graph.node if n.op_type in GELU_OPS for o in n.output}
    return [n.name for n in graph.node if n.op_type == "MatMul" and n.input[0] in gelu_out]


def quantise(src: Path, dest: Path, per_channel: bool = False, op_types: list[str] | None = None,
             fp32_after_gelu: bool = False) -> list[str]:
    """Dynamic int8: weights quantised once, activations per batch (no calibration data). Returns the nodes
    left in fp32."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    keep = after_gelu(onnx.load(str(src), load_external_data=False).graph) if fp32_after_gelu else []
    # the fused ops (com.microsoft domain) defeat ONNX shape inference: their outputs are float
    quantize_dynamic(str(src), str(dest), weight_type=QuantType.QInt8, per_channel=per_channel,
                     op_types_to_quantize=op_types, nodes_to_exclude=keep,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    return keep


def export(model_dir: Path, force: bool = False) -> Path:
    """Write model.onnx (optimised fp32), model.int8.onnx and openvino/model.xml for the model folder; returns
    the ONNX folder."""
    from .embedder import folder_fingerprint

    model_dir = Path(model_dir)
    fp = folder_fingerprint(model_dir)
    out = onnx_dir(model_dir)
    if not force and is_current(model_dir, fp):
        return out
    import onnxruntime
    import torch

    warnings.filterwarnings("ignore")  # the TorchScript exporter's deprecation and tracer warnings
    logging.getLogger().setLevel(logging.ERROR)  # quantize_dynamic's "consider pre-processing" advice
    heads, hidden = model_shape(model_dir)
    tmp = Path(tempfile.mkdtemp(prefix=".onnx-", dir=out.parent))
    try:
        export_raw(model_dir, tmp / "raw.onnx")
        fused = optimise(tmp / "raw.onnx", tmp / FP32, heads, hidden)
        openvino_version = to_openvino(tmp / "raw.onnx", tmp / OPENVINO)
        (tmp / "raw.onnx").unlink()
        kept = quantise(tmp / FP32, tmp / INT8, **QUANT)
        for f in ("tokenizer.json", "config_sentence_transformers.json"):
            shutil.copy2(model_dir / f, tmp / f)
        (tmp / "export.json").write_text(json.dumps({
            "source": str(model_dir), "source_fingerprint": fp, "recipe": RECIPE, "opset": OPSET,
            "torch": torch.__version__, "onnxruntime": onnxruntime.__version__, "openvino": openvino_version,
            "optimiser": {"model_type": "bert", "num_heads": heads, "hidden_size": hidden, "fused": fused},
            "int8": {"weight_type": "QInt8", **QUANT, "fp32_nodes": len(kept)}}, indent=1))
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


if __name__ == "__main__":  # `make model`: python -m index.onnx_export models/me5-small
    print(f"ONNX model ready: {export(Path(sys.argv[1]), force='--force' in sys.argv)}")
