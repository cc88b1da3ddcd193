"""Commands that need no model do not import torch (start-up is most of a CLI call's time)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROBE = """
import sys, json
from policyqa.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print(json.dumps({"torch": "torch" in sys.modules, "sentence_transformers": "sentence_transformers" in sys.modules}),
          file=sys.stderr)
"""


def _modules(home: Path, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    r = subprocess.run([sys.executable, "-c", PROBE, "--home", str(home), *args], capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [["docs"], ["search", "phát triển du lịch", "--mode", "bm25", "--json"],
                                  ["search", "phat trien du lich", "--mode", "bm25"]])
def test_no_torch(home, args):
    assert _modules(home, *args) == {"torch": False, "sentence_transformers": False}


def test_word_segmentation_does_not_import_torch():
    """A word-token index segments what it indexes; underthesea's own import would load torch for its translator."""
    code = ("import sys, json; from ingest.segment import segment;"
            "s = segment('1. Sở Y tế chủ trì thực hiện.');"
            "print(json.dumps([s, 'torch' in sys.modules, 'transformers' in sys.modules]))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"})
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.strip().splitlines()[-1]) == ["Sở Y_tế chủ_trì thực_hiện .", False, False]
