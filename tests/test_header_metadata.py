"""Header metadata on real header snippets (each quoted from the document named above it), one case for each
layout problem the issue lists."""
from ingest.clean import denoise
from ingest.metadata import read_document, type_from_number

# Kế hoạch 07/KH-UBND ngày 13/01/2020, UBND tỉnh Lạng Sơn, as thuviennhadat.vn flattens its two-column header
# ("|" between the cells, one cell over several lines).
LANGSON_PIPES = """ỦY BAN NHÂN DÂN
TỈNH LẠNG SƠN
-------
|
CỘNG HÒA XÃ HỘI
CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
|
Số: 07/KH-UBND
|
Lạng Sơn, ngày 13
tháng 01 năm 2020
|
KẾ HOẠCH
TRIỂN KHAI CÁC GIẢI PHÁP PHÒNG, CHỐNG HẠN
HÁN, THIẾU NƯỚC PHỤC VỤ SẢN XUẤT NÔNG NGHIỆP VÀ DÂN SINH MÙA KHÔ NĂM 2019 -
2020
Thực hiện Chỉ
thị số 8008/CT-TCTL ngày 25/10/2019 của Bộ trưởng Bộ Nông nghiệp và Phát triển
nông thôn về việc tăng cường thực hiện các giải pháp thủy lợi phòng, chống hạn
hán, thiếu nước phục vụ sản xuất nông nghiệp và dân sinh, mùa khô năm 2019 -
2020. Ủy ban nhân dân tỉnh ban hành Kế hoạch triển khai thực hiện như sau:
I. MỤC ĐÍCH, YÊU CẦU
"""


def test_two_column_header_flattened_with_pipes():
    m = read_document(LANGSON_PIPES)
    assert (m["number"], m["type"], m["date"], m["place"]) == ("07/KH-UBND", "Kế hoạch", "2020-01-13", "Lạng Sơn")
    assert (m["issuer"], m["province"], m["level"]) == ("Ủy ban nhân dân tỉnh Lạng Sơn", "Lạng Sơn", "tỉnh")
    assert m["title"].startswith("TRIỂN KHAI CÁC GIẢI PHÁP PHÒNG, CHỐNG HẠN HÁN")


# Row-wise flattening: each table row on one line, cells separated by "|" (the example), and the issuer
# repeated by the flattening ("Ủy Ban Nhân Dân Tỉnh Ninh Thuận Ủy Ban Nhân Dân Tỉnh Ninh Thuận" before the fix).
# Kế hoạch 2516/KH-UBND ngày 03/10/2014 of UBND tỉnh Kon Tum (luatminhkhue.vn).
ROWS = """ỦY BAN NHÂN DÂN TỈNH KON TUM | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
ỦY BAN NHÂN DÂN TỈNH KON TUM | Độc lập - Tự do - Hạnh phúc
Số: 2516/KH-UBND | Kon Tum, ngày 03 tháng 10 năm 2014
KẾ HOẠCH
TRIỂN KHAI THỰC HIỆN QUYẾT ĐỊNH SỐ 34/2014/QĐ-TTG NGÀY 30/5/2014 CỦA THỦ TƯỚNG CHÍNH PHỦ VỀ QUY ĐỊNH TIÊU CHUẨN XÃ, PHƯỜNG, THỊ TRẤN PHÙ HỢP VỚI TRẺ EM
Căn cứ Quyết định số 34/2014/QĐ-TTg ngày 30/5/2014 của Thủ tướng Chính phủ về việc Quy định tiêu chuẩn xã, phường, thị trấn phù hợp với trẻ em;
Thực hiện Công văn số 2928/LĐTBXH-BVCSTE ngày 12/8/2014 của Bộ Lao động, Thương binh và Xã hội về việc triển khai Quyết định 34/2014/QĐ-TTg của Thủ tướng Chính phủ.
I. Mục đích, yêu cầu
"""


def test_row_flattened_header_issuer_once_without_pipes():
    m = read_document(ROWS)
    assert m["issuer"] == "Ủy ban nhân dân tỉnh Kon Tum"
    assert "|" not in m["issuer"] and m["superior"] is None
    assert (m["number"], m["date"], m["province"]) == ("2516/KH-UBND", "2014-10-03", "Kon Tum")


def test_number_spacing_and_law_number():
    assert read_document("Số: 12 /KH-UBND\nHải Phòng, ngày 18 tháng 01 năm 2024\nKẾ HOẠCH\nTriển khai")["number"] \
        == "12/KH-UBND"
    assert read_document("Số 12 /KH-UBND\nHải Phòng, ngày 18 tháng 01 năm 2024\nKẾ HOẠCH\nTriển khai")["number"] \
        == "12/KH-UBND"
    # Luật 51/2024/QH15 (Công báo số 1523 + 1524 ngày 29-12-2024): no place-date line; date from "thông qua ngày"
    law = ("CÔNG BÁO/Số 1523 + 1524/Ngày 29-12-2024 \n3 \n \nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM \n"
           "Độc lập - Tự do - Hạnh phúc  \n \n QUỐC HỘI \n \nLuật số: 51/2024/QH15 \n \n \nLUẬT \n"
           "SỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU CỦA LUẬT BẢO HIỂM Y TẾ \n \nCăn cứ Hiến pháp nước Cộng hòa xã hội chủ "
           "nghĩa Việt Nam;  \n \nĐiều 1. Sửa đổi\nLuật này được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam "
           "khóa XV, kỳ họp thứ 8 thông qua ngày 27 tháng 11 năm 2024.\nCHỦ TỊCH QUỐC HỘI\nTrần Thanh Mẫn\n")
    m = read_document(denoise(law))
    assert (m["number"], m["type"], m["issuer"], m["level"], m["province"]) == \
        ("51/2024/QH15", "Luật", "Quốc hội", "trung ương", None)
    assert m["date"] == "2024-11-27"
    assert (m["signer"], m["signer_title"]) == ("Trần Thanh Mẫn", "CHỦ TỊCH QUỐC HỘI")


# Quyết định 1994/QĐ-UBND ngày 26/8/2021, UBND tỉnh An Giang (thuvienphapluat.vn), with "QĐ" written with the
# letter Ð (U+00D0) as some converters do, and literal "\r\n" sequences left by a scraper.
AN_GIANG = ("ỦY BAN NHÂN DÂN\\r\\nTỈNH AN GIANG\\r\\n-------\\r\\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\\r\\n"
            "Độc lập - Tự do - Hạnh phúc\\r\\nSố: 1994/Q\u00d0-UBND\\r\\nAn Giang, ngày 26 tháng 8 năm 2021\\r\\n"
            "QUYẾT ĐỊNH\\r\\nPHÊ DUYỆT KẾ HOẠCH CHUYỂN ĐỔI CƠ CẤU CÂY TRỒNG TỪ ĐẤT TRỒNG\\r\\n"
            "LÚA KÉM HIỆU QUẢ SANG RAU, MÀU VÀ CÂY ĂN TRÁI GIAI ĐOẠN 2021 - 2025\\r\\n"
            "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH AN GIANG\\r\\nCăn cứ Luật Tổ chức Chính quyền địa phương ngày 19 tháng 6 "
            "năm 2015;\\r\\nCăn cứ Nghị định số 35/2015/NĐ-CP ngày 13 tháng 4 năm 2015 của Chính phủ về quản lý, "
            "sử dụng đất trồng lúa;\\r\\nQUYẾT ĐỊNH:\\r\\nĐiều 1. Phê duyệt Kế hoạch\\r\\n")


def test_literal_crlf_and_eth_letter():
    text = denoise(AN_GIANG)
    assert len(text) == len(AN_GIANG)  # spans stay valid
    m = read_document(text)
    assert (m["number"], m["type"], m["date"]) == ("1994/QĐ-UBND", "Quyết định", "2021-08-26")
    assert (m["issuer"], m["province"], m["level"]) == ("Ủy ban nhân dân tỉnh An Giang", "An Giang", "tỉnh")
    assert m["title"] == ("PHÊ DUYỆT KẾ HOẠCH CHUYỂN ĐỔI CƠ CẤU CÂY TRỒNG TỪ ĐẤT TRỒNG LÚA KÉM HIỆU QUẢ SANG RAU, "
                          "MÀU VÀ CÂY ĂN TRÁI GIAI ĐOẠN 2021 - 2025")


# Nghị định 158/2025/NĐ-CP as the gazette prints it: page header, section label, issuer repeated; and a
# footnote number glued to a title (Văn bản hợp nhất 16/VBHN-BTC: "QUYẾT ĐỊNH1").
GAZETTE = """CÔNG BÁO/Số 851 + 852/Ngày 01-7-2025
3
VĂN BẢN QUY PHẠM PHÁP LUẬT
CHÍNH PHỦ
CHÍNH PHỦ
Số: 158/2025/NĐ-CP
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 25 tháng 6 năm 2025
NGHỊ ĐỊNH1
Quy định chi tiết và hướng dẫn thi hành một số điều
của Luật Bảo hiểm xã hội về bảo hiểm xã hội bắt buộc
Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;
Chương I
"""


def test_gazette_page_header_section_label_and_footnote():
    m = read_document(denoise(GAZETTE))
    assert (m["number"], m["type"], m["date"], m["place"]) == ("158/2025/NĐ-CP", "Nghị định", "2025-06-25", "Hà Nội")
    assert (m["issuer"], m["level"], m["province"], m["superior"]) == ("Chính phủ", "trung ương", None, None)
    assert m["title"] == ("Quy định chi tiết và hướng dẫn thi hành một số điều của Luật Bảo hiểm xã hội về bảo hiểm xã "
                          "hội bắt buộc")


# A website's metadata table in front of the header (thuvienphapluat-style, the bundled Lạng Sơn plan).
SITE_TABLE = """Kế hoạch 103/KH-UBND năm 2024 thực hiện Nghị quyết 38/NQ-CP do tỉnh Lạng Sơn ban hành

Số hiệu | 103/KH-UBND | Loại văn bản | Kế hoạch
Ngày ban hành | 10/05/2024 | Ngày có hiệu lực | 10/05/2024
Cơ quan ban hành | Tỉnh Lạng Sơn | Người ký | Hồ Tiến Thiệu

ỦY BAN NHÂN DÂN
TỈNH LẠNG SƠN
--------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Số: 103/KH-UBND
Lạng Sơn, ngày 10 tháng 5 năm 2024
KẾ HOẠCH
THỰC HIỆN NGHỊ QUYẾT SỐ 38/NQ-CP NGÀY 02/4/2024 CỦA CHÍNH PHỦ
"""


def test_website_metadata_table_before_header():
    m = read_document(SITE_TABLE)
    assert (m["number"], m["type"], m["date"]) == ("103/KH-UBND", "Kế hoạch", "2024-05-10")
    assert (m["issuer"], m["province"], m["level"]) == ("Ủy ban nhân dân tỉnh Lạng Sơn", "Lạng Sơn", "tỉnh")
    assert m["superior"] is None


def test_superior_body_line():
    # Party: Kế hoạch of the Ban Thường vụ Tỉnh ủy Quảng Ngãi (header layout of Quy định 66-QĐ/TW)
    party = ("ĐẢNG BỘ TỈNH QUẢNG NGÃI\nBAN THƯỜNG VỤ\n*\nSố 248-KH/TU\nĐẢNG CỘNG SẢN VIỆT NAM\n"
             "Quảng Ngãi, ngày 20 tháng 12 năm 2023\nKẾ HOẠCH\nthực hiện Kết luận số 62-KL/TW\n"
             "Thực hiện Kết luận số 62-KL/TW ngày 02/10/2023 của Bộ Chính trị\n")
    m = read_document(party)
    assert (m["superior"], m["issuer"]) == ("Đảng bộ tỉnh Quảng Ngãi", "Ban Thường vụ Đảng bộ tỉnh Quảng Ngãi")
    assert (m["number"], m["type"], m["province"], m["level"]) == ("248-KH/TU", "Kế hoạch", "Quảng Ngãi", "tỉnh")
    # A department under the provincial people's committee
    dept = ("UBND TỈNH NINH THUẬN\nSỞ TÀI CHÍNH\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 123/STC-QLGCS\n"
            "Ninh Thuận, ngày 05 tháng 3 năm 2024\nV/v hướng dẫn quản lý giá\nKính gửi: Các sở, ban, ngành\n")
    m = read_document(dept)
    assert (m["superior"], m["issuer"]) == ("Ủy ban nhân dân tỉnh Ninh Thuận", "Sở Tài chính")
    assert (m["type"], m["title"], m["province"], m["level"]) == ("Công văn", "hướng dẫn quản lý giá", "Ninh Thuận",
                                                                  "tỉnh")
    # A department under a ministry
    m = read_document("BỘ TÀI CHÍNH\nCỤC THUẾ\n-------\nSố: 45/CT-TTHT\nHà Nội, ngày 02 tháng 01 năm 2024\n"
                      "V/v chính sách thuế\n")
    assert (m["superior"], m["issuer"], m["level"], m["province"]) == ("Bộ Tài chính", "Cục Thuế", "trung ương", None)


def test_province_names_are_never_cut():
    for prov in ("Khánh Hòa", "Quảng Ninh", "Bà Rịa - Vũng Tàu", "Thừa Thiên Huế"):
        m = read_document(f"ỦY BAN NHÂN DÂN\nTỈNH {prov.upper()}\nSố: 10/KH-UBND\n"
                          f"{prov}, ngày 01 tháng 02 năm 2024\nKẾ HOẠCH\nVề việc\n")
        assert m["province"] == prov and m["issuer"] == f"Ủy ban nhân dân tỉnh {prov}"


def test_district_level_and_city_named_after_province():
    m = read_document("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ KON TUM\nSố: 88/KH-UBND\nKon Tum, ngày 01 tháng 02 năm 2024\n"
                      "KẾ HOẠCH\nPhòng chống thiên tai\n")
    assert (m["level"], m["province"], m["issuer"]) == ("huyện", "Kon Tum", "Ủy ban nhân dân thành phố Kon Tum")
    m = read_document("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HẢI PHÒNG\nSố: 12/KH-UBND\nHải Phòng, ngày 18 tháng 01 năm 2024\n"
                      "KẾ HOẠCH\nTriển khai\n")
    assert (m["level"], m["province"]) == ("tỉnh", "Hải Phòng")


def test_signature_blocks():
    tail = ("KẾ HOẠCH\nVề việc\nI. MỤC ĐÍCH\n1. Nội dung.\nNơi nhận: | KT. CHỦ TỊCH\n- Như trên; | PHÓ CHỦ TỊCH\n"
            "- Lưu: VT. | (Đã ký)\n | Nguyễn Văn An\n")
    m = read_document(tail)
    assert (m["signer"], m["signer_title"]) == ("Nguyễn Văn An", "KT. CHỦ TỊCH, PHÓ CHỦ TỊCH")
    assert m["recipients"] == ["Như trên", "Lưu: VT"]
    m = read_document("KẾ HOẠCH\nVề việc\nI. MỤC ĐÍCH\n1. Nội dung.\nTM. ỦY BAN NHÂN DÂN\nQ. CHỦ TỊCH\n\nLÊ VĂN BÌNH\n")
    assert (m["signer"], m["signer_title"]) == ("Lê Văn Bình", "TM. ỦY BAN NHÂN DÂN, Q. CHỦ TỊCH")


def test_type_from_number():
    assert [type_from_number(n) for n in ("30/2020/NĐ-CP", "12/KH-UBND", "51/2024/QH15", "62-KL/TW", "123/UBND-VX",
                                          "05/2024/TT-BTC", "35-NQ/TU", "89/2025/UBTVQH15", "15/CT-UBND",
                                          "20/QĐ-UBND", "16/VBHN-BTC", "12/NQ-HĐND", "45/TB-UBND", "120/BC-UBND",
                                          "05/CTr-UBND", "03/ĐA-UBND", "82-TB/ĐU")] == \
        ["Nghị định", "Kế hoạch", "Luật", "Kết luận", "Công văn", "Thông tư", "Nghị quyết", "Nghị quyết", "Chỉ thị",
         "Quyết định", "Văn bản hợp nhất", "Nghị quyết", "Thông báo", "Báo cáo", "Chương trình", "Đề án", "Thông báo"]
    for line, kind in (("THÔNG BÁO", "Thông báo"), ("BÁO CÁO", "Báo cáo"), ("CHƯƠNG TRÌNH HÀNH ĐỘNG", "Chương trình hành động"),
                       ("ĐỀ ÁN", "Đề án")):
        m = read_document(f"ỦY BAN NHÂN DÂN\nTỈNH BẮC NINH\nSố: 10/XX-UBND\nBắc Ninh, ngày 02 tháng 3 năm 2024\n{line}\n"
                          "Kết quả thực hiện nhiệm vụ năm 2023\nI. KẾT QUẢ\n")
        assert (m["type"], m["title"], m["issuer"]) == (kind, "Kết quả thực hiện nhiệm vụ năm 2023",
                                                        "Ủy ban nhân dân tỉnh Bắc Ninh")


def test_party_header_and_pdf_columns_flattened_with_spaces():
    # the example: "TỈNH ỦY QUẢNG NGÃI" above "BAN THƯỜNG VỤ" (Quy định 66-QĐ/TW layout)
    m = read_document("TỈNH ỦY QUẢNG NGÃI\nBAN THƯỜNG VỤ\n*\nSố 248-KH/TU\nĐẢNG CỘNG SẢN VIỆT NAM\n"
                      "Quảng Ngãi, ngày 20 tháng 12 năm 2023\nKẾ HOẠCH\nthực hiện Kết luận số 62-KL/TW\n"
                      "Thực hiện Kết luận số 62-KL/TW ngày 02/10/2023 của Bộ Chính trị\n")
    assert (m["superior"], m["issuer"], m["province"], m["level"]) == \
        ("Tỉnh ủy Quảng Ngãi", "Ban Thường vụ Tỉnh ủy Quảng Ngãi", "Quảng Ngãi", "tỉnh")
    # Công văn 73/UBND-TH of UBND tỉnh Hậu Giang as its portal prints it: both header columns on each line
    cv = ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH HẬU GIANG Độc lập - Tự do - Hạnh phúc\n\n"
          "Số: 73/UBND-TH Hậu Giang, ngày 12 tháng 1 năm 2018\n\nV/v ủy quyền chỉ đạo, điều hành công việc của UBND "
          "tỉnh\n\nKính gửi:\n- Thường trực Tỉnh ủy;\n")
    m = read_document(cv)
    assert (m["number"], m["date"], m["place"], m["type"]) == ("73/UBND-TH", "2018-01-12", "Hậu Giang", "Công văn")
    assert (m["issuer"], m["level"]) == ("Ủy ban nhân dân tỉnh Hậu Giang", "tỉnh")


def test_locality_line_dropped_by_a_website_is_taken_from_the_authority_line():
    # Quyết định 232/QĐ-UBND (Ninh Bình, 2019) as hethongphapluat.com serves it: "TỈNH NINH BÌNH" is gone
    m = read_document("ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
                      "Số: 232/QĐ-UBND | Ninh Bình, ngày 12 tháng 4 năm 2019 |\nQUYẾT ĐỊNH\n"
                      "VỀ VIỆC CÔNG BỐ DANH MỤC THỦ TỤC HÀNH CHÍNH\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH NINH BÌNH\n"
                      "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;\nQUYẾT ĐỊNH:\nĐiều 1. Công bố\n")
    assert m["issuer"] == "Ủy ban nhân dân tỉnh Ninh Bình" and "issuer" in m["inferred"]
    assert m["evidence"]["issuer"].startswith("dòng thẩm quyền")
    assert m["title"] == "VỀ VIỆC CÔNG BỐ DANH MỤC THỦ TỤC HÀNH CHÍNH"
