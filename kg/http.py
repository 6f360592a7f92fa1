"""The one HTTP client for external SPARQL engines (queries, updates, Graph Store uploads).

Both the remote query backend (:mod:`kg.remote`) and ``tnmt-kg push`` speak to an engine
through :class:`EngineClient`, so they agree on what matters: only ``http(s)`` URLs, never a
redirect followed (the only outbound connection allowed is to the configured engine; a
redirect is reported with where it pointed), credentials (HTTP Digest or Basic) sent only to
the engine's own URLs, and a whole-request deadline rather than urllib's per-read timeout.
Errors are raised as :class:`EngineAnswered` (the engine said no) or :class:`EngineUnreachable`
and :class:`EngineDeadline`; each caller words them for its own user.
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

from .errors import BadInput, KGError

USER_AGENT = "tnmt-kg"


class EngineAnswered(KGError):
    """The engine answered with an HTTP error status (a redirect counts: it is not followed)."""

    def __init__(self, url: str, code: int, reason: str, detail: str, location: str | None) -> None:
        said = f"the engine answered {code} {reason}" + (f": {detail}" if detail else "")
        super().__init__(said, where=url)
        self.url, self.code, self.reason, self.detail, self.location = url, code, reason, detail, location


class EngineUnreachable(KGError):
    """No answer: refused connection, unknown host, broken connection."""


class EngineDeadline(Exception):
    """The request's deadline passed before the whole answer came."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201
        return None  # urllib then raises the 3xx as an HTTPError, reported as EngineAnswered


def check_url(url: str, setting: str) -> str:
    """``url`` if it is an http(s) URL; else :class:`BadInput` naming the setting."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise BadInput(f"{setting} must be an http(s) URL, got {url!r}", where=setting)
    return url


class EngineClient:
    """HTTP to one engine's URLs (``urls``: setting name → URL, each checked)."""

    def __init__(self, urls: Mapping[str, str | None], *, user: str | None = None,
                 password: str | None = None, agent: str = USER_AGENT) -> None:
        self.urls = {name: check_url(url, name) for name, url in urls.items() if url}
        self.agent = agent
        handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
        if user is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in self.urls.values():
                passwords.add_password(None, url, user, password or "")
            handlers += [urllib.request.HTTPDigestAuthHandler(passwords),
                         urllib.request.HTTPBasicAuthHandler(passwords)]
        self._opener = urllib.request.build_opener(*handlers)

    def send(self, method: str, url: str, body: bytes, content_type: str, *, accept: str = "*/*",
             deadline: float) -> tuple[bytes, str]:
        """One request; the answer's body and ``Content-Type``, all read before ``deadline``
        (a ``time.monotonic()`` instant)."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise EngineDeadline
        request = urllib.request.Request(url, data=body, method=method, headers={
            "Content-Type": content_type, "Accept": accept, "User-Agent": self.agent})
        try:
            with self._opener.open(request, timeout=remaining) as response:
                chunks = []
                while chunk := response.read(65536):
                    chunks.append(chunk)
                    if time.monotonic() > deadline:
                        raise EngineDeadline
                return b"".join(chunks), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            raise _answered(url, exc) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise EngineDeadline from None
            raise EngineUnreachable(f"cannot reach the engine: {exc.reason}", where=url) from None
        except TimeoutError:
            raise EngineDeadline from None
        except OSError as exc:
            raise EngineUnreachable(f"the connection to the engine failed: {exc}", where=url) from None

    def form_post(self, url: str, params: list[tuple[str, str]], *, accept: str,
                  deadline: float) -> tuple[bytes, str]:
        """A form-encoded POST: the one method every engine implements for queries and updates
        (Virtuoso 7.2 as Debian packages it never answers a direct ``application/sparql-query``)."""
        body = urllib.parse.urlencode(params).encode()
        return self.send("POST", url, body, "application/x-www-form-urlencoded", accept=accept,
                         deadline=deadline)


def _answered(url: str, exc: urllib.error.HTTPError) -> EngineAnswered:
    try:
        detail = " ".join(exc.read(2000).decode("utf-8", "replace").split()) if exc.fp else ""
    except OSError:
        detail = ""
    finally:
        exc.close()
    return EngineAnswered(url, exc.code, str(exc.reason), detail, exc.headers.get("Location"))
