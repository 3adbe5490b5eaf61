"""What every page handler gets: who is signed in, the CSRF check, rendering and redirects.

Pages use the API's one session dependency (`api.deps.SessionDep`) and call the same services
as the API with an `Actor` built from the signed-in user. Service refusals become pages or
flash messages in Vietnamese here; the API's JSON error handlers are left untouched.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.templating import Jinja2Templates

from api.deps import RuntimeDep, SessionDep
from api.services.errors import ServiceError
from api.services.runtime import Actor, Runtime
from api.web import labels as lab
from api.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    FLASH_COOKIE,
    SESSION_COOKIE,
    Signer,
    WebSession,
    load_secret,
)
from storage.models import User

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
STATIC = Path(__file__).resolve().parents[1] / "static"


class LoginRequired(Exception):
    """Raised by a page that needs a signed-in user: answered with a redirect to sign in."""

    def __init__(self, next_url: str = "/") -> None:
        super().__init__(next_url)
        self.next_url = next_url


class PageError(Exception):
    """A refusal shown as a page (403, 404, 409...) with a Vietnamese message."""

    def __init__(self, status: int, message: str, title: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.title = title


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = lab.number
    env.filters["pct"] = lab.percent
    env.filters["metric"] = lab.metric
    env.filters["urlq"] = lambda v: quote(str(v), safe="")
    env.globals["field_labels"] = lab.FIELD_LABELS
    env.globals["role_labels"] = lab.ROLE_LABELS
    env.globals["status_labels"] = lab.STATUS_LABELS
    env.globals["job_labels"] = lab.JOB_LABELS
    env.globals["source_labels"] = lab.SOURCE_LABELS
    return env


templates = Jinja2Templates(env=_environment())


@dataclass
class Keys:
    session: Signer
    flash: Signer

    @classmethod
    def of(cls, runtime: Runtime) -> Keys:
        cached = getattr(runtime, "_web_keys", None)
        if isinstance(cached, Keys):
            return cached
        secret = load_secret(runtime.settings.var_dir)
        keys = cls(Signer(secret, "session"), Signer(secret, "flash"))
        runtime._web_keys = keys  # type: ignore[attr-defined]
        return keys


@dataclass
class Web:
    """One request's view of the web app."""

    request: Request
    runtime: Runtime
    db: Session
    keys: Keys
    session: WebSession
    user: User | None
    flashes: list[dict[str, str]] = field(default_factory=list)
    _flash_read: bool = False
    _flash_out: list[dict[str, str]] | None = None

    # --- who ---------------------------------------------------------------------------------

    @property
    def actor(self) -> Actor:
        if self.user is None:
            raise LoginRequired(self.here)
        return Actor(self.user.id, self.user.username, self.user.role)

    def require(self, *roles: str) -> Actor:
        actor = self.actor
        if roles and not actor.has(*roles):
            names = " hoặc ".join(lab.ROLE_LABELS.get(r, r) for r in roles)
            raise PageError(403, f"Trang này dành cho vai trò {names}. Tài khoản của bạn có "
                                 f"vai trò {lab.ROLE_LABELS.get(actor.role, actor.role)}.",
                            "Không có quyền")
        return actor

    def can(self, *roles: str) -> bool:
        return self.user is not None and (self.user.role in roles)

    @property
    def here(self) -> str:
        url = self.request.url
        return url.path + (f"?{url.query}" if url.query else "")

    @property
    def labels(self) -> lab.Labels:
        cached = getattr(self.runtime, "_web_labels", None)
        if isinstance(cached, lab.Labels):
            return cached
        labels = lab.Labels.of(self.runtime.jurisdiction)
        self.runtime._web_labels = labels  # type: ignore[attr-defined]
        return labels

    # --- forms and CSRF ----------------------------------------------------------------------

    async def form(self, *, max_fields: int = 1000, max_part_size: int = 1024 * 1024,
                   max_files: int = 0) -> FormData:
        """The posted form, refused (403) unless it carries this session's CSRF token."""
        form = await self.request.form(max_files=max_files, max_fields=max_fields,
                                       max_part_size=max_part_size)
        sent = self.request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
        if not self.session.csrf_ok(sent):
            raise PageError(403, "Biểu mẫu đã hết hạn hoặc không hợp lệ (thiếu mã chống giả "
                                 "mạo). Hãy tải lại trang rồi thử lại.", "Yêu cầu bị từ chối")
        return form

    @property
    def wants_json(self) -> bool:
        """A fetch from the page's script (it asks for JSON), not a plain form post."""
        return "application/json" in self.request.headers.get("accept", "")

    # --- messages ----------------------------------------------------------------------------

    def flash(self, message: str, kind: str = "ok") -> None:
        if self._flash_out is None:
            self._flash_out = []
        self._flash_out.append({"kind": kind, "text": message})

    def _take_flashes(self) -> list[dict[str, str]]:
        if self._flash_read:
            return self.flashes
        self._flash_read = True
        payload = self.keys.flash.loads(self.request.cookies.get(FLASH_COOKIE))
        items = payload.get("m") if payload else None
        if isinstance(items, list):
            self.flashes = [{"kind": str(i.get("kind", "ok")), "text": str(i.get("text", ""))}
                            for i in items if isinstance(i, dict)][:5]
        return self.flashes

    # --- responses ---------------------------------------------------------------------------

    def finish(self, response: Response) -> Response:
        secure = self.request.url.scheme == "https"
        if self.session.changed:
            response.set_cookie(SESSION_COOKIE, self.session.encode(self.keys.session),
                                max_age=self.session.max_age(), httponly=True, samesite="lax",
                                secure=secure, path="/")
        if self._flash_out:
            response.set_cookie(FLASH_COOKIE, self.keys.flash.dumps({"m": self._flash_out}),
                                max_age=120, httponly=True, samesite="lax", secure=secure,
                                path="/")
        elif self._flash_read and self.request.cookies.get(FLASH_COOKIE):
            response.delete_cookie(FLASH_COOKIE, path="/", httponly=True, samesite="lax",
                                   secure=secure)
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        )
        return response

    def context(self, **values: Any) -> dict[str, Any]:
        user = self.user
        return {
            "request": self.request,
            "user": user,
            "role": user.role if user else None,
            "csrf_token": self.session.csrf,
            "flashes": self._take_flashes(),
            "L": self.labels,
            "here": self.here,
            "nav": values.pop("nav", ""),
            "campaign": self.runtime.jurisdiction.name,
            **values,
        }

    def render(self, template: str, status: int = 200, **values: Any) -> Response:
        response = templates.TemplateResponse(self.request, template, self.context(**values),
                                              status_code=status)
        return self.finish(response)

    def fragment(self, template: str, **values: Any) -> str:
        return templates.get_template(template).render(self.context(**values))

    def json(self, body: dict[str, Any], status: int = 200) -> Response:
        return self.finish(JSONResponse(body, status_code=status))

    def redirect(self, url: str, message: str | None = None, kind: str = "ok") -> Response:
        if message:
            self.flash(message, kind)
        return self.finish(RedirectResponse(safe_next(url), status_code=303))


def safe_next(url: str | None, default: str = "/") -> str:
    """Only a path of this site (never "//host" or "https://host") may be a redirect target."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return default
    if any(ord(c) < 33 or ord(c) == 127 for c in url):  # browsers drop tabs: "/\t/host"
        return default
    return url


def get_web(request: Request, runtime: RuntimeDep, db: SessionDep) -> Web:
    keys = Keys.of(runtime)
    session = WebSession.decode(keys.session, request.cookies.get(SESSION_COOKIE))
    user: User | None = None
    if session.user_id is not None:
        user = db.get(User, session.user_id)
        if user is None or keys.session.fingerprint(user.password_hash) != session.password:
            session.sign_out()
            user = None
    return Web(request, runtime, db, keys, session, user)


WebDep = Annotated[Web, Depends(get_web)]


def error_page(web: Web, exc: PageError) -> Response:
    if web.wants_json:
        return web.json({"detail": exc.message}, exc.status)
    return web.render("error.html", status=exc.status, title=exc.title or "Không thực hiện được",
                      message=exc.message)


def _find_web(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Web | None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, Web):
            return value
    return None


def _refusal(web: Web | None, exc: Exception) -> Response:
    if isinstance(exc, ServiceError):
        exc = PageError(exc.status, exc.message)
    assert isinstance(exc, PageError)
    if web is None:
        return HTMLResponse(exc.message, status_code=exc.status)
    web.db.rollback()  # nothing half-done is committed by the session dependency
    return error_page(web, exc)


def page(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Turns refusals (PageError, a service's ServiceError) into an error page or JSON."""
    if inspect.iscoroutinefunction(handler):

        @functools.wraps(handler)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            try:
                return await handler(*args, **kwargs)
            except (PageError, ServiceError) as exc:
                return _refusal(_find_web(args, kwargs), exc)

        return run_async

    @functools.wraps(handler)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return handler(*args, **kwargs)
        except (PageError, ServiceError) as exc:
            return _refusal(_find_web(args, kwargs), exc)

    return run


def login_redirect(request: Request, exc: LoginRequired) -> Response:
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"detail": "Phiên làm việc đã hết hạn: hãy đăng nhập lại."}, 401)
    target = "/login"
    nxt = safe_next(exc.next_url, "")
    if nxt and nxt != "/":
        target += "?next=" + quote(nxt, safe="")
    return RedirectResponse(target, status_code=303)


