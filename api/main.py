"""The FastAPI app: `create_app()` (uvicorn factory; `triage serve`, `make run`).

At start-up the lifespan connects to the database (SQLite at var/triage.db unless
TRIAGE_DATABASE_URL says otherwise), brings the schema up to date, ensures the jurisdiction's
campaign and, on a database without users, a first admin whose password and API key are
printed and written to var/, and loads the promoted model.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.routers import batches, groups, meta, models, opinions, reports, triage, users
from api.schemas import BatchIn
from api.services.errors import PayloadTooLarge, ServiceError
from api.services.runtime import Runtime, build_runtime
from api.web import mount_web
from triage.settings import Settings, get_settings

API_PREFIX = "/api/v1"
log = logging.getLogger("triage.api")

DESCRIPTION = """\
Triage of citizens' opinions on land-use-right certificates (Sơn Tây, Hà Nội).

Authenticate with an API key in `X-API-Key` or `Authorization: Bearer`. Roles: **intake**
(submit batches, read its own), **reviewer** (read everything, correct decisions, merge and split
duplicate groups), **admin** (everything, plus retraining, promotion, rollback and keys).
Errors come as `{"detail": ...}` with a message in Vietnamese.
"""

_STATUS_TEXT = {
    404: "Không tìm thấy địa chỉ này.",
    405: "Phương thức HTTP này không dùng được ở địa chỉ này.",
}


def _slack(limit: int) -> int:
    """Room for multipart framing and JSON quoting around a batch of `limit` bytes."""
    return min(1024 * 1024, limit // 10 + 4096)


def too_large_message(limit: int) -> str:
    return (f"Dữ liệu gửi lên quá lớn, vượt giới hạn {limit / 1048576:.1f} MB mỗi đợt. "
            "Hãy chia thành nhiều đợt nhỏ hơn.")


class BodyLimit:
    """Refuses request bodies over the batch limit (413) before they are read whole."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.ceiling = limit + _slack(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.ceiling:
                    response = JSONResponse({"detail": too_large_message(self.limit)}, 413)
                    await response(scope, receive, send)
                    return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.ceiling:
                    raise PayloadTooLarge(too_large_message(self.limit))
            return message

        await self.app(scope, limited, send)


def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
        parts.append(f"{'.'.join(loc) or 'nội dung'}: {error.get('msg', '')}")
    return "Yêu cầu không hợp lệ (" + "; ".join(parts) + ")."


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, exc.status, headers=exc.headers or None)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            {"detail": _validation_detail(exc), "errors": jsonable_encoder(exc.errors())}, 422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        if exc.status_code in _STATUS_TEXT and detail in ("Not Found", "Method Not Allowed"):
            detail = _STATUS_TEXT[exc.status_code]
        return JSONResponse({"detail": detail}, exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"detail": "Lỗi máy chủ: yêu cầu chưa được thực hiện và không có gì được lưu. "
                       "Hãy thử lại; nếu vẫn lỗi, báo cho quản trị viên."}, 500)


def _announce(runtime: Runtime) -> None:
    created = runtime.bootstrap
    if created is None:
        return
    print(
        "\nĐã tạo tài khoản quản trị đầu tiên (chỉ hiện một lần):\n"
        f"  tên đăng nhập: {created.username}\n"
        f"  mật khẩu:      {created.password}   (đã ghi vào {created.password_file})\n"
        f"  khóa API:      {created.api_key}   (đã ghi vào {created.api_key_file})\n",
        flush=True,
    )


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes)
    batch = BatchIn.model_json_schema(ref_template="#/components/schemas/{model}")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(batch.pop("$defs", {}))
    components["BatchIn"] = batch
    app.openapi_schema = schema
    return schema


def api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    for module in (meta, batches, triage, opinions, reports, groups, models, users):
        router.include_router(module.router)
    return router


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = build_runtime(settings)
        app.state.runtime = runtime
        _announce(runtime)
        try:
            yield
        finally:
            runtime.close()

    app = FastAPI(
        title="triage",
        version="1",
        description=DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    _install_handlers(app)
    app.include_router(api_router())
    mount_web(app)  # the web pages, /static and the sign-in redirect
    app.add_middleware(BodyLimit, limit=settings.max_batch_bytes)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app
