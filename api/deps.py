"""Dependencies: the runtime, the one unit-of-work session, and who is calling.

The session commits when the endpoint returns and rolls back when it raises, before the
response is sent (`scope="function"`), so a client never hears "done" about something that was
not stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.services.errors import Forbidden, Unauthorized
from api.services.runtime import Actor, Runtime
from storage import repositories as repo
from storage.accounts import ROLE_LABELS
from storage.db import session_scope


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(runtime: RuntimeDep) -> Iterator[Session]:
    with session_scope(runtime.sessions) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False,
                              description="An API key (`triage apikey create`).")
bearer = HTTPBearer(auto_error=False, description="The same API key as a bearer token.")

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def current_actor(
    request: Request,
    session: SessionDep,
    api_key: Annotated[str | None, Security(api_key_header)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> Actor:
    raw = api_key or (credentials.credentials if credentials else None)
    if not raw:
        # The web pages may put a signed-in user here before the API is reached.
        actor = getattr(request.state, "actor", None)
        if isinstance(actor, Actor):
            return actor
        raise Unauthorized(
            "Thiếu khóa API: gửi khóa trong tiêu đề X-API-Key hoặc Authorization: Bearer.",
            headers=_CHALLENGE,
        )
    user = repo.user_for_api_key(session, raw.strip())
    if user is None:
        raise Unauthorized("Khóa API không đúng hoặc đã bị thu hồi.", headers=_CHALLENGE)
    return Actor(user.id, user.username, user.role)


ActorDep = Annotated[Actor, Depends(current_actor)]


def require(*roles: str) -> Callable[[Actor], Actor]:
    """A dependency that lets only the given roles through (403 for the others)."""
    names = " hoặc ".join(ROLE_LABELS.get(r, r) for r in roles)

    def check(actor: ActorDep) -> Actor:
        if not actor.has(*roles):
            raise Forbidden(f"Vai trò {ROLE_LABELS.get(actor.role, actor.role)} không được "
                            f"làm việc này (cần vai trò {names}).")
        return actor

    return check


Reviewer = Annotated[Actor, Depends(require("reviewer", "admin"))]
Admin = Annotated[Actor, Depends(require("admin"))]
