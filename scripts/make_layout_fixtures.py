"""Write the DOCX / PDF / .doc fixtures of tests/test_layout_tables.py from real text.

The text is the task-assignment appendix of the action plan issued with Quyết định 844/QĐ-TTg ngày 13/5/2026 của
Thủ tướng Chính phủ (Công báo số 286, 27-05-2026, pp. 95-97; https://congbao.chinhphu.vn/van-ban/
quyet-dinh-so-844-qd-ttg-469526.htm), typed back into a table: the gazette's text export flattens the table into
one cell per line. The DOCX is written with python-docx; the PDF and the old-Word .doc are converted from it by
LibreOffice (Debian's libreoffice-writer), which is needed only to regenerate them:

    python scripts/make_layout_fixtures.py            # writes tests/fixtures/layout/qd844-phu-luc.{docx,pdf,doc}
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "layout"

BEFORE = [
    "THỦ TƯỚNG CHÍNH PHỦ",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "KẾ HOẠCH HÀNH ĐỘNG",
    "Thực hiện Chỉ thị số 52-CT/TW ngày 03 tháng 10 năm 2025 của Ban Bí thư về thực hiện bảo hiểm y tế toàn dân "
    "trong giai đoạn mới",
    "(Kèm theo Quyết định số 844/QĐ-TTg ngày 13 tháng 5 năm 2026 của Thủ tướng Chính phủ)",
    "I. MỤC TIÊU",
    "1. Tổ chức thể chế hóa và thực hiện đầy đủ các nhiệm vụ và giải pháp đã đề ra trong Chỉ thị số 52-CT/TW ngày "
    "03 tháng 10 năm 2025 của Ban Bí thư về thực hiện bảo hiểm y tế toàn dân trong giai đoạn mới (sau đây gọi tắt "
    "là Chỉ thị số 52-CT/TW).",
    "2. Xác định nhiệm vụ cụ thể để các Bộ, ngành, địa phương xây dựng kế hoạch, tổ chức triển khai, kiểm tra, giám "
    "sát, đánh giá việc thực hiện Chỉ thị số 52-CT/TW để đạt mục tiêu thực hiện hiệu quả chính sách bảo hiểm y tế "
    "trong giai đoạn mới, hướng tới bao phủ bảo hiểm y tế toàn dân vào năm 2030.",
    "PHỤ LỤC",
    "DANH MỤC CÁC NHIỆM VỤ TRIỂN KHAI KẾ HOẠCH HÀNH ĐỘNG THỰC HIỆN CHỈ THỊ SỐ 52-CT/TW NGÀY 03 THÁNG 10 NĂM 2025 "
    "CỦA BAN BÍ THƯ VỀ THỰC HIỆN BẢO HIỂM Y TẾ TOÀN DÂN TRONG GIAI ĐOẠN MỚI",
]
HEADER = ["STT", "Tên nhiệm vụ cụ thể", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả", "Thời gian hoàn thành"]
GROUP_I = ("I.", "Đổi mới mạnh mẽ tư duy và hành động trong lãnh đạo, chỉ đạo và tổ chức thực hiện công tác chăm sóc "
           "sức khoẻ nhân dân")
GROUP_II = ("II.", "Hoàn thiện thể chế về bảo hiểm y tế đáp ứng mục tiêu bao phủ bảo hiểm y tế toàn dân")
ROWS_I = [
    ["1.", "Tăng cường lãnh đạo, chỉ đạo xây dựng và tổ chức thực hiện hiệu quả các chủ trương, chính sách, pháp "
           "luật, chương trình, kế hoạch về bảo hiểm y tế.",
     "Các bộ ở Trung ương, Ủy ban nhân dân cấp tỉnh ở địa phương", "Các cơ quan, tổ chức, đơn vị khác có liên quan.",
     "Văn bản chỉ đạo", "Thường xuyên"],
    ["2.", "Đưa các chỉ tiêu bao phủ về bảo hiểm y tế vào nghị quyết, chương trình, kế hoạch phát triển kinh tế - xã "
           "hội hằng năm và dài hạn của địa phương",
     "Ủy ban nhân dân các cấp", "Các cơ quan, tổ chức, đơn vị có liên quan.",
     "Các chỉ tiêu được đưa vào các Nghị quyết, chương trình, kế hoạch", "Hằng năm và từng giai đoạn"],
    ["3.", "Bố trí ngân sách địa phương và huy động mọi nguồn lực phù hợp để hỗ trợ thêm mức đóng cho người dân "
           "tham gia bảo hiểm y tế",
     "Ủy ban nhân dân cấp tỉnh trình Hội đồng nhân dân cùng cấp", "Các cơ quan, tổ chức, đơn vị có liên quan.",
     "Nghị quyết hỗ trợ mức đóng cho các nhóm đối tượng", "Hằng năm và từng giai đoạn"],
    ["4.", "Đổi mới nội dung, hình thức, tăng cường công tác truyền thông, tuyên truyền để phát triển đối tượng tham "
           "gia bảo hiểm y tế, tập trung vào đối tượng cá nhân tham gia bảo hiểm y tế theo hộ gia đình",
     "Bộ Tài chính", "Các Bộ, ngành, Ủy ban nhân dân cấp tỉnh, cơ quan, tổ chức, đơn vị có liên quan",
     "Các kế hoạch, hoạt động truyền thông về bảo hiểm y tế được triển khai", "Thường xuyên"],
    ["5.", "Xây dựng Đề án về đổi mới, nâng cao hiệu quả công tác truyền thông, phổ biến, giáo dục pháp luật về thực "
           "hiện bảo hiểm y tế trong giai đoạn mới.",
     "Bộ Tài chính", "Bộ Y tế, cơ quan, đơn vị liên quan", "Quyết định của Bộ trưởng ban hành Đề án", "Quý I/2027"],
]
ROWS_II = [
    ["7.", "Xây dựng Nghị quyết về thí điểm đa dạng hóa các gói bảo hiểm y tế, bảo hiểm y tế bổ sung theo nhu cầu "
           "của người dân, tăng cường liên kết, hợp tác giữa bảo hiểm y tế với bảo hiểm sức khoẻ do các doanh nghiệp "
           "bảo hiểm cung cấp để tránh trùng lặp thanh toán chi phí y tế",
     "Bộ Y tế", "Bộ Tài chính, các bộ, ngành, cơ quan, tổ chức có liên quan",
     "Nghị quyết quy phạm pháp luật của Chính phủ", "Quý II/2028"],
    ["8.", "Xây dựng Nghị định về tăng mức đóng bảo hiểm y tế từ năm 2027 theo lộ trình phù hợp",
     "Bộ Y tế", "Bộ Tài chính, các bộ, ngành, cơ quan", "Nghị định của Chính phủ", "Tháng 3/2027"],
]
AFTER = "Trong quá trình tổ chức thực hiện, nếu thấy cần sửa đổi, bổ sung những nội dung cụ thể thuộc Kế hoạch " \
        "hành động, các bộ, ngành, địa phương, đơn vị chủ động đề xuất gửi Bộ Y tế để tổng hợp và báo cáo Thủ " \
        "tướng Chính phủ xem xét, quyết định./."


def write_docx(path: Path) -> None:
    import docx
    from docx.shared import Pt

    d = docx.Document()
    d.styles["Normal"].font.name = "Times New Roman"
    d.styles["Normal"].font.size = Pt(12)
    for t in BEFORE:
        d.add_paragraph(t)
    rows = [HEADER]
    table = d.add_table(rows=0, cols=len(HEADER))
    table.style = "Table Grid"
    for r in [HEADER]:
        cells = table.add_row().cells
        for c, v in zip(cells, r):
            c.text = v
    for stt, title in (GROUP_I,):
        row = table.add_row().cells
        row[0].text = stt
        merged = row[1].merge(row[-1])
        merged.text = title
    for r in ROWS_I:
        for c, v in zip(table.add_row().cells, r):
            c.text = v
    row = table.add_row().cells
    row[0].text = GROUP_II[0]
    row[1].merge(row[-1]).text = GROUP_II[1]
    for r in ROWS_II:
        for c, v in zip(table.add_row().cells, r):
            c.text = v
    del rows
    d.add_paragraph(AFTER)
    d.save(str(path))


def convert(docx_path: Path, fmt: str) -> Path:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not office:
        sys.exit("libreoffice is needed to write the PDF and .doc fixtures (apt-get install libreoffice-writer)")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([office, "--headless", "--convert-to", fmt, "--outdir", tmp, str(docx_path)], check=True,
                       capture_output=True, timeout=180)
        out = Path(tmp) / f"{docx_path.stem}.{fmt.split(':')[0]}"
        target = docx_path.with_suffix("." + fmt.split(":")[0])
        shutil.copy(out, target)
    return target


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    docx_path = OUT / "qd844-phu-luc.docx"
    write_docx(docx_path)
    print(docx_path)
    print(convert(docx_path, "pdf"))
    print(convert(docx_path, "doc:MS Word 97"))


if __name__ == "__main__":
    main()
