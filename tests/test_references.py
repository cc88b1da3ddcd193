from ingest.references import attached_to, from_lines

# Preamble of Thông tư 02/2025/TT-BLĐTBXH and of Kế hoạch 594/KH-UBND (Nghệ An, 2021), as printed.
TT = ["Căn cứ Luật Thống kê ngày 23/11/2015;",
      "Căn cứ Nghị định số 94/2016/NĐ-CP ngày 01/7/2016 của Chính phủ quy định",
      "chi tiết và hướng dẫn thi hành một số điều của Luật Thống kê;",
      "Căn cứ Luật Bảo hiểm xã hội số 41/2024/QH15 đã được sửa đổi, bổ sung một số điều theo Luật số 84/2025/QH15;"]
KH = ["Thực hiện Chỉ thị số 19/CT-TTg ngày 16/7/2021 của Thủ tướng Chính phủ về việc phát động thi đua thực hiện "
      "thắng lợi nhiệm vụ phát triển kinh tế - xã hội hằng năm và Kế hoạch số 16/KH-HĐTĐKT ngày 31/8/2021 của Hội "
      "đồng Thi đua - Khen thưởng Trung ương, Ủy ban nhân dân tỉnh Nghệ An ban hành Kế hoạch tổ chức thực hiện như sau:"]


def _rows(refs):
    return [(r.relation, r.type, r.number, r.date, r.issuer) for r in refs]


def test_based_on_lines_with_and_without_numbers():
    rows = _rows(from_lines(TT))
    assert ("based_on", "Luật", None, "2015-11-23", None) in rows
    assert ("based_on", "Nghị định", "94/2016/NĐ-CP", "2016-07-01", "Chính phủ") in rows
    assert ("based_on", "Luật", "41/2024/QH15", None, None) in rows
    # documents named inside another one's description are mentions, not bases
    assert ("mentions", "Luật", "84/2025/QH15", None, None) in rows


def test_implements_lines_and_title():
    rows = _rows(from_lines(KH, title="THỰC HIỆN CHỈ THỊ SỐ 19/CT-TTG NGÀY 16 THÁNG 7 NĂM 2021"))
    assert ("implements", "Chỉ thị", "19/CT-TTg", "2021-07-16", "Thủ tướng Chính phủ") in rows
    assert ("implements", "Kế hoạch", "16/KH-HĐTĐKT", "2021-08-31", "Hội đồng Thi đua - Khen thưởng Trung ương") in rows
    rows = _rows(from_lines([], title="Sửa đổi, bổ sung một số điều của Nghị định số 30/2020/NĐ-CP"))
    assert rows == [("amends", "Nghị định", "30/2020/NĐ-CP", None, None)]


def test_attached_to():
    refs = attached_to("KẾ HOẠCH HÀNH ĐỘNG\n(Ban hành kèm theo Quyết định số 844/QĐ-TTg ngày 13 tháng 5 năm 2026 "
                       "của Thủ tướng Chính phủ)")
    assert _rows(refs) == [("attached_to", "Quyết định", "844/QĐ-TTg", "2026-05-13", "Thủ tướng Chính phủ")]
