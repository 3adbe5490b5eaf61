from triage.escalate import matched_grounds
from triage.text import fold


def codes(text, jurisdiction):
    grounds = matched_grounds(fold(text), text.lower(), jurisdiction.escalation_grounds)
    return [g.code for g in grounds]


def test_grounds_match_the_folded_text(jurisdiction):
    assert "land_price" in codes("de nghi thanh pho dieu chinh bang gia dat", jurisdiction)
    assert "split_minimum" in codes("dien tich toi thieu de tach thua qua lon", jurisdiction)
    assert "national_roads" in codes("quoc lo 32 doan qua xa xuong cap", jurisdiction)
    assert "relic_zone" in codes("nha trong lang co duong lam khong duoc sua", jurisdiction)


def test_ordinary_requests_match_no_ground(jurisdiction):
    assert codes("Đề nghị cấp giấy chứng nhận cho chùa Mía", jurisdiction) == [
        "organisation_certificates"
    ]
    assert codes("nha toi chua duoc cap giay chung nhan lan dau", jurisdiction) == []
    assert codes("de nghi van phong dang ky dat dai giai quyet nhanh ho so sang ten",
                 jurisdiction) == []


def test_family_and_compensation_are_not_communal_houses_or_temples(jurisdiction):
    assert codes("Gia đình tôi đã nộp hồ sơ cấp sổ đỏ từ năm ngoái", jurisdiction) == []
    assert codes("Tiền đền bù cho phần đất đã có sổ đỏ bị chậm", jurisdiction) == []
    assert codes("Việc cấp giấy chứng nhận bị đình trệ nhiều năm", jurisdiction) == []
    assert codes("Đình làng Mông Phụ chưa được cấp giấy chứng nhận", jurisdiction) == [
        "organisation_certificates"
    ]
    assert codes("Đề nghị cấp sổ đỏ cho đền Và", jurisdiction) == ["organisation_certificates"]
