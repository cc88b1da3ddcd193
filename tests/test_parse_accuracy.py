"""The parse-accuracy script on real documents: the official gazette set (when ../shared is present) and the
held-out part of the labelled provincial set."""
import importlib.util

import pytest

from tests.conftest import REPO

spec = importlib.util.spec_from_file_location("parse_accuracy", REPO / "eval" / "parse_accuracy.py")
pa = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pa)


def test_slug_numbers():
    assert pa.slug_number("luat-so-51-2024-qh15-43559") == ("Luật", "51/2024/QH15")
    assert pa.slug_number("quyet-dinh-so-844-qd-ttg-469526") == ("Quyết định", "844/QD-TTG")
    assert pa.slug_number("van-ban-hop-nhat-so-22-vbhn-vpqh-44464") == ("Văn bản hợp nhất", "22/VBHN-VPQH")
    assert pa.same_number("844/QĐ-TTg", "844/QD-TTG") and not pa.same_number("84/QĐ-TTg", "844/QD-TTG")
    row = {"file": "van-ban-hop-nhat-so-5640-vbhn-bldtbxh-43191.txt", "so_hieu": "van-ban-hop-nhat-so-5640-vbhn-bldtbxh-43191",
           "loai": "VB HN", "nam": 5640}
    assert pa.expected_gazette(row) == {"number": "5640/VBHN-BLDTBXH", "type": "Văn bản hợp nhất", "year": None}


@pytest.mark.skipif(not (pa.CONGBAO / "index.jsonl").exists(), reason="../shared/corpora/congbao is not present")
def test_gazette_number_type_year_at_least_97_percent():
    g = pa.run_gazette(pa.CONGBAO)
    assert g["documents"] - len(g["unreadable"]) >= 190  # nearly all could be checked
    for k in ("number", "type", "year"):
        assert g[k]["accuracy"] >= 0.97, (k, g[k]["wrong"])


@pytest.mark.skipif(not pa.PROVINCIAL.exists(), reason="no labelled provincial set")
def test_provincial_held_out_fields_at_least_95_percent():
    p = pa.run_provincial(pa.PROVINCIAL)
    held = p["splits"]["heldout"]
    assert held["documents"] >= 20
    for f, v in held["fields"].items():
        if v["checked"]:
            assert v["accuracy"] >= 0.95, (f, [w for w in p["wrong"] if w["split"] == "heldout" and w["field"] == f])
