"""End to end in headless Chromium (Debian's package, driven by Playwright; nothing is
downloaded): sign in → paste → preview and correct the split → save → results, filters and
search → review with the keyboard → merge and split → retrain → dashboard, at 1366×768 and at
phone width. Each page's screenshot is saved in var/screenshots/ (docs/web/ with
`make web-docs`)."""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_helpers import CHROMIUM, CHROMIUM_ARGS, VETERANS, XSS_OPINION, LiveServer

from storage.accounts import add_user
from triage.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
# Screenshots go to var/screenshots/; `make web-docs` writes them to docs/web/ instead.
SHOTS = Path(os.environ.get("TRIAGE_SCREENSHOTS_DIR", ROOT / "var" / "screenshots"))
FIXTURES = ROOT / "tests" / "fixtures" / "intake"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.slow


def _install_chromium() -> str | None:
    """Debian's chromium through the project's own setup script; the reason when impossible."""
    if os.environ.get("TRIAGE_NO_SYSTEM_INSTALL"):
        return "TRIAGE_NO_SYSTEM_INSTALL is set"
    script = ROOT / "scripts" / "install-system-packages.sh"
    try:
        done = subprocess.run(["bash", str(script)], capture_output=True, text=True,
                              timeout=1200, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        return lines[-1] if lines else f"exit status {done.returncode}"
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        reason = _install_chromium()
        if not Path(CHROMIUM).exists():
            pytest.skip(f"Browser tests skipped: {CHROMIUM} is absent and could not be installed "
                        f"by scripts/install-system-packages.sh ({reason or 'no chromium'}).")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Any]:
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="Browser tests skipped: the playwright package is missing (pip install -e '.[dev]')",
    )
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def server(web_settings: Settings) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    from api.main import create_app

    app = create_app(web_settings)
    with LiveServer(app) as live:
        with app.state.runtime.session() as session:
            add_user(session, "vp-ubnd", "reviewer", password="ra-soat-2023",
                     display_name="Nguyễn Thị Rà Soát")
        admin = (web_settings.var_dir / "admin-password.txt").read_text(encoding="utf-8")
        yield live, {"admin": admin.strip(), "vp-ubnd": "ra-soat-2023"}


class Shots:
    """Screenshots into docs/web/, checking on the way that nothing overflows sideways."""

    def __init__(self) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.taken: list[str] = []

    def __call__(self, page: Any, name: str, *, full_page: bool = False) -> None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page,
                        animations="disabled", caret="initial")
        self.taken.append(name)
        assert_fits(page, name)


def assert_fits(page: Any, name: str) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{name}: the page is {overflow}px wider than the screen"


def toast(page: Any, text: str) -> None:
    page.locator("#toast", has_text=text).wait_for(state="visible", timeout=30_000)


def test_paste_preview_save_review_correct_retrain(
    browser: Any, server: tuple[LiveServer, dict[str, str]]
) -> None:
    from playwright.sync_api import expect

    live, passwords = server
    base = live.url
    shot = Shots()
    dialogs: list[str] = []
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    page = context.new_page()
    def refuse_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse_dialog)
    page.set_default_timeout(30_000)

    # --- sign in -----------------------------------------------------------------------------
    page.goto(base + "/review")
    expect(page).to_have_url(base + "/login?next=%2Freview")
    page.fill('input[name="username"]', "admin")
    page.fill('input[name="password"]', "sai mật khẩu")
    page.click('button:has-text("Đăng nhập")')
    expect(page.locator(".flash-error")).to_contain_text("không đúng")
    shot(page, "01-dang-nhap")
    page.fill('input[name="password"]', passwords["admin"])
    page.click('button:has-text("Đăng nhập")')
    expect(page).to_have_url(base + "/review")
    cookie = next(c for c in context.cookies() if c["name"] == "triage_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    # --- paste -------------------------------------------------------------------------------
    page.click('.mainnav >> text="Nhập đợt mới"')
    page.fill('input[name="submitter"]', "Ban Thường trực Ủy ban MTTQ thị xã")
    page.fill("#paste", batch_text())
    page.evaluate("() => { const t = document.querySelector('#paste'); t.blur(); "
                  "t.setSelectionRange(0, 0); t.scrollTop = 0; }")
    shot(page, "02-nhap-dot")
    page.click('button:has-text("Xem trước cách tách ý kiến")')

    # --- preview and correct the split -----------------------------------------------------
    page.wait_for_url("**/batches/drafts/**")
    items = page.locator(".preview-item")
    expect(items).to_have_count(17)
    expect(page.locator(".summary")).to_contain_text("Xã Đường Lâm: 5")
    expect(page.locator("h2", has_text="Đoạn không phải ý kiến")).to_contain_text("(21)")
    assert "<script>alert(1)</script>" in page.locator("#text-15").input_value()
    thanks = page.locator(".preview-item", has=page.locator("textarea", has_text="Cảm ơn"))
    thanks.locator('input[name^="drop-"]').check()
    expect(thanks).to_have_class("preview-item card is-dropped")
    page.fill("#text-1", "Hồ sơ cấp GCN lần đầu của gia đình ông Bình (tổ 5) nộp từ tháng "
                         "3/2021 tại bộ phận một cửa phường vẫn chưa có kết quả, đề nghị trả lời "
                         "rõ lý do.")
    page.select_option('select[name="locality-9"]', "xuan_son")
    lead_in = page.locator(".skipped-item", has_text="lời dẫn").first
    lead_in.locator("textarea").fill(
        "Cử tri thôn Mông Phụ đề nghị công khai danh sách hồ sơ cấp GCN lần đầu đang giải quyết.")
    lead_in.locator('input[type="checkbox"]').check()
    lead_in.locator("select").select_option("duong_lam")
    expect(page.locator("[data-save]")).to_have_text("Lưu và phân loại 17 ý kiến")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "03-xem-truoc")
    page.click("[data-save]")

    # --- results -------------------------------------------------------------------------------
    page.wait_for_url(base + "/batches/b1")
    expect(page.locator(".flash-ok")).to_contain_text("đợt b1, 17 ý kiến")
    expect(page.locator("h1")).to_have_text("Kết quả đợt b1")
    expect(page.locator(".opinion.is-escalated").first).to_be_visible()
    expect(page.locator(".escalation").first).to_contain_text("Chuyển Thành phố Hà Nội")
    dups = page.locator("details.dups").first
    expect(dups).to_contain_text("2 ý kiến giống nhau")
    dups.locator("summary").click()
    expect(dups.locator(".sources li")).to_have_count(2)
    expect(page.get_by_text(XSS_OPINION)).to_have_count(1)
    assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0
    expect(page.get_by_text("Cảm ơn Ban biên tập")).to_have_count(0)
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "05-ket-qua")
    page.fill('input[name="q"]', "sang ten so do")
    page.press('input[name="q"]', "Enter")
    expect(page).to_have_url(base + "/batches/b1?q=sang+ten+so+do&locality=&department="
                                    "&category=&needs_review=&escalate=")
    expect(page.locator(".opinion-text", has_text="Việc sang tên sổ đỏ")).to_have_count(1)
    page.goto(base + "/batches/b1?locality=trung_hung")
    expect(page.locator("article.opinion")).to_have_count(3)

    phone = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True,
                                has_touch=True, storage_state=context.storage_state())
    mobile = phone.new_page()
    mobile.goto(base + "/batches/b1")
    shot(mobile, "05b-ket-qua-dien-thoai")

    # --- progress of a large batch (a job still running, as the page shows it) -----------------
    jobs = live_jobs(live)
    job_id = "vi-du-dang-chay-0001"
    jobs.write(job_id, count=12_000, started=time.time() - 18, estimate=60)
    page.goto(f"{base}/batches/jobs/{job_id}")
    expect(page.locator("progress#job-progress")).to_be_visible()
    expect(page.locator("#job-text")).to_contain_text("ước tính khoảng 60 giây")
    shot(page, "04-dang-xu-ly")

    # --- review with the keyboard ---------------------------------------------------------------
    page.goto(base + "/review")
    cards = page.locator(".op-card")
    expect(cards).to_have_count(17)
    first = cards.first  # the least confident comes first
    expect(first).to_have_class(has_class("is-current"))
    page.keyboard.press("j")
    expect(cards.nth(1)).to_have_class(has_class("is-current"))
    page.keyboard.press("k")
    expect(first).to_have_class(has_class("is-current"))
    # land bought by handwritten paper from someone who never had a certificate: first issuance,
    # whatever the model said (it corrects a wrong category or confirms a right one)
    hand = page.locator(".op-card", has_text="giấy viết tay")
    hand.click(position={"x": 5, "y": 5})
    expect(hand).to_have_class(has_class("is-current"))
    hand_id = hand.get_attribute("data-id")
    predicted = hand.locator('select[data-role="category"]').input_value()
    if predicted != "first_issuance":
        page.keyboard.press("1")
        toast(page, "Đã đổi nhóm")
        expect(hand.locator(".changed")).to_contain_text("Nhóm bởi admin")
    # the commune verifies the land's origin: the reviewer sends it there (or, if the model
    # already did, to the land office)
    page.keyboard.press("d")
    department = hand.locator('select[data-role="department"]')
    expect(department).to_be_focused()
    target = "tnmt" if department.input_value() == "ubnd_xa" else "ubnd_xa"
    department.select_option(target)
    toast(page, "Đã đổi cơ quan trả lời")
    expect(page.locator(".op-card", has_text="giấy viết tay").locator(".changed")).to_contain_text(
        "Cơ quan bởi admin")
    # the farmers' request and a portal post make the same request: merge their groups
    farmers = page.locator(".op-card", has_text="Hội viên nông dân")
    farmers.click(position={"x": 5, "y": 5})
    page.keyboard.press("m")
    page.keyboard.press("x")
    toast(page, "Đã xác nhận")
    page.locator(".op-card", has_text="chia lại ruộng").click(position={"x": 5, "y": 5})
    page.keyboard.press("m")
    expect(page.locator("[data-merge-count]")).to_have_text("2")
    # fee levels are set by the city council: out of the town's authority
    fee = page.locator(".op-card", has_text="giảm phí, lệ phí")
    fee.locator('select[data-role="escalation"]').select_option("ground:city_fee_levels")
    toast(page, "Đã sửa việc chuyển cấp trên")
    expect(page.locator(".op-card", has_text="giảm phí, lệ phí")).to_have_class(
        has_class("is-escalated"))
    page.evaluate("window.scrollTo(0, document.querySelector('.queue').getBoundingClientRect()"
                  ".top + window.scrollY - 64)")
    shot(page, "06-ra-soat")
    mobile.goto(base + "/review")
    shot(mobile, "06b-ra-soat-dien-thoai")
    page.locator(".op-card", has_text="chia lại ruộng").click(position={"x": 5, "y": 5})
    page.keyboard.press("g")
    expect(page.locator(".flash-ok")).to_contain_text("Đã gộp 2 nhóm")
    merged = page.url

    # --- one opinion with its history; the merged group, then a split ---------------------------
    page.goto(f"{base}/opinions/{hand_id}")
    history = page.locator(".history")
    if predicted != "first_issuance":
        labels = {"transaction_registration": "Đăng ký biến động", "off_topic": "Ngoài chủ đề"}
        expect(history).to_contain_text(f"Nhóm: {labels[predicted]} → Cấp GCN lần đầu")
    expect(history).to_contain_text(
        "UBND xã, phường" if target == "ubnd_xa" else "Phòng Tài nguyên và Môi trường thị xã")
    expect(history.locator("td", has_text="admin").first).to_be_visible()
    shot(page, "07-y-kien")
    page.goto(merged)
    page.locator(".op-card", has_text="chia lại ruộng").locator('a[href^="/groups/"]').click()
    members = page.locator(".members li")
    expect(members).to_have_count(2)
    expect(members.first).to_contain_text("Hội viên nông dân")
    expect(members.last).to_contain_text("chia lại ruộng")
    shot(page, "08-nhom-trung")
    members.last.locator('input[type="checkbox"]').check()
    page.click('button:has-text("Tách các ý kiến đã chọn")')
    expect(page.locator(".flash-ok")).to_contain_text("Đã tách 1 ý kiến sang nhóm mới")
    expect(page.locator(".members li")).to_have_count(1)

    # --- retrain with progress -------------------------------------------------------------------
    page.goto(base + "/models")
    expect(page.locator(".version.is-promoted")).to_be_visible()
    expect(page.locator("table.confusion").first).to_be_visible()
    page.click('button:has-text("Huấn luyện lại từ các sửa chữa")')
    expect(page.locator(".flash-ok")).to_contain_text("Đã bắt đầu huấn luyện lại")
    expect(page.locator(".job-panel")).to_be_visible()
    shot(page, "09-huan-luyen")
    page.locator(".job-panel", has_text="Đã tạo phiên bản").wait_for(timeout=600_000)
    expect(page.locator(".version")).to_have_count(2)
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "10-mo-hinh")
    mobile.goto(base + "/models")
    shot(mobile, "10b-mo-hinh-dien-thoai")

    # --- dashboard -----------------------------------------------------------------------------
    page.goto(base + "/")
    expect(page.locator("h1")).to_have_text("Tổng quan")
    expect(page.locator("svg.bar").first).to_be_visible()
    expect(page.locator("table")).to_contain_text("Phòng Tài nguyên và Môi trường thị xã")
    shot(page, "11-tong-quan")
    mobile.goto(base + "/")
    shot(mobile, "11b-tong-quan-dien-thoai")

    # --- sign out ----------------------------------------------------------------------------
    page.click('button:has-text("Đăng xuất")')
    expect(page).to_have_url(base + "/login")
    expect(page.locator(".flash-ok")).to_have_text("Đã đăng xuất.")
    assert dialogs == [], f"a script ran in the page: {dialogs}"
    phone.close()
    context.close()
    assert len(shot.taken) >= 12


def has_class(name: str) -> Any:
    return re.compile(rf"(^|\s){re.escape(name)}(\s|$)")


def batch_text() -> str:
    """The town MTTQ's compiled report, a mass organisation's list and posts from the portal:
    one needs a reviewer (land bought by handwritten paper), one repeats the farmers' request in
    other words, one carries HTML and script, and a thank-you is not an opinion."""
    return ((FIXTURES / "tong_hop_mttq_thi_xa.txt").read_text(encoding="utf-8") + VETERANS
            + "\nV. Ý KIẾN QUA CỔNG THÔNG TIN ĐIỆN TỬ\n"
            "1. Gia đình tôi mua đất bằng giấy viết tay từ năm 1998 của người chưa từng có sổ, "
            "nay muốn làm sổ đỏ thì phải làm thủ tục gì?\n"
            "2. Sau đợt chia lại ruộng, nhà tôi vẫn cầm cái bìa cũ không khớp thực địa, xin cho "
            "làm lại bìa.\n"
            f"3. {XSS_OPINION}\n"
            "4. Cảm ơn Ban biên tập cổng thông tin.\n")


class _Jobs:
    def __init__(self, directory: Path, user_id: int) -> None:
        self.directory = directory
        self.user_id = user_id

    def write(self, job_id: str, *, count: int, started: float, estimate: float) -> None:
        from api.services.web_intake import _write_json

        _write_json(self.directory / f"{job_id}.json", {
            "id": job_id, "user_id": self.user_id, "status": "running", "count": count,
            "started": started, "finished": None, "estimate_seconds": estimate, "batch": None,
            "replayed": False, "error": None})


def live_jobs(live: LiveServer) -> _Jobs:
    from api.services import web_intake

    runtime = live.app.state.runtime
    return _Jobs(web_intake.jobs(runtime).directory, 1)


def test_screenshots_are_small() -> None:
    if not SHOTS.exists() or not any(SHOTS.glob("*.png")):
        pytest.skip("no screenshots yet")
    for png in SHOTS.glob("*.png"):
        assert png.stat().st_size < 400_000, png.name

