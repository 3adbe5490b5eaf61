"""Piles of posts from social media and web forms: one opinion per paragraph."""

from __future__ import annotations

from triage.intake import read_batch


def test_posts_without_diacritics_split_on_blank_lines(fixture_bytes):
    batch = read_batch(fixture_bytes("bai_dang_mang_xa_hoi.txt"), id_prefix="fb-")
    assert batch.format == "posts"
    assert [o.line for o in batch.opinions] == [1, 4, 6, 8, 10]
    assert [o.id for o in batch.opinions] == [f"fb-000{i}" for i in range(1, 6)]
    # A post that wraps over two lines without a blank line is one opinion.
    first = batch.opinions[0]
    assert first.text.startswith("toi o thon Mong Phu, Duong Lam.")
    assert first.text.endswith("xin hoi bao gio moi cap?? 😡")
    assert first.original.count("\n") == 1
    assert batch.skipped == []


def test_posts_locality_from_unaccented_text(fixture_bytes):
    batch = read_batch(fixture_bytes("bai_dang_mang_xa_hoi.txt"))
    assert [(o.locality, o.locality_source) for o in batch.opinions] == [
        ("duong_lam", "text"),  # "thon Mong Phu, Duong Lam"
        ("le_loi", "text"),  # "P. Le Loi"
        (None, None),
        ("vien_son", "text"),  # "phường Viên Sơn"
        ("duong_lam", "text"),  # "o duong lam"
    ]
    assert all(o.section is None and o.submitter is None for o in batch.opinions)


def test_posts_personal_data_masked(fixture_bytes):
    batch = read_batch(fixture_bytes("bai_dang_mang_xa_hoi.txt"))
    phone_post, officer_post = batch.opinions[1], batch.opinions[2]
    assert phone_post.masked_text.endswith("SDT em [số điện thoại]")
    assert "0987.654.321" in phone_post.text
    assert "ong N.V.H. can bo dia chinh" in officer_post.masked_text
    assert [(s.kind, s.value) for s in officer_post.personal_data] == [("name", "Nguyen Van Hung")]


def test_posts_with_only_emoji_or_rules_are_not_opinions():
    text = "cap so do cham qua\n\n👍👍👍\n\n----------\n\nxin hoi thu tuc tach thua o xa Kim Son\n"
    batch = read_batch(text, input_format="posts")
    assert [o.text for o in batch.opinions] == [
        "cap so do cham qua",
        "xin hoi thu tuc tach thua o xa Kim Son",
    ]
    assert [(s.line, s.reason) for s in batch.skipped] == [(3, "không có nội dung"), (5, "dòng kẻ")]
    assert batch.opinions[1].locality == "kim_son"


def test_windows_line_endings_and_decomposed_unicode():
    decomposed = "Đề nghị cấp sổ đỏ cho hộ ở phường Phú Thịnh".replace("ề", "e\u0302\u0300")
    text = f"{decomposed}\r\n\r\nthu tuc sang ten mat bao lau\r\n"
    batch = read_batch(text.encode("utf-8"))
    assert batch.format == "posts"
    assert batch.opinions[0].text == "Đề nghị cấp sổ đỏ cho hộ ở phường Phú Thịnh"
    assert batch.opinions[0].locality == "phu_thinh"
    assert batch.opinions[1].line == 3
