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
