"""Helpers shared by the test modules: a plain HTTP client for live-server tests and a listener
that proves nothing connects out."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlencode

import pytest

# The RDF media types the endpoint must offer for CONSTRUCT/DESCRIBE (issue 3, SPARQL 1.1 Protocol).
RDF_MEDIA_TYPES = ("text/turtle", "application/n-triples", "application/ld+json",
                   "application/rdf+xml", "application/n-quads", "application/trig")

# Expected answers read off the article (sources/khoi-thi-dua-iv-2021/article.txt):
# "Khối Thi đua số IV của Bộ TN&MT bao gồm 6 đơn vị trực thuộc là …"
BLOC_UNITS = {
    "Cục Công nghệ thông tin và Dữ liệu TN&MT",
    "Cục Đo đạc, Bản đồ và Thông tin địa lý Việt Nam",
    "Cục Viễn thám quốc gia",
    "Cục Biến đổi khí hậu",
    "Cục Quản lý tài nguyên nước",
    "Trung tâm Quy hoạch và Điều tra tài nguyên nước quốc gia",
}


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def media_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";", 1)[0].strip()

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def fetch(url: str, *, method: str = "GET", params: list[tuple[str, str]] | None = None,
          data: bytes | None = None, headers: dict[str, str] | None = None, timeout: float = 30) -> Reply:
    """One HTTP exchange; an error status is a reply like any other."""
    if params:
        url += ("&" if "?" in url else "?") + urlencode(params)
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, error.headers, error.read())


def assert_no_connection(sock: socket.socket) -> None:
    """Fail if anything connected to the test's listener (a leaked SERVICE or LOAD would)."""
    try:
        connection, peer = sock.accept()
    except TimeoutError:
        return
    connection.close()
    pytest.fail(f"something connected out to the test's listener (from {peer})")
