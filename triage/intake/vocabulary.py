"""Words of Vietnamese administrative writing that intake recognises.

These describe the language and the document conventions (Decree 30/2020 layout, Excel sheets
of the Fatherland Front), not one jurisdiction: localities and villages come from the
jurisdiction's data files instead. Every entry is folded: lower case, no diacritics, đ → d,
punctuation replaced by spaces where noted.
"""

from __future__ import annotations

# --- spreadsheet headers (folded, punctuation → space, spaces collapsed) -------------------

CONTENT_HEADERS_EXACT = frozenset(
    {
        "noi dung",
        "noi dung y kien",
        "noi dung y kien kien nghi",
        "noi dung kien nghi",
        "noi dung phan anh",
        "noi dung phan anh kien nghi",
        "noi dung de nghi",
        "noi dung cau hoi",
        "noi dung don",
        "y kien",
        "y kien kien nghi",
        "y kien phan anh",
        "y kien de xuat",
        "kien nghi",
        "phan anh",
        "phan anh kien nghi",
        "de xuat kien nghi",
        "cau hoi",
        "text",
        "content",
        "opinion",
    }
)
# A header containing one of these is content-like ...
CONTENT_HEADER_WORDS = ("noi dung", "y kien", "kien nghi", "phan anh")
# ... unless it is about the answer or the bookkeeping around the opinion.
NON_CONTENT_HEADER_WORDS = (
    "tra loi",
    "giai quyet",
    "ket qua",
    "ghi chu",
    "phan loai",
    "linh vuc",
    "co quan",
    "don vi",
    "thoi gian",
    "ngay",
    "tiep thu",
    "so luong",
    "nguoi",
)

NAME_HEADERS_EXACT = frozenset(
    {
        "ho va ten",
        "ho ten",
        "ho ten cu tri",
        "ho va ten cu tri",
        "ten cu tri",
        "cu tri",
        "ten",
        "nguoi phan anh",
        "nguoi kien nghi",
        "nguoi de nghi",
        "nguoi gui",
        "ten nguoi phan anh",
        "ho ten nguoi phan anh",
        "ho va ten nguoi phan anh",
        "ho ten nguoi kien nghi",
        "name",
        "submitter",
    }
)
NAME_HEADER_WORDS = ("ho va ten", "ho ten", "nguoi phan anh", "nguoi kien nghi")

ADDRESS_HEADERS_EXACT = frozenset(
    {
        "dia chi",
        "dia chi cu tri",
        "dia chi thuong tru",
        "thon to",
        "thon to dan pho",
        "thon xom",
        "thon",
        "to",
        "to dan pho",
        "tdp",
        "dia ban",
        "noi o",
        "noi cu tru",
        "khu dan cu",
        "xa phuong",
        "phuong xa",
        "don vi",
        "address",
    }
)
ADDRESS_HEADER_WORDS = ("dia chi", "dia ban", "thon to", "xa phuong")

ID_HEADERS_EXACT = frozenset({"id", "ma", "ma y kien", "ma so", "ma phieu", "ma so y kien"})
STT_HEADERS_EXACT = frozenset({"stt", "tt", "so tt", "so thu tu", "no"})
LOCALITY_FIELD_HEADERS_EXACT = frozenset({"locality", "ma dia ban"})

# --- compiled documents (regex fragments on folded text) ----------------------------------

# Top matter of an official document: national motto, issuing body, number, place and date.
TITLE_PATTERNS = (
    r"^cong hoa xa hoi chu nghia viet nam\b",
    r"^doc lap\s*[-–—]+\s*tu do",
    r"^(so|so hieu)\s*:\s*\S",
    r"^v\s*/\s*v\b",
    r"^kinh gui\b",
    r"^\(?\s*(kem theo|gui|trich)\b",
    r"^[^,\n]{0,40},\s*ngay\s*[.…\d\s]*thang\s*[.…\d\s]*nam\s*\d{4}",
    r"^ngay\s*\d{1,2}\s*thang\s*\d{1,2}\s*nam\s*\d{4}\s*$",
)
# Title words that make an upper-case line top matter rather than a section.
TITLE_UPPER_PATTERNS = (
    r"^(tong hop|bao cao|bang tong hop|danh sach|ke hoach|thong bao|bien ban|to trinh)\b",
    r"^(uy ban )?mat tran to quoc",
    r"^(uy ban |ubmttq|ub mttq)?mttq\b",
    r"^uy ban mttq\b",
    r"^ban thuong truc\b",
    r"^(dang bo|thi uy|huyen uy|dang uy|ubnd|uy ban nhan dan|hdnd)\b",
    r"^(thi xa|thanh pho|huyen|quan) [a-z ]+$",
)
SEPARATOR_PATTERN = r"^[-_=*.~–—…•\s/]{3,}$"

# The end block: recipients, the signer's capacity, "(Đã ký)".
RECIPIENTS_PATTERN = r"^noi nhan\s*:?"
SIGNATURE_PATTERNS = (
    r"^(tm|t\s*/\s*m|kt|k\s*/\s*t|tl|t\s*/\s*l|tuq|q)\s*\.\s*\S",
    r"^(tm|kt|tl|tuq)\s+(ban|uy ban|ubnd|thuong truc|chu tich|bch|ban chap hanh)\b",
    r"^(chu tich|pho chu tich|truong ban|pho truong ban|bi thu|pho bi thu|thu ky|uy vien"
    r"|nguoi lap( bieu)?|nguoi tong hop|nguoi ky|truong thon|to truong)\s*$",
    r"^\(?\s*(da ky|ky ten|ky,? ghi ro ho ten|ky va dong dau|da ky va dong dau|ky,? dong dau)"
    r"[^a-z]*\)?\s*$",
)
CLOSING_PATTERNS = (r"^tren day la\b", r"^(xin tran trong cam on|tran trong)\b")
PREAMBLE_PATTERNS = (
    r"^(thuc hien|can cu|nham|de chuan bi|ban thuong truc|uy ban mat tran|uy ban mttq)\b",
    r"^theo (ke hoach|chi dao|van ban|cong van|huong dan|quyet dinh|thong bao)\b",
    r"\bnhu sau\s*:\s*$",
)

# Section headings of the units of the Front system (mass organisations) ...
ORG_HEADING_PATTERN = (
    r"^(hoi|doan|cong doan|lien doan|chi hoi|ban cong tac mat tran|cac to chuc|to chuc)\b"
)
# ... and of topics ("Về cấp GCN lần đầu:", "Phần II").
TOPIC_HEADING_PATTERN = r"^(ve|phan|linh vuc|nhom|chuong|muc)\b"

# Who is speaking, at the start of an item ("Cử tri thôn Mông Phụ phản ánh:").
LEADIN_HEADS = (
    r"(mot so |nhieu |cac |da so |toan the )?(cu tri|ho dan|ho gia dinh|nguoi dan|nhan dan"
    r"|ba con|hoi vien|doan vien|dang vien|can bo|cuu chien binh)"
    r"|(ho|gia dinh|cac ho|mot so ho)\s+(ong|ba|anh|chi|co|chu|bac)"
    r"|dai dien|ong|ba|anh|chi|co|chu|bac|em|cac ong|cac ba"
    r"|thon|xom|to dan pho|tdp|to\s+\d+|khu dan cu|xa|phuong|ubnd|mttq|uy ban mttq"
    r"|ban cong tac mat tran|ban ctmt|chi hoi|hoi|doan|cong doan"
)
# Heads that need a capitalised name after them to be a speaker (no colon form).
PERSON_HEADS = ("ong", "ba", "anh", "chi", "co", "chu", "bac", "em")
LEADIN_VERBS = (
    r"phan anh(,? va kien nghi|,? kien nghi)?|kien nghi(,? de nghi|,? de xuat)?"
    r"|(tha thiet )?de nghi|de xuat|hoi|thac mac|gop y|(neu|co) y kien|y kien|cho rang"
    r"|cho biet|bay to|de dat|trinh bay|to cao|khieu nai|mong muon|yeu cau|phan nan"
)
LEADIN_FILLER = (
    r"(\s+(nhu sau|(ve\s+)?(mot so|cac|nhung|hai|ba|\d+)\s+(noi dung|van de|y kien|viec)"
    r"(\s+(sau|sau day|nhu sau))?))?"
)

# --- personal data -------------------------------------------------------------------------

HONORIFICS = ("ông", "bà", "anh", "chị", "cô", "chú", "bác", "em", "cụ")
# Capitalised words after an honorific that are titles or places, not names (folded).
NOT_NAME_WORDS = frozenset(
    {
        "chu",
        "chu tich",
        "pho",
        "truong",
        "bi",
        "bi thu",
        "giam",
        "giam doc",
        "to",
        "can",
        "can bo",
        "dai",
        "hoi",
        "thu",
        "ke",
        "cong",
        "tro",
        "chanh",
        "chi",
        "uy",
        "cuu",
        "xa",
        "phuong",
        "thon",
        "ubnd",
        "hdnd",
        "mttq",
        "ban",
        "doi",
        "so",
        "gia",
        "nguoi",
        "tai",
        "o",
        "va",
    }
)
# Words before a number that say it is an identity number although it has 9 digits.
CITIZEN_ID_CONTEXT = r"cmnd|cmt|cmtnd|cccd|can cuoc|chung minh|dinh danh|so ddcn|so cc"

# --- localities in free text (folded tokens) ----------------------------------------------

# Words that make the following name a ward or commune: "phường", "xã", "P.", "X.".
LOCALITY_KIND_WORDS = frozenset({"phuong", "xa", "p", "x"})
# Words that make the following name a village of a commune: "thôn", "tổ dân phố", "TDP".
VILLAGE_KIND_WORDS = (("thon",), ("xom",), ("lang",), ("to", "dan", "pho"), ("tdp",), ("khu",))
# Words that make the following name a street, a person or a statue, not a place to live:
# "đường Quang Trung", "phố Lê Lợi", "ngõ 12 Ngô Quyền", "số nhà 5 Lê Lợi", "vua Quang Trung".
NOT_LOCALITY_BEFORE = frozenset(
    {
        "duong",
        "pho",
        "ngo",
        "ngach",
        "hem",
        "kiet",
        "lo",
        "nha",
        "vua",
        "tuong",
        "ong",
        "ba",
        "anh",
        "chi",
        "co",
        "chu",
        "bac",
        "em",
        "cu",
    }
)
# Tokens skipped when looking back for those words ("ngõ 12/5 Ngô Quyền").
SKIPPED_BEFORE_NAME = frozenset({"so", "/", "-", ".", ",", "no"})
# Everyday phrases that, typed without diacritics, may spell a place name: a bare unaccented
# name is not taken for a locality when the text there reads as one of these.
EVERYDAY_PHRASES = (
    "le loi lam viec",  # lề lối làm việc
    "le loi cu",  # lề lối cũ
    "le loi cua",
    "co dong nguoi",  # có đông người
    "co dong dan",
    "co dong ho",
    "co dong cu tri",
    "duong lam nghiep",  # đường lâm nghiệp
    "duong lam an",  # đường làm ăn
    "duong lam viec",
    "duong lam nha",
)
