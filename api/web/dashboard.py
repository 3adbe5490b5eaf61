"""The dashboard (reviewers and admins; intake staff land on the batch form)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from api.services import web_dashboard
from api.web.auth import home_for
from api.web.context import WebDep, page

router = APIRouter()


@router.get("/", include_in_schema=False)
@page
def dashboard(web: WebDep) -> Response:
    actor = web.actor
    if not actor.has("reviewer", "admin"):
        return web.redirect(home_for(actor.role))
    board = web_dashboard.dashboard(web.runtime, web.db)
    return web.render("dashboard.html", nav="dashboard", title="Tổng quan", board=board)
