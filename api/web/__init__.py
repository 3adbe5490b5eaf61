"""The web app for MTTQ staff and reviewers: server-rendered pages in Vietnamese.

`mount_web(app)` adds the pages, the static files and the sign-in redirect to the API's app;
the pages call the same services as the JSON API (`api.services`).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from api.web import auth, dashboard, followup, intake, models, review
from api.web.context import STATIC, LoginRequired, login_redirect


def web_router() -> APIRouter:
    router = APIRouter()
    for module in (auth, dashboard, intake, review, followup, models):
        router.include_router(module.router)
    return router


def mount_web(app: FastAPI) -> None:
    app.include_router(web_router())
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.add_exception_handler(LoginRequired, login_redirect)  # type: ignore[arg-type]
