"""Benchmark of duplicate grouping on synthetic opinions: time, growth, pair precision/recall.

The opinions are generated (benchmark data, not training data): general requests in several
paraphrases, and specific cases (households, parcels, villages, dossiers, dates) raised one to
three times, with the perturbations of real input (no diacritics, capitals, lead-ins,
abbreviations, fillers). Each opinion carries the issue it was generated from, so the grouping
can be scored pair by pair.

Grouping runs as in production: with the promoted model's pair verifier (MinHash and
nearest-neighbour candidates, learned verification) when a model is promoted, with the lexical
rules otherwise or with `--lexical`.

Run: `python -m triage.bench_dedup [--lexical] [sizes...]`.
"""

from __future__ import annotations

import math
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from typing import Literal

from triage.dedup import DedupItem, PairVerifier, default_config, group_duplicates
from triage.text import fold

_SPACES = re.compile(r"\s+")
_SLOT = re.compile(r"{(\w+)}")

# General requests: one issue per block, one wording per line.
GENERAL_TEXT = """
Đề nghị đẩy nhanh cấp giấy chứng nhận lần đầu cho các hộ sử dụng đất ổn định
Đề nghị thị xã sớm cấp GCN lần đầu cho hộ dân đã sử dụng đất ổn định lâu năm
Đề nghị khẩn trương cấp sổ đỏ lần đầu cho các hộ dân sử dụng đất ổn định

Đề nghị giảm tiền sử dụng đất khi cấp giấy chứng nhận lần đầu
Tiền sử dụng đất khi cấp GCN lần đầu quá cao, đề nghị xem xét giảm cho người dân
Đề nghị miễn giảm tiền sử dụng đất khi cấp sổ đỏ lần đầu cho các hộ khó khăn

Đề nghị cho các hộ được ghi nợ tiền sử dụng đất khi cấp GCN lần đầu
Nhiều hộ không đủ tiền nộp, đề nghị cho ghi nợ tiền sử dụng đất khi cấp sổ đỏ

Thủ tục sang tên sổ đỏ hiện nay quá rườm rà, đề nghị đơn giản hóa
Đề nghị đơn giản hóa thủ tục sang tên GCN vì hiện nay rất rườm rà, phức tạp
Thủ tục chuyển nhượng quyền sử dụng đất còn rườm rà, đề nghị cải cách đơn giản hơn

Đề nghị hướng dẫn thủ tục tách thửa đất ở để chia cho các con
Xin hỏi thủ tục tách thửa đất ở để chia cho con như thế nào?
Đề nghị hướng dẫn cụ thể trình tự tách thửa đất ở để chia cho con cháu

Văn phòng đăng ký đất đai giải quyết hồ sơ đăng ký biến động chậm, thường xuyên trễ hẹn
Đề nghị Văn phòng đăng ký đất đai giải quyết hồ sơ biến động đúng hẹn, không để trễ hẹn
Hồ sơ đăng ký biến động tại văn phòng đăng ký đất đai thường bị trễ hẹn, đề nghị khắc phục

Đề nghị hướng dẫn thủ tục cấp lại sổ đỏ bị mất
Gia đình bị mất sổ đỏ thì thủ tục xin cấp lại như thế nào?
Xin hỏi thủ tục cấp lại giấy chứng nhận khi bị mất

Đề nghị đẩy nhanh cấp đổi GCN sau dồn điền đổi thửa cho nhân dân
Sau dồn điền đổi thửa đã lâu nhưng chưa được cấp đổi sổ đỏ, đề nghị sớm cấp đổi
Đề nghị sớm cấp đổi giấy chứng nhận đất nông nghiệp sau dồn điền đổi thửa

Diện tích tối thiểu tách thửa theo quy định của thành phố quá lớn, đề nghị điều chỉnh
Đề nghị thành phố điều chỉnh diện tích tối thiểu được tách thửa cho phù hợp thực tế
Quy định diện tích tối thiểu tách thửa gây khó khăn cho dân, đề nghị sửa đổi

Đề nghị giải thích cách tính thuế thu nhập cá nhân khi chuyển nhượng đất
Xin hỏi thuế thu nhập cá nhân khi sang tên sổ đỏ được tính như thế nào?

Đề nghị giảm lệ phí trước bạ khi tặng cho quyền sử dụng đất giữa cha mẹ và con
Lệ phí trước bạ khi cha mẹ tặng cho con đất còn cao, đề nghị miễn giảm

Đề nghị hướng dẫn thủ tục đăng ký thừa kế đất khi bố mẹ mất không để lại di chúc
Bố mẹ mất không có di chúc thì thủ tục khai nhận thừa kế đất như thế nào?
Xin hướng dẫn thủ tục thừa kế đất đai khi không có di chúc

Đề nghị sớm cấp GCN cho các hộ được giao đất trái thẩm quyền trước năm 2014
Đất giao trái thẩm quyền từ lâu nhưng chưa được cấp sổ đỏ, đề nghị sớm giải quyết
Đề nghị có hướng xử lý cấp giấy chứng nhận cho đất giao không đúng thẩm quyền

Đề nghị cấp GCN cho các hộ có đất xen kẹt, đất dôi dư trong khu dân cư
Đất xen kẹt trong khu dân cư chưa được cấp sổ đỏ, đề nghị sớm xem xét cấp
Đề nghị giải quyết cấp giấy chứng nhận cho diện tích đất dôi dư xen kẹt

Cán bộ địa chính gây phiền hà, nhũng nhiễu khi người dân làm hồ sơ cấp sổ đỏ
Đề nghị xử lý cán bộ có biểu hiện nhũng nhiễu, gây phiền hà khi dân làm sổ đỏ

Đề nghị công khai thủ tục, thời gian và chi phí cấp GCN tại bộ phận một cửa
Đề nghị niêm yết công khai thủ tục, lệ phí cấp giấy chứng nhận tại một cửa

Đề nghị hướng dẫn thủ tục chuyển mục đích từ đất vườn sang đất ở
Xin hỏi thủ tục chuyển mục đích sử dụng đất vườn lên đất ở như thế nào?

Đề nghị sửa đường giao thông liên thôn bị xuống cấp
Đường liên thôn xuống cấp nghiêm trọng, đề nghị sớm sửa chữa

Đề nghị lắp thêm đèn chiếu sáng đường làng
Đường làng chưa có đèn chiếu sáng, đề nghị lắp đặt để đảm bảo an toàn

Đề nghị đền bù thỏa đáng cho các hộ bị thu hồi đất làm đường
Giá bồi thường khi thu hồi đất làm đường quá thấp, đề nghị xem xét lại

Đề nghị hướng dẫn thủ tục xóa thế chấp sau khi trả hết nợ ngân hàng
Đã trả hết nợ ngân hàng thì xóa đăng ký thế chấp ở đâu, thủ tục thế nào?

Đề nghị sớm đính chính sai sót thông tin trên sổ đỏ cho người dân
Sổ đỏ bị sai tên, sai diện tích, đề nghị hướng dẫn thủ tục đính chính

Đề nghị cấp GCN cho các hộ mua đất bằng giấy viết tay trước đây
Đất mua bán bằng giấy tay từ lâu chưa có sổ, đề nghị hướng dẫn làm sổ đỏ lần đầu

Đề nghị có chính sách hỗ trợ người có công khi làm sổ đỏ
Đề nghị miễn lệ phí cấp giấy chứng nhận cho gia đình chính sách, người có công
"""

# Specific cases: one kind of case per block, one wording per line; a case is one choice of
# the {slots}, raised one to three times in any of its wordings.
SPECIFIC_TEXT = """
Hộ {title} {name} thôn {village} nộp hồ sơ cấp GCN lần đầu từ năm {year} chưa được cấp
{Title} {name}, thôn {village}, nộp hồ sơ cấp sổ đỏ lần đầu từ năm {year} vẫn chưa được cấp
Gia đình {title} {name} ở thôn {village} nộp hồ sơ cấp giấy chứng nhận lần đầu năm {year}

Thửa đất số {parcel} tờ bản đồ số {sheet} của hộ {title} {name} chưa được cấp GCN do tranh chấp
Hộ {title} {name} có thửa đất số {parcel}, tờ bản đồ {sheet} bị tranh chấp nên chưa được cấp

Khu đất giãn dân {area} của thôn {village} giao từ năm {year} đến nay chưa được cấp GCN
Đề nghị sớm cấp GCN cho các hộ ở khu đất giãn dân {area}, thôn {village}, giao năm {year}

Hồ sơ số {dossier} của {title} {name} nộp ngày {date} tại một cửa đã quá hạn chưa có kết quả
{Title} {name} nộp hồ sơ số {dossier} ngày {date} đến nay quá hạn chưa được trả kết quả

Hộ {title} {name} tổ {group} phường {ward} chuyển nhượng đất từ năm {year} chưa sang tên được
{Title} {name} ở tổ dân phố số {group}, phường {ward}, mua đất năm {year} chưa sang tên được

Đề nghị cấp GCN cho các hộ tái định cư dự án {project} tại thôn {village}
Các hộ tái định cư dự án {project} ở thôn {village} chưa được cấp sổ đỏ, đề nghị sớm cấp

Thửa đất số {parcel} tờ bản đồ {sheet} thôn {village} của {title} {name} bị đo sai diện tích
{Title} {name} thôn {village} đề nghị đo lại thửa đất số {parcel} tờ bản đồ số {sheet}
"""


def _blocks(text: str) -> list[list[str]]:
    return [block.strip().splitlines() for block in text.strip().split("\n\n")]


GENERAL = _blocks(GENERAL_TEXT)
SPECIFIC = _blocks(SPECIFIC_TEXT)

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ",
            "Ngô", "Dương", "Kiều", "Khuất", "Đinh", "Đào", "Trịnh"]
MIDDLE = ["Văn", "Thị", "Đức", "Hữu", "Đình", "Ngọc", "Minh", "Quang", "Xuân", "Thanh"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đông", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng",
         "Hương", "Khánh", "Lan", "Liên", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc", "Phong",
         "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Thủy", "Tiến", "Toàn", "Trang", "Trung",
         "Tuấn", "Vân", "Yến"]
VILLAGES = ["Mông Phụ", "Đông Sàng", "Cam Thịnh", "Cam Lâm", "Đoài Giáp", "Hà Tân", "Phụ Khang",
            "Văn Miếu", "Phú Nhi", "Thuần Nghệ", "Mai Trai", "Đồng Mô", "Kim Đái", "Vị Thủy",
            "Xuân Trạch", "Tiền Huân", "Hậu Ninh", "Thanh Trì", "Phượng Khê", "Đông Lâu"]
AREAS = ["Đồng Bông", "Gò Cáo", "Đồng Sậy", "Bãi Trên", "Ao Đình", "Đồng Quan", "Cửa Đình",
         "Gốc Gạo", "Bờ Đê", "Đồng Nổ"]
PROJECTS = ["Vành đai 4", "Khu đô thị Thuần Nghệ", "đường trục Sơn Tây", "hồ Xuân Khanh",
            "cụm công nghiệp Sơn Đông", "đường 413"]
WARDS = ["Lê Lợi", "Ngô Quyền", "Phú Thịnh", "Quang Trung", "Sơn Lộc", "Trung Hưng", "Viên Sơn",
         "Xuân Khanh"]
LEAD_INS = ["Cử tri thôn {village} phản ánh: ", "Nhân dân thôn {village} kiến nghị: ",
            "Hội Nông dân phường {ward} phản ánh: ", "Cử tri tổ dân phố số {group} kiến nghị: ",
            "Ông {name} (tổ {group}) kiến nghị: "]
FILLERS = [" Mong các cấp quan tâm giải quyết.", " Đề nghị trả lời cụ thể.", " ạ",
           " Mong sớm nhận được trả lời.", " Xin cảm ơn."]
SWAPS = [("giấy chứng nhận", "GCN"), ("sổ đỏ", "giấy chứng nhận quyền sử dụng đất"),
         ("GCN", "sổ đỏ"), ("Văn phòng đăng ký đất đai", "VPĐKĐĐ"), ("thủ tục", "thủ tục")]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _perturb(text: str, rng: random.Random, slots: dict[str, str]) -> str:
    for a, b in SWAPS:
        if a in text and rng.random() < 0.3:
            text = text.replace(a, b, 1)
    if rng.random() < 0.25:
        text = rng.choice(LEAD_INS).format(**slots) + text[0].lower() + text[1:]
    if rng.random() < 0.2:
        text += rng.choice(FILLERS)
    r = rng.random()
    if r < 0.15:
        text = fold(text)  # typed without diacritics
    elif r < 0.18:
        text = text.upper()
    return text


def _slots(rng: random.Random) -> dict[str, str]:
    gender = rng.random() < 0.5
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    return {
        "title": "ông" if gender else "bà",
        "Title": "Ông" if gender else "Bà",
        "name": _name(rng),
        "village": rng.choice(VILLAGES),
        "area": rng.choice(AREAS),
        "project": rng.choice(PROJECTS),
        "ward": rng.choice(WARDS),
        "group": str(rng.randint(1, 20)),
        "parcel": str(rng.randint(1, 999)),
        "sheet": str(rng.randint(1, 40)),
        "year": str(rng.randint(2005, 2022)),
        "date": f"{day}/{month}/{rng.randint(2019, 2023)}",
        "dossier": f"{rng.randint(100, 99999)}/{rng.randint(2019, 2023)}",
    }


def make_item(item_id: str, text: str) -> DedupItem:
    """A DedupItem without the full normaliser (no abbreviation expansion): enough for timing."""
    folded = _SPACES.sub(" ", fold(text)).strip()
    return DedupItem(item_id, text, text, folded)


def generate(n: int, seed: int = 7) -> tuple[list[DedupItem], list[str]]:
    """n synthetic opinions and the issue key each one was generated from."""
    rng = random.Random(seed)
    items: list[DedupItem] = []
    truth: list[str] = []
    weights = [1.0 / (k + 1) for k in range(len(GENERAL))]  # some issues are raised far more
    while len(items) < n:
        if rng.random() < 0.45:
            issue = rng.choices(range(len(GENERAL)), weights)[0]
            slots = _slots(rng)
            text = _perturb(rng.choice(GENERAL[issue]), rng, slots)
            items.append(make_item(f"o{len(items):06d}", text))
            truth.append(f"g{issue}")
        else:
            kind = rng.randrange(len(SPECIFIC))
            slots = _slots(rng)
            copies = rng.choices([1, 2, 3], [0.6, 0.3, 0.1])[0]
            used = sorted({k for t in SPECIFIC[kind] for k in _SLOT.findall(t)} - {"Title"})
            key = f"s{kind}:" + "|".join(slots[k] for k in used)
            for _ in range(copies):
                if len(items) >= n:
                    break
                text = rng.choice(SPECIFIC[kind]).format(**slots)
                text = _perturb(text, rng, {**slots, "name": _name(rng)})
                items.append(make_item(f"o{len(items):06d}", text))
                truth.append(key)
    rng.shuffle(order := list(range(len(items))))
    return [items[k] for k in order], [truth[k] for k in order]


def pair_scores(groups: Sequence[Sequence[int]], truth: Sequence[str]) -> tuple[float, float]:
    """Pair precision and recall of a grouping against the generated issue keys."""
    def pairs(counts: Counter[object]) -> int:
        return sum(c * (c - 1) // 2 for c in counts.values())

    pred: Counter[object] = Counter()
    cell: Counter[object] = Counter()
    for g, members in enumerate(groups):
        for m in members:
            pred[g] += 1
            cell[(g, truth[m])] += 1
    true_pairs = pairs(Counter(truth))
    found = pairs(pred)
    correct = pairs(cell)
    precision = correct / found if found else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    return precision, recall


def promoted_verifier() -> PairVerifier | None:
    """The promoted model's pair verifier, None when there is no model or it has none."""
    from triage.registry import ModelNotFoundError, load_model

    try:
        return load_model().duplicates
    except ModelNotFoundError:
        return None


def bench_dedup(
    sizes: Sequence[int] = (1000, 10000, 100000),
    *,
    verifier: PairVerifier | Literal["promoted"] | None = "promoted",
) -> list[dict[str, float]]:
    """Times group_duplicates for each size; reports seconds, growth exponent and quality.

    `verifier`: the promoted model's by default, None for the lexical rules alone.
    """
    if verifier == "promoted":
        verifier = promoted_verifier()
    config = default_config()
    # Load vocabularies (and the verifier's projection) before timing.
    group_duplicates([make_item("w", "khởi động"), make_item("v", "khởi động lại")],
                     config=config, verifier=verifier)
    rows: list[dict[str, float]] = []
    for n in sizes:
        items, truth = generate(n)
        start, cpu = time.perf_counter(), time.process_time()
        groups = group_duplicates(items, config=config, verifier=verifier)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
        pos = {it.id: k for k, it in enumerate(items)}
        precision, recall = pair_scores([[pos[m] for m in g.members] for g in groups], truth)
        row: dict[str, float] = {
            "n": n,
            "seconds": seconds,
            "cpu_seconds": cpu,  # the machine may be shared: CPU time of this process too
            "per_second": n / seconds,
            "groups": len(groups),
            "pair_precision": precision,
            "pair_recall": recall,
            "exponent": float("nan"),
            "verifier": float(verifier is not None),
        }
        if rows:
            prev = rows[-1]
            row["exponent"] = math.log(seconds / prev["seconds"]) / math.log(n / prev["n"])
        rows.append(row)
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    lexical = "--lexical" in args
    sizes = tuple(int(a) for a in args if a != "--lexical") or (1000, 10000, 100000)
    rows = bench_dedup(sizes, verifier=None if lexical else "promoted")
    print("verification:", "learned pair verifier" if rows and rows[0]["verifier"]
          else "lexical rules")
    print(f"{'n':>8} {'seconds':>9} {'cpu s':>8} {'op/s':>7} {'groups':>8} {'precision':>10} "
          f"{'recall':>8} {'exponent':>9}")
    for r in rows:
        print(f"{int(r['n']):>8} {r['seconds']:>9.2f} {r['cpu_seconds']:>8.2f} "
              f"{r['per_second']:>7.0f} {int(r['groups']):>8} {r['pair_precision']:>10.5f} "
              f"{r['pair_recall']:>8.4f} {r['exponent']:>9.2f}")
    if len(rows) > 1:
        slope = math.log(rows[-1]["seconds"] / rows[0]["seconds"]) / math.log(
            rows[-1]["n"] / rows[0]["n"])
        print(f"growth exponent {rows[0]['n']:.0f}→{rows[-1]['n']:.0f}: {slope:.2f} "
              "(1.0 = linear)")


if __name__ == "__main__":
    main()
