"""The HTTP service (`policyqa serve`), started for real: a uvicorn server in a subprocess on a free loopback port,
queried with httpx. Its answers must be the very objects the CLI's `--json` prints for the same query."""
from __future__ import annotations

import json
import shutil
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from click.testing import CliRunner

from tests.conftest import DOCS
from tests.servers import start_serve, stop, wait_healthy

HYBRID_Q = "rà soát định mức kinh tế kỹ thuật"


@pytest.fixture(scope="module")
def served_home(home, tmp_path_factory):
    """A copy of the session's built home: the last test publishes a new generation into it."""
    h = tmp_path_factory.mktemp("served")
    for sub in ("corpus", "data"):
        shutil.copytree(home / sub, h / sub)
    return h


@pytest.fixture(scope="module")
def server(served_home, model_dir):
    log = served_home / "server.log"
    proc, base = start_serve(served_home, model_dir, log)
    try:
        wait_healthy(proc, base, log, time.monotonic() + 120)
        with httpx.Client(base_url=base, timeout=60) as c:
            yield c
    finally:
        stop(proc)


@pytest.fixture
def cli(engine, served_home, monkeypatch):
    """The CLI on the served home, with the session's engine (same index, no second model load)."""
    import policyqa.cli as cli_mod

    monkeypatch.setattr(cli_mod, "_engine", lambda ctx: engine)

    def run(*args):
        r = CliRunner().invoke(cli_mod.main, ["--home", str(served_home), *args], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        return json.loads(r.output)
    return run


def _ok(r: httpx.Response) -> dict:
    assert r.status_code == 200, r.text
    return r.json()


def _same(api: dict, cli: dict):
    """Same object; scores from two processes' model runs may differ in the last printed digit."""
    def norm(x):
        if isinstance(x, dict):
            return {k: norm(v) for k, v in x.items()}
        if isinstance(x, list):
            return [norm(v) for v in x]
        return round(x, 4) if isinstance(x, float) else x
    assert norm(api) == norm(cli)


def test_health(server):
    h = _ok(server.get("/health"))
    assert h["status"] == "ok" and h["documents"] == 5 and h["clauses"] > 100
    assert h["generation"] and h["model"]["dim"] == 384


def test_search_is_the_cli_object(server, cli):
    for mode in ("hybrid", "bm25"):
        api = _ok(server.get("/search", params={"q": HYBRID_Q, "k": 5, "mode": mode}))
        _same(api, cli("search", HYBRID_Q, "-k", "5", "--mode", mode, "--json"))
        assert len(api["hits"]) == 5 and api["mode"] == mode
    post = _ok(server.post("/search", json={"q": HYBRID_Q, "k": 5, "mode": "bm25", "doc": "004"}))
    _same(post, cli("search", HYBRID_Q, "-k", "5", "--mode", "bm25", "--doc", "004", "--json"))
    assert {h["doc_id"] for h in post["hits"]} == {DOCS["haiphong"]}


def test_ask_and_compare_are_the_cli_objects(server, cli):
    q = "Ai chủ trì rà soát định mức kinh tế - kỹ thuật ở Lạng Sơn?"
    api = _ok(server.post("/ask", json={"q": q, "k": 10}))
    _same(api, cli("ask", q, "-k", "10", "--json"))
    assert api["answers"] and api["kind"] == "lead"
    cid = f"{DOCS['haiphong']}:II.2"
    api = _ok(server.get("/compare", params={"q": cid}))
    _same(api, cli("compare", cid, "--json"))
    assert api["reference"] == cid and {r["doc_id"] for r in api["rows"]} >= {DOCS["haiphong"]}
    # a unique id prefix names the same clause
    assert _ok(server.get("/compare", params={"q": "004:II.2"}))["reference"] == cid
    api = _ok(server.get("/compare/align", params={"doc_a": "000", "doc_b": "003"}))
    _same(api, cli("compare", "--align", "000", "003", "--json"))
    assert api["doc_a"] == DOCS["langson"] and api["pairs"]


def test_documents_and_clauses(server, cli):
    api = _ok(server.get("/documents"))
    _same(api, cli("docs", "--json"))
    d = _ok(server.get("/documents/004"))
    assert d["document"]["doc_id"] == DOCS["haiphong"] and d["document"]["clauses"] == len(d["clauses"])
    for by_number in ("/documents/12/KH-UBND", "/documents/12%2FKH-UBND"):  # a number has a slash
        assert _ok(server.get(by_number))["document"]["doc_id"] == DOCS["haiphong"]
    c = _ok(server.get(f"/clauses/{DOCS['langson']}:II.2.b"))
    assert c["path"] == "II.2.b" and "103/KH-UBND" in c["citation"] and c["text"].startswith("b)")
    assert _ok(server.get("/clauses/000:II.2.b")) == c


def test_tasks_is_the_cli_object(server, engine, served_home, monkeypatch):
    import policyqa.cli as cli_mod
    from policyqa.engine import Engine

    monkeypatch.setattr(Engine, "load", classmethod(lambda cls, *a, **k: engine))  # `tasks` loads its own
    args = {"doc": "004", "agency": "Sở Tài chính"}
    r = CliRunner().invoke(cli_mod.main, ["--home", str(served_home), "tasks", "--doc", "004", "--agency",
                                          "Sở Tài chính", "--json"], catch_exceptions=False)
    api = _ok(server.get("/tasks", params=args))
    _same(api, json.loads(r.output))
    assert api["tasks"] and {t["doc_id"] for t in api["tasks"]} == {DOCS["haiphong"]}
    assert len(_ok(server.get("/tasks"))["tasks"]) > len(api["tasks"])


@pytest.mark.parametrize("path,params,status,words", [
    ("/search", {"q": "x", "k": -1}, 422, "k must be from 1 to 100"),
    ("/search", {"q": "x", "k": 0}, 422, "k must be from 1 to 100"),
    ("/ask", {"q": "ai chủ trì", "k": 0}, 422, "k must be from 1 to 100"),
    ("/search", {"q": "x", "k": "ten"}, 422, "valid integer"),
    ("/search", {"q": " "}, 422, "q is empty"),
    ("/search", {"q": "x", "mode": "fuzzy"}, 422, "unknown mode 'fuzzy'"),
    ("/search", {"q": "x", "date_from": "2024-13-01"}, 422, "not a valid date"),
    ("/search", {"q": "x", "date_from": "May 2024"}, 422, "write YYYY-MM-DD"),
    ("/search", {"q": "x", "doc": "009"}, 422, "unknown document '009'"),
    ("/search", {"q": "x", "province": "Hai Phonh"}, 422, "did you mean: Hải Phòng"),
    ("/search", {"q": "x", "type": "Thông tư"}, 422, "no document of type 'Thông tư'"),
    ("/search", {"q": "x", "dateFrom": "2024-01-01"}, 422, "dateFrom"),
    ("/compare", {"q": "004:II.99"}, 422, "has no clause 'II.99'"),
    ("/compare", {"q": "x y", "threshold": 2}, 422, "threshold must be from 0 to 1"),
    ("/compare", {"q": "rà soát", "docs": "Ha Noi"}, 422, "neither a document nor a province"),
    ("/tasks", {"doc": "009"}, 422, "neither a document nor a province"),
    ("/tasks", {"role": "boss"}, 422, "role"),
    ("/tasks", {"due_from": "2025-02-30"}, 422, "not a valid date"),
    ("/documents/999", {}, 404, "unknown document '999'"),
    ("/clauses/004:IX.9", {}, 404, "has no clause 'IX.9'"),
    ("/nowhere", {}, 404, "Not Found"),
])
def test_bad_input_is_a_json_error(server, path, params, status, words):
    r = server.get(path, params=params)
    assert r.status_code == status, r.text
    body = r.json()
    assert words in body["error"] and body["status"] == status and "Traceback" not in r.text


def test_dates_are_parsed_as_dates(server):
    # 1 May 2024, written without leading zeros: documents of 10/05/2024 (Lạng Sơn) are after it
    a = _ok(server.get("/search", params={"q": "rà soát", "mode": "bm25", "date_from": "2024-5-1"}))
    assert a["filters"]["date_from"] == "2024-05-01" and a["hits"]
    assert all(h["doc"]["date"] >= "2024-05-01" for h in a["hits"])


def test_openapi_docs(server):
    assert "swagger" in server.get("/docs").text.lower()
    spec = _ok(server.get("/openapi.json"))
    assert {"/search", "/ask", "/compare", "/compare/align", "/tasks", "/documents", "/documents/{doc}",
            "/clauses/{clause_id}", "/health"} <= set(spec["paths"])
    assert "hits" in spec["components"]["schemas"]["SearchResponse"]["properties"]


def test_concurrent_clients_get_the_same_answers(server):
    expected = _ok(server.get("/search", params={"q": HYBRID_Q, "k": 3}))

    def one(_):
        return server.get("/search", params={"q": HYBRID_Q, "k": 3}).json()

    with ThreadPoolExecutor(4) as ex:
        got = list(ex.map(one, range(12)))
    for g in got:
        _same(g, expected)


def test_new_generation_is_served_without_restart(server, served_home, model_dir, embedder):
    """Publishing a build (a new document added) is picked up by the running service; queries never fail meanwhile."""
    from policyqa.build import build_all
    from policyqa.config import Settings
    from tests.test_ingest_errors import SNIPPET

    before = _ok(server.get("/health"))
    (served_home / "corpus" / "new_plan.txt").write_text(SNIPPET.replace("định mức kinh tế", "định mức xăng dầu công vụ"),
                                                         encoding="utf-8")
    build_all(Settings.from_env(home=served_home, model_dir=model_dir), embedder=embedder)
    deadline = time.monotonic() + 60
    while True:
        h = _ok(server.get("/health"))  # every request in between is answered (from the old or the new generation)
        if h["generation"] != before["generation"]:
            break
        assert time.monotonic() < deadline, "new generation not picked up"
        time.sleep(0.3)
    assert h["documents"] == 6 and h["reloads"] == before["reloads"] + 1
    hits = _ok(server.get("/search", params={"q": "định mức xăng dầu công vụ", "mode": "bm25", "k": 1}))["hits"]
    assert hits[0]["doc_id"] == "new_plan"


def test_mismatched_model_is_a_503_with_the_reason(home, model_dir, embedder, tmp_path):
    """In process (no second model load): an index built with another model is refused, as the CLI refuses it."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from policyqa.config import Settings

    for sub in ("corpus", "data"):
        shutil.copytree(home / sub, tmp_path / sub)
    idx = tmp_path / "data" / "index"
    man = idx / (idx / "CURRENT").read_text().strip() / "manifest.json"
    m = json.loads(man.read_text())
    m["model"]["fingerprint"] = "0" * 64
    man.write_text(json.dumps(m))
    with TestClient(create_app(Settings.from_env(home=tmp_path, model_dir=model_dir), embedder=embedder)) as c:
        r = c.get("/search", params={"q": "rà soát"})
        assert r.status_code == 503 and "built with model" in r.json()["error"]
        h = c.get("/health")
        assert h.status_code == 503 and "policyqa build" in h.json()["error"]
