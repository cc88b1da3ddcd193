import shutil

from ingest.metadata import from_header, load_curated
from ingest.pipeline import ingest_corpus
from ingest.structure import parse
from tests.conftest import CORPUS, DOCS, corpus_text

EXPECTED = {
    "langson": {"number": "103/KH-UBND", "province": "Lạng Sơn", "level": "tỉnh", "date": "2024-05-10",
                "issuer": "Ủy ban nhân dân tỉnh Lạng Sơn", "signer": "Hồ Tiến Thiệu", "inferred": []},
    "kontum": {"number": None, "province": "Kon Tum", "level": "tỉnh", "date": None, "signer": "A Pốt",
               "issuer": "Ban Thường vụ Tỉnh ủy Kon Tum", "inferred": ["province", "issuer"]},
    "noprov": {"number": None, "province": None, "level": "tỉnh", "date": None, "signer": None},
    "quangngai": {"number": None, "province": "Quảng Ngãi", "level": "huyện", "date": None, "signer": "Đinh Xuân Dũng"},
    "haiphong": {"number": "12/KH-UBND", "province": "Hải Phòng", "level": "thành phố", "date": "2024-01-18",
                 "signer": "Nguyễn Văn Tùng", "issuer": "Ủy ban nhân dân thành phố Hải Phòng"},
}


def test_metadata_of_all_five_documents(docs):
    for key, want in EXPECTED.items():
        meta = docs[DOCS[key]]["meta"]
        for field, value in want.items():
            assert meta[field] == value, (key, field, meta[field])
        assert meta["type"] == "Kế hoạch"
        assert meta["metadata_source"] == "curated"
    assert "62-KL/TW" in docs[DOCS["kontum"]]["meta"]["implements"]
    assert docs[DOCS["haiphong"]]["meta"]["implements"][:2] == ["99/NQ-CP", "50-KL/TW"]
    assert "Đảng bộ tỉnh Kon Tum" in docs[DOCS["kontum"]]["meta"]["evidence"]["province"]


def test_curated_metadata_covers_every_corpus_file():
    curated = load_curated(CORPUS)
    assert set(curated) == {p.name for p in CORPUS.glob("*.txt")}


def test_header_extraction_for_documents_not_in_metadata_file(tmp_path):
    hp = parse(corpus_text("haiphong"))
    m = from_header(hp, " ".join(n.text for n in hp.clauses))
    assert (m["number"], m["date"], m["province"], m["signer"]) == ("12/KH-UBND", "2024-01-18", "Hải Phòng", "Nguyễn Văn Tùng")
    ls = parse(corpus_text("langson"))
    m = from_header(ls, " ".join(n.text for n in ls.clauses))
    assert (m["number"], m["date"], m["province"], m["level"]) == ("103/KH-UBND", "2024-05-10", "Lạng Sơn", "tỉnh")
    assert "38/NQ-CP" in m["implements"]
    # a copy without a metadata entry is described from its own header, and says so
    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(CORPUS / f"{DOCS['haiphong']}.txt", corpus / "hp_copy.txt")
    docs, _ = ingest_corpus(corpus, tmp_path / "docs.jsonl")
    assert docs[0]["meta"]["metadata_source"] == "header" and docs[0]["meta"]["number"] == "12/KH-UBND"


def test_docs_gain_header_fields_without_changing_curated_ones(docs):
    from ingest.metadata import NEW_FIELDS

    for key in DOCS:
        meta = docs[DOCS[key]]["meta"]
        assert all(k in meta for k in NEW_FIELDS)
    hp = docs[DOCS["haiphong"]]["meta"]
    assert hp["place"] == "Hải Phòng" and hp["signer_title"] == "TM. ỦY BAN NHÂN DÂN, CHỦ TỊCH"
    assert {"relation": "based_on", "type": "Nghị quyết", "number": "99/NQ-CP", "date": "2023-07-10",
            "issuer": "Chính phủ"}.items() <= next(r for r in hp["references"] if r["number"] == "99/NQ-CP").items()
    assert "Như trên" not in hp["recipients"] and hp["recipients"][0] == "VPCP, Bộ Nội vụ"
    assert docs[DOCS["kontum"]]["meta"]["signer_title"] == "T/M BAN THƯỜNG VỤ, PHÓ BÍ THƯ"
