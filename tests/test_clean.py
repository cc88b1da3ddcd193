import unicodedata

from ingest.clean import expand_abbreviations, fold, has_diacritics, normalize, strip_markdown, syllables
from ingest.lines import logical_lines
from tests.conftest import corpus_text


def test_nfc_and_tone_placement_are_unified():
    decomposed = unicodedata.normalize("NFD", "Huyện uỷ hoà khoá")
    assert normalize(decomposed) == "Huyện ủy hòa khóa"
    assert normalize("hoà") == normalize("hòa") == "hòa"
    assert normalize("khoá XII") == normalize("khóa XII")
    assert normalize("xã hội hoá") == "xã hội hóa"
    assert normalize("HOÀ TỐC") == "HÒA TỐC"


def test_tone_normalisation_leaves_other_syllables_alone():
    for w in ("quý", "quả", "hoàn thành", "thuyết", "khoảng", "Quảng Ngãi", "nguyễn"):
        assert normalize(w) == w


def test_fold_strips_all_diacritics():
    assert fold("Sở Tài chính, Đảng ủy") == "so tai chinh, dang uy"
    assert not has_diacritics("ai chu tri tuyen truyen")
    assert has_diacritics("ai chủ trì")


def test_file_003_is_not_nfc_and_is_normalised():
    raw = corpus_text("quangngai")
    assert unicodedata.normalize("NFC", raw) != raw  # the source really is decomposed
    for line in logical_lines(raw):
        assert unicodedata.is_normalized("NFC", line.text)
    assert any("Huyện ủy" in l.text for l in logical_lines(raw))  # "Huyện uỷ" unified


def test_hard_line_breaks_are_repaired_in_003():
    lines = [l.text for l in logical_lines(corpus_text("quangngai"))]
    joined = next(t for t in lines if t.startswith("3. Tiếp tục rà soát, xây dựng định mức"))
    assert "sự nghiệp công, hoàn thành lộ trình tính giá dịch vụ sự nghiệp công" in joined
    assert "Kế hoạch số 92-KH/HU" in " ".join(lines)  # "92-" + "KH/HU" rejoined without a space
    assert any(t.startswith("- Cơ quan chỉ đạo: Ủy ban nhân dân huyện.") for t in lines)


def test_markdown_emphasis_is_stripped_and_its_meaning_kept():
    assert strip_markdown("** Ban Tuyên giáo Tỉnh ủy chủ trì.*") == ("Ban Tuyên giáo Tỉnh ủy chủ trì.", {"italic"})
    assert strip_markdown("**TM. ỦY BAN NHÂN DÂN**")[1] == {"bold"}
    assert strip_markdown('Nghị định "*quy định về*" này') == ('Nghị định "quy định về" này', set())


def test_syllables_keep_document_numbers_and_expand_abbreviations():
    assert "62-kl/tw" in syllables("Kết luận số 62-KL/TW")
    assert syllables("UBND huyện") == syllables("Ủy ban nhân dân huyện")
    assert expand_abbreviations("HĐND tỉnh") == "Hội đồng nhân dân tỉnh"


def test_denoise_keeps_length_and_removes_gazette_and_stamp_noise():
    from ingest.clean import denoise

    raw = ("CÔNG BÁO/Số 286/Ngày 27-05-2026 \r\n89 \r\nTHỦ TƯỚNG CHÍNH PHỦ\r\nSố: 844/Q\u00d0-TTg\r\nNGHỊ ĐỊNH1\r\n"
           "Ký bởi: CÔNG BÁO NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nCơ quan: VĂN PHÒNG CHÍNH PHỦ\n"
           "Ngày ký: 2026-05-27 07:55:25 +07:00\nĐiều 1. Cơ quan: Bộ Y tế\nmột\\r\\nhai")
    out = denoise(raw)
    assert len(out) == len(raw)
    lines = [l.strip() for l in out.splitlines() if l.strip()]
    assert lines == ["THỦ TƯỚNG CHÍNH PHỦ", "Số: 844/QĐ-TTg", "NGHỊ ĐỊNH", "Điều 1. Cơ quan: Bộ Y tế", "một", "hai"]
