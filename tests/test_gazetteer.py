from ingest import gazetteer as g


def test_63_before_and_34_after_the_2025_rearrangement():
    assert len(g.BEFORE_2025) == 63 and len(g.AFTER_2025) == 34
    merged = [p for p in g.AFTER_2025 if len(g.predecessors(p.name)) > 1]
    assert len(merged) == 23
    # every old province belongs to exactly one new one
    assert {p.successor for p in g.BEFORE_2025} == {p.name for p in g.AFTER_2025}


def test_merger_mapping_both_ways():
    assert g.successor("Ninh Thuận") == "Khánh Hòa"
    assert g.successor("Kon Tum") == "Quảng Ngãi"
    assert g.successor("Hải Dương") == "Hải Phòng"
    assert g.successor("Bà Rịa-Vũng Tàu") == "Hồ Chí Minh"
    assert g.successor("Lạng Sơn") == "Lạng Sơn"
    assert g.successor("Thừa Thiên Huế") == "Huế"
    assert sorted(g.predecessors("Ninh Bình")) == ["Hà Nam", "Nam Định", "Ninh Bình"]
    assert sorted(g.predecessors("Phú Thọ")) == ["Hòa Bình", "Phú Thọ", "Vĩnh Phúc"]
    assert sorted(g.predecessors("Bình Dương")) == ["Bà Rịa - Vũng Tàu", "Bình Dương", "Hồ Chí Minh"]
    assert g.same_area("Kon Tum", "Quảng Ngãi") and not g.same_area("Kon Tum", "Gia Lai")


def test_canonical_accepts_common_spellings():
    for written, name in [("TP.HCM", "Hồ Chí Minh"), ("TP. Hồ Chí Minh", "Hồ Chí Minh"), ("HCM", "Hồ Chí Minh"),
                          ("Ha Noi", "Hà Nội"), ("Hà Nội", "Hà Nội"), ("Dak Lak", "Đắk Lắk"), ("Đăk Lăk", "Đắk Lắk"),
                          ("tỉnh Khánh Hoà", "Khánh Hòa"), ("TT Huế", "Thừa Thiên Huế"), ("Bắc Cạn", "Bắc Kạn"),
                          ("thành phố Hải Phòng", "Hải Phòng"), ("QUẢNG NINH", "Quảng Ninh")]:
        assert g.canonical(written) == name, written
    assert g.canonical("Hòa") is None and g.canonical("Ninh") is None and g.canonical("") is None


def test_find_whole_names_in_order():
    names = lambda t: [p.name for p in g.find(t)]  # noqa: E731
    assert names("UBND tỉnh Khánh Hòa và tỉnh Quảng Ninh") == ["Khánh Hòa", "Quảng Ninh"]
    assert names("ỦY BAN NHÂN DÂN TỈNH BÀ RỊA - VŨNG TÀU") == ["Bà Rịa - Vũng Tàu"]
    # ordinary words and the President's name are not provinces; with "tỉnh"/"thành phố" they are
    assert names("giữ vững hòa bình; học tập tư tưởng Hồ Chí Minh") == []
    assert names("tỉnh Hòa Bình và thành phố Hồ Chí Minh") == ["Hòa Bình", "Hồ Chí Minh"]
    # a query typed in lower case without diacritics
    assert names("ke hoach cua khanh hoa va tp hcm") == ["Khánh Hòa", "Hồ Chí Minh"]
