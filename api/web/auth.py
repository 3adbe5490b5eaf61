"""Sign-in and sign-out with the password users of the API's roles (`triage user add`)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.web.context import WebDep, page, safe_next
from storage import repositories as repo
from storage.accounts import hash_password, verify_password

router = APIRouter()

LOGIN_FAILED = "Tên đăng nhập hoặc mật khẩu không đúng."
# Checked when the user does not exist, so that a wrong name takes as long as a wrong password.
_DUMMY_HASH = hash_password("không-phải-mật-khẩu-của-ai")


def home_for(role: str | None) -> str:
    return "/" if role in ("reviewer", "admin") else "/batches/new"


@router.get("/login", include_in_schema=False)
@page
def login_form(web: WebDep, next: str = "") -> Response:
    if web.user is not None:
        return web.redirect(safe_next(next, home_for(web.user.role)))
    return web.render("login.html", title="Đăng nhập", next_url=safe_next(next, ""),
                      username="", error=None)


@router.post("/login", include_in_schema=False)
@page
async def login(web: WebDep) -> Response:
    form = await web.form()
    username = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    next_url = safe_next(str(form.get("next") or ""), "")
    user = repo.get_user(web.db, username) if username else None
    stored = user.password_hash if user is not None else _DUMMY_HASH
    ok = await run_in_threadpool(verify_password, password, stored)
    if user is None or not ok or not user.password_hash:
        return web.render("login.html", status=401, title="Đăng nhập", next_url=next_url,
                          username=username[:100], error=LOGIN_FAILED)
    web.session.sign_in(user.id, web.keys.session.fingerprint(user.password_hash))
    web.user = user
    return web.redirect(next_url or home_for(user.role))


@router.post("/logout", include_in_schema=False)
@page
async def logout(web: WebDep) -> Response:
    await web.form()
    web.session.sign_out()
    web.user = None
    return web.redirect("/login", "Đã đăng xuất.")
