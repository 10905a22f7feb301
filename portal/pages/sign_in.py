"""Signing in and out of the portal, and the front door that sends each role to its own pages."""

from __future__ import annotations

import secrets
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from agencies.errors import UserError
from portal.deps import ClientIp, Database
from portal.web import (
    SESSION_COOKIE,
    SIGN_IN_COOKIE,
    MaybeViewer,
    SignedIn,
    check_token,
    go,
    page,
    read_form,
    set_cookie,
    settings_of,
    text_field,
)
from schema.accounts import PASSWORD_MAX, SignInPolicy, sign_in, sign_out

router = APIRouter(include_in_schema=False)


def _home(role: str) -> str:
    return "/coordinator" if role == "coordinator" else "/agency"


def _safe_next(target: str) -> str:
    """Only a path of this site: never `//elsewhere` or a full address (an open redirect)."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else ""


@router.get("/")
async def front_door(viewer: MaybeViewer) -> Response:
    return go(_home(viewer.role) if viewer else "/sign-in")


def _sign_in_page(request: Request, next_: str, login: str = "", error: UserError | None = None) -> Response:
    token = secrets.token_urlsafe(32)
    status = error.status if error else 200
    response = page(
        request, "portal/sign_in.html", form_token=token, next=next_, login=login, error=error, status=status
    )
    if error and error.retry_after:
        response.headers["Retry-After"] = str(error.retry_after)
    set_cookie(response, settings_of(request), SIGN_IN_COOKIE, token, max_age=3600)
    return response


@router.get("/sign-in")
async def sign_in_form(request: Request, viewer: MaybeViewer, next: str = "") -> Response:  # noqa: A002
    if viewer is not None:
        return go(_safe_next(next) or _home(viewer.role))
    return _sign_in_page(request, _safe_next(next))


@router.post("/sign-in")
async def sign_in_post(request: Request, database: Database, ip: ClientIp) -> Response:
    form = await read_form(request, max_fields=10)
    check_token(form.get("csrf"), request.cookies.get(SIGN_IN_COOKIE, "") or secrets.token_urlsafe(8))
    login = text_field(form, "login", 64)
    next_ = _safe_next(text_field(form, "next", 500))
    settings = settings_of(request)
    policy = SignInPolicy(
        attempts=settings.sign_in_attempts,
        window=timedelta(minutes=settings.sign_in_window_minutes),
        session_lifetime=timedelta(hours=settings.session_hours),
    )
    password = form.get("password", "")
    try:
        token, viewer = await database.run(
            sign_in, login, password[:PASSWORD_MAX] if isinstance(password, str) else "", ip, policy
        )
    except UserError as error:
        if error.code not in ("sign_in_failed", "too_many_sign_ins"):
            raise
        return _sign_in_page(request, next_, login, error)
    response = go(next_ or _home(viewer.role))
    set_cookie(response, settings, SESSION_COOKIE, token, max_age=settings.session_hours * 3600)
    response.delete_cookie(SIGN_IN_COOKIE, path="/")
    return response


@router.post("/sign-out")
async def sign_out_post(request: Request, database: Database, viewer: SignedIn, ip: ClientIp) -> Response:
    form = await read_form(request, max_fields=5)
    check_token(form.get("csrf"), viewer.csrf_token)
    await database.run(sign_out, viewer, ip)
    response = go("/sign-in")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
