import json
import subprocess
import sys

from tests.conftest import CORPUS, DOCS, REPO

SCRIPT = """
import json, sys
from click.testing import CliRunner
from policyqa.cli import main
r = CliRunner().invoke(main, ["parse", "--json", *sys.argv[1:]])
print(json.dumps({"code": r.exit_code, "out": r.output, "torch": "torch" in sys.modules,
                  "heavy": sorted(m for m in ("torch", "sentence_transformers", "faiss", "transformers")
                                  if m in sys.modules)}))
"""


def _run(*files):
    env = {"PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    p = subprocess.run([sys.executable, "-c", SCRIPT, *map(str, files)], capture_output=True, text=True, env=env,
                       cwd=REPO, timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_parse_json_schema_and_no_torch(tmp_path):
    doc = tmp_path / "hp.txt"
    doc.write_text((CORPUS / f"{DOCS['haiphong']}.txt").read_text(encoding="utf-8"), encoding="utf-8")
    r = _run(doc)
    assert r["code"] == 0 and not r["torch"] and r["heavy"] == []
    out = json.loads(r["out"])
    d = out["documents"][0]
    assert set(d) == {"source", "metadata", "clauses", "warnings"}
    m = d["metadata"]
    for k in ("number", "type", "date", "place", "issuer", "superior", "province", "level", "signer", "title",
              "references"):
        assert k in m
    assert (m["number"], m["type"], m["date"], m["province"], m["signer"]) == \
        ("12/KH-UBND", "Kế hoạch", "2024-01-18", "Hải Phòng", "Nguyễn Văn Tùng")
    assert any(r["number"] == "99/NQ-CP" and r["relation"] == "based_on" for r in m["references"])
    c = d["clauses"][1]
    assert set(c) == {"id", "path", "citation", "kind", "heading", "text", "fields"}
    assert c["id"] == f"hp:{c['path']}" and "12/KH-UBND" in c["citation"]


def test_parse_exits_2_when_a_file_is_skipped(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("{}", encoding="utf-8")
    r = _run(CORPUS / f"{DOCS['langson']}.txt", bad)
    assert r["code"] == 2
    out = json.loads(r["out"])
    assert len(out["documents"]) == 1 and out["skipped"][0]["file"].endswith("x.json")


def test_parse_human_readable(tmp_path):
    from click.testing import CliRunner

    from policyqa.cli import main

    r = CliRunner().invoke(main, ["parse", str(CORPUS / f"{DOCS['langson']}.txt")])
    assert r.exit_code == 0
    assert "Số: 103/KH-UBND" in r.output and "Cơ quan ban hành: Ủy ban nhân dân tỉnh Lạng Sơn" in r.output
