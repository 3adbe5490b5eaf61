"""Every refusal: the message is one Vietnamese line naming the problem and where it is."""

from __future__ import annotations

import io
import zipfile

import pytest

from triage.intake import IntakeError, read_batch
from triage.settings import Settings


def _refused(data: bytes | str, **kwargs) -> IntakeError:
    with pytest.raises(IntakeError) as err:
        read_batch(data, **kwargs)
    message = err.value.message
    assert message and "\n" not in message  # one line for the staff member
    assert str(err.value) == message
    assert isinstance(err.value, ValueError)
    return err.value


@pytest.mark.parametrize("data", [b"", b"  \n\t\n", "", "\ufeff\n  \n"])
def test_empty_input(data):
    err = _refused(data)
    assert "trống" in err.message
    assert err.location == "dòng 1"


def test_nul_bytes_are_binary_content():
    err = _refused(b"STT\tN\xe1\xbb\x99i dung\n1\t\x00\x00\x01\x02binary")
    assert "không phải văn bản" in err.message
    assert "byte 17" in err.message  # "ộ" takes three bytes
    assert err.location == "byte 17"


def test_mostly_control_characters_are_binary_content():
    data = "Đề nghị cấp sổ đỏ\n" + "\x01\x02\x03\x04\x05\x06\x07\x08" * 20
    err = _refused(data.encode("utf-8"))
    assert "không phải văn bản" in err.message
    assert "dòng 2" in err.message


def test_nul_in_text_input_names_the_line():
    err = _refused("dòng một\ndòng hai\x00")
    assert "NUL" in err.message and err.location == "dòng 2"


def test_undecodable_bytes_name_the_byte_offset():
    data = b"Hello world, this is not Vietnamese \xff\xfe\x81 at all\n"
    err = _refused(data)
    assert "byte 36" in err.message
    assert "UTF-8" in err.message
    assert err.location == "byte 36"


def test_batch_over_the_size_limit_is_refused_before_reading():
    huge = b"a" * (50 * 1024 * 1024)
    err = _refused(huge)
    assert "quá lớn" in err.message
    assert "50 MB" in err.message and "20 MB" in err.message
    small = Settings(max_batch_bytes=1000)
    err = _refused("Đề nghị cấp sổ đỏ. " * 100, settings=small)
    assert "quá lớn" in err.message
    assert err.location == "byte 1000"


def test_line_over_the_line_limit():
    data = "Ý kiến thứ nhất\n\n" + "x" * (1024 * 1024) + "\n"
    err = _refused(data)
    assert "Dòng 3" in err.message
    assert "1.048.576 ký tự" in err.message
    assert err.location == "dòng 3"


def test_item_over_the_item_limit_names_its_line():
    settings = Settings(max_item_chars=500)
    long_post = "\n".join(["Đề nghị giải quyết hồ sơ cấp giấy chứng nhận cho gia đình tôi"] * 10)
    err = _refused(f"Ý kiến ngắn\n\n{long_post}\n", settings=settings)
    assert "dòng 3" in err.message
    assert "500 ký tự" in err.message
    assert err.location == "dòng 3"


def test_too_many_items():
    settings = Settings(max_items_per_batch=3)
    data = "\n\n".join(f"Ý kiến số {i} về cấp sổ đỏ" for i in range(1, 6))
    err = _refused(data, settings=settings)
    assert "5 ý kiến" in err.message and "3 ý kiến" in err.message
    assert err.location == "dòng 7"  # where the fourth opinion starts


def test_invalid_json_names_the_line_and_column():
    data = '{"text": "Ý kiến một"}\n{"text": "Ý kiến hai",}\n'
    err = _refused(data)
    assert "Dòng 2" in err.message and "JSON không hợp lệ" in err.message
    assert err.location == "dòng 2"


@pytest.mark.parametrize(
    "line",
    ['{"id": "1"}', '{"id": "1", "text": "   "}', '{"id": "1", "text": 5}', '["không phải"]'],
)
def test_jsonl_object_without_text(line):
    err = _refused('{"text": "Ý kiến hợp lệ"}\n' + line + "\n", input_format="jsonl")
    assert "dòng 2" in err.message.lower()
    assert '"text"' in err.message
    assert err.location == "dòng 2"


def test_csv_without_content_column():
    data = "STT,Họ và tên,Địa chỉ\n1,Nguyễn Văn A,Tổ 1\n"
    err = _refused(data, filename="danh_sach.csv")
    assert "cột nội dung" in err.message and "dòng 1" in err.message
    err = _refused(data, input_format="csv")
    assert "cột nội dung" in err.message


def test_tab_separated_paste_without_content_column():
    data = "STT\tHọ và tên\tĐịa chỉ\n1\tNguyễn Văn A\tTổ 1\n2\tLê Thị B\tTổ 2\n"
    err = _refused(data)
    assert "cột nội dung" in err.message
    assert err.location == "dòng 1"


def test_no_opinions_at_all():
    data = (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
        "TỔNG HỢP Ý KIẾN CỬ TRI\n\nNơi nhận:\n- Lưu VT.\nCHỦ TỊCH\nNguyễn Văn Hùng\n"
    )
    err = _refused(data)
    assert "Không tìm thấy ý kiến nào" in err.message
    assert "bỏ qua 7 phần" in err.message


def test_unknown_input_format():
    err = _refused("Ý kiến", input_format="pdf")
    assert "pdf" in err.message


def test_old_office_files_and_other_archives():
    err = _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert ".doc" in err.message and ".xlsx" in err.message and err.location == "byte 0"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("y_kien.txt", "Ý kiến")
    err = _refused(archive.getvalue())
    assert ".zip" in err.message
    err = _refused(b"PK\x03\x04 not really a zip file", input_format="xlsx")
    assert ".xlsx" in err.message


def test_damaged_xlsx_is_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("xl/workbook.xml", "<not-a-workbook")
    err = _refused(archive.getvalue())
    assert "Excel" in err.message


def test_office_format_forced_on_text():
    err = _refused("Ý kiến", input_format="docx")
    assert ".docx" in err.message


def test_nothing_is_half_processed_one_bad_line_refuses_all():
    good = "\n".join(f'{{"id": "{i}", "text": "Ý kiến {i}"}}' for i in range(1, 50))
    err = _refused(good + '\n{"id": "50", "text": "Ý kiến", "locality": "hai_ba_trung"}\n')
    assert "dòng 50" in err.message.lower()
