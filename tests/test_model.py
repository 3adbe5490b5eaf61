"""Decisions of the shipped model on small real examples, and the train → load round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.corpus import load_corpus
from triage.model import TriageModel
from triage.registry import list_versions, load_model, promote, rollback, save_model
from triage.text import Normaliser, strip_diacritics
from triage.train import prepare_texts, train_model


def decide(model, jurisdiction, texts):
    prepared = prepare_texts(texts, Normaliser.for_jurisdiction(jurisdiction))
    return model.decide(prepared, jurisdiction)


HARD_CASES = [
    # Handwritten purchase from a seller who never had a certificate: first issuance.
    ("Năm 2006 nhà tôi mua 120m2 đất của ông Tý bằng giấy viết tay, mảnh đất này ông Tý cũng "
     "chưa bao giờ được cấp sổ đỏ. Nay tôi muốn làm giấy chứng nhận thì phải làm thế nào?",
     "first_issuance"),
    # Handwritten purchase from a seller who has a certificate: registration of the transfer.
    ("Tôi mua đất bằng giấy viết tay từ năm 2012, người bán đã có sổ đỏ đứng tên ông ấy. Giờ "
     "tôi muốn sang tên sổ sang tên tôi thì thủ tục ra sao, có phải nộp phạt không?",
     "transaction_registration"),
    # Inheritance of certified land.
    ("Bố mẹ tôi mất để lại thửa đất đã có giấy chứng nhận đứng tên bố. Anh em chúng tôi đã "
     "làm văn bản thỏa thuận phân chia di sản, đề nghị hướng dẫn thủ tục đăng ký sang tên.",
     "transaction_registration"),
    # Inheritance of land that never had a certificate.
    ("Ông bà tôi để lại mảnh đất ở từ trước năm 1980, đất chưa từng được cấp bìa đỏ. Nay con "
     "cháu muốn kê khai để được cấp giấy chứng nhận lần đầu thì cần giấy tờ gì?",
     "first_issuance"),
    # Off topic although it says "giấy chứng nhận".
    ("Đề nghị phường xem xét cấp giấy chứng nhận hộ cận nghèo cho gia đình bà Lan ở tổ 4, "
     "hoàn cảnh rất khó khăn, chồng mất sớm.", "off_topic"),
    # Off topic although it says "thế chấp sổ đỏ": a bank loan complaint.
    ("Nhà tôi thế chấp sổ đỏ vay ngân hàng 300 triệu, nay ngân hàng tự ý tăng lãi suất lên "
     "quá cao, đề nghị các cơ quan can thiệp.", "off_topic"),
    # Compensation of certified land at site clearance.
    ("Đất nhà tôi đã có sổ đỏ nhưng khi thu hồi làm đường thì giá bồi thường quá thấp, không "
     "đủ mua lại mảnh đất khác, đề nghị xem xét bồi thường thỏa đáng.", "off_topic"),
]


@pytest.mark.parametrize(("text", "expected"), HARD_CASES)
def test_hard_cases_take_the_category_of_domain_md(shipped_model, jurisdiction, text, expected):
    [decision] = decide(shipped_model, jurisdiction, [text])
    assert decision.category == expected
    assert 0 <= decision.confidence <= 1
    assert decision.explanation["category_features"]


@pytest.mark.parametrize(("text", "expected"), HARD_CASES[:4])
def test_hard_cases_without_diacritics(shipped_model, jurisdiction, text, expected):
    [decision] = decide(shipped_model, jurisdiction, [strip_diacritics(text)])
    assert decision.category == expected


def test_fees_go_to_the_tax_office_and_misconduct_to_the_inspectorate(shipped_model, jurisdiction):
    fee, misconduct = decide(shipped_model, jurisdiction, [
        "Tiền sử dụng đất khi cấp giấy chứng nhận lần đầu quá cao, đề nghị cho các hộ khó khăn "
        "được ghi nợ tiền sử dụng đất.",
        "Cán bộ bộ phận một cửa gợi ý phải có tiền bồi dưỡng thì hồ sơ sang tên mới được giải "
        "quyết nhanh, đề nghị làm rõ hành vi nhũng nhiễu này.",
    ])
    assert fee.department == "thue"
    assert misconduct.department == "thanh_tra"
    assert misconduct.category == "transaction_registration"


def test_escalation_carries_level_and_reason(shipped_model, jurisdiction):
    price, explain, road, desk = decide(shipped_model, jurisdiction, [
        "Đề nghị UBND thành phố Hà Nội điều chỉnh bảng giá đất ở khu vực xã Kim Sơn vì quá thấp "
        "so với giá thị trường, người dân bị thu hồi đất chịu thiệt.",
        "Cho tôi hỏi khi cấp sổ lần đầu thì tiền sử dụng đất được tính theo giá nào, nộp ở đâu?",
        "Đề nghị Bộ Giao thông vận tải sớm sửa chữa Quốc lộ 32 đoạn qua phường Trung Hưng, mặt "
        "đường xuống cấp nghiêm trọng.",
        "Hồ sơ sang tên của tôi nộp ở chi nhánh văn phòng đăng ký đất đai đã hai tháng chưa có "
        "kết quả, đề nghị giải quyết đúng hạn.",
    ])
    assert (price.escalate, price.escalation_level) == (True, "city")
    assert price.escalation_reason and "giá đất" in price.escalation_reason
    assert (road.escalate, road.escalation_level) == (True, "central")
    assert not explain.escalate and explain.escalation_reason is None
    assert not desk.escalate


def test_train_save_load_predict_round_trip(tmp_path: Path, jurisdiction, corpus_dir):
    items = load_corpus(corpus_dir / "train")[::4]  # a quarter keeps the test quick
    model = train_model(items, jurisdiction)
    model.version = "test-1"
    saved = save_model(model, {"note": "round trip"}, models_dir=tmp_path)
    assert saved.card["libraries"]["scikit-learn"]
    assert saved.card["note"] == "round trip"
    promote(saved.key, models_dir=tmp_path)
    loaded = load_model(models_dir=tmp_path)
    assert isinstance(loaded, TriageModel)
    texts = ["Đề nghị sớm cấp giấy chứng nhận lần đầu cho các hộ dân đã sử dụng đất ổn định.",
             "Đèn đường ở tổ 3 bị hỏng cả tháng nay, đề nghị sửa chữa."]
    before = decide(model, jurisdiction, texts)
    after = decide(loaded, jurisdiction, texts)
    assert [d.category for d in before] == [d.category for d in after]
    assert [d.confidence for d in before] == [d.confidence for d in after]
    assert after[0].category == "first_issuance"
    assert after[1].category == "off_topic"

    second = train_model(items[::2], jurisdiction)
    second.version = "test-2"
    promote(save_model(second, {}, models_dir=tmp_path).key, models_dir=tmp_path)
    assert [v.version for v in list_versions(tmp_path)] == ["test-1", "test-2"]
    assert rollback(models_dir=tmp_path).version == "test-1"
