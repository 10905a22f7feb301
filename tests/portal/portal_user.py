"""A person using the portal's pages over real HTTP, as a browser would: cookies kept, form tokens sent back.

Cookies are carried by hand: the portal marks them Secure, and httpx (rightly) does not send a Secure
cookie over plain http; a browser does on 127.0.0.1 (tests/portal/test_browser.py).
"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from typing import Any

import httpx

TOKEN = re.compile(r'name="csrf" value="([^"]+)"')


def form_token(html: str) -> str:
    match = TOKEN.search(html)
    assert match, "the page has no form token"
    return match.group(1)


class PortalUser:
    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self.cookies: dict[str, str] = {}
        self.last_set_cookies: list[str] = []

    def close(self) -> None:
        self.http.close()

    def _keep(self, response: httpx.Response) -> httpx.Response:
        self.last_set_cookies = response.headers.get_list("set-cookie")
        for header in self.last_set_cookies:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value or morsel.value == '""':
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self._keep(self.http.get(path, headers=self._headers(kwargs.pop("headers", None)), **kwargs))

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self._keep(self.http.post(path, headers=self._headers(kwargs.pop("headers", None)), **kwargs))

    def token_of(self, path: str) -> str:
        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code, page.text[:500])
        return form_token(page.text)

    def sign_in(self, login: str, password: str) -> httpx.Response:
        token = self.token_of("/sign-in")
        return self.post("/sign-in", data={"csrf": token, "login": login, "password": password})
