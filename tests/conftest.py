"""Shared fixtures: the seed graph built once per session into a temporary store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pyoxigraph import Store

from kg.build import build
from kg.config import PROJECT_ROOT, Settings
from kg.processes import free_port, stop_process_group  # noqa: F401 (tests import them from here)

SEED_TEXT = PROJECT_ROOT / "sources" / "khoi-thi-dua-iv-2021" / "article.txt"
SHARED_SEED = PROJECT_ROOT.parent / "shared" / "seed" / "khoi-thi-dua-iv-2021.txt"

#: The sources the tests build from: the seed article alone (a link to sources/), so expected
#: values come from one text we hold and do not move as the project's own sources grow.
#: The project's full sources are built once, by tests/test_history.py.
FIXTURE_SOURCES = Path(__file__).parent / "fixtures" / "sources"
TEST_ENV = {"TNMT_KG_SOURCES_DIR": str(FIXTURE_SOURCES)}
os.environ.update(TEST_ENV)  # CLI runs and live servers started by the tests read it too


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings pointing at a store built from the project's sources, once per test session."""
    store = tmp_path_factory.mktemp("seed") / "store"
    settings = Settings.load(env=TEST_ENV, overrides={"store": str(store)})
    build(settings)
    return settings


@pytest.fixture(scope="session")
def seed_store(seed_settings: Settings) -> Store:
    return Store.read_only(seed_settings.store)


@pytest.fixture()
def fresh_settings(tmp_path: Path) -> Settings:
    """Settings with a store path of its own that nothing has been built into yet."""
    return Settings.load(env=TEST_ENV, overrides={"store": str(tmp_path / "store")})


# --- the web app ---------------------------------------------------------------------------

import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any  # noqa: E402

ARTIFACTS = PROJECT_ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def app(seed_settings: Settings):  # noqa: ANN201
    """The Flask app on the seed store (in-process; its query workers stopped at the end)."""
    from server.app import create_app

    application = create_app(seed_settings.replace(query_timeout=5.0), {"TESTING": True})
    yield application
    application.extensions["tnmt_kg"].close()


@pytest.fixture()
def client(app):  # noqa: ANN001, ANN201
    return app.test_client()


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    store: str
    log: Any  # the server's stderr (request log), a temporary file


def start_live_server(store: str, *, extra_env: dict[str, str] | None = None) -> LiveServer:
    """`tnmt-kg serve` in a child process on a free loopback port; waits until it answers."""
    port = free_port()
    env = {**os.environ, "TNMT_KG_STORE": store, **(extra_env or {})}
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        # The request log goes to a file: a pipe nobody reads fills up and blocks the server.
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError("live server exited: " + log.read().decode()[-2000:])
        try:
            with urllib.request.urlopen(url + "/", timeout=2):
                return LiveServer(url, process, store, log)
        except OSError:
            time.sleep(0.2)
    stop_live_server(LiveServer(url, process, store, log))
    raise RuntimeError("live server did not answer within 30 s")


def wait_for_a_running_child(server: LiveServer, within: float = 10.0) -> bool:
    """Poll /proc until a process of the server's group other than the server itself is running
    (state R): a query worker computing. A state to wait for, not a fixed sleep."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            state, pgid, pid = fields[0], int(fields[2]), int(stat.parent.name)
            if pgid == server.process.pid and pid != server.process.pid and state == "R":
                return True
        time.sleep(0.01)
    return False


def stop_live_server(server: LiveServer) -> None:
    try:
        stop_process_group(server.process)
    finally:
        server.log.close()


@pytest.fixture(scope="session")
def live_server(seed_settings: Settings) -> Iterator[LiveServer]:
    """The app served on 127.0.0.1:<free port> from the seed store, stopped at the end."""
    server = start_live_server(seed_settings.store, extra_env={"TNMT_KG_QUERY_TIMEOUT": "3"})
    yield server
    stop_live_server(server)


# --- the browser ---------------------------------------------------------------------------

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: `make test` installs it with apt")
        pytest.skip("chromium is not installed (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser, request):  # noqa: ANN001, ANN201
    """A fresh page; a screenshot of it is saved under test-artifacts/ after the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    except Exception:  # noqa: BLE001 - a failed screenshot must not hide the test's own result
        pass
    context.close()


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def block_outside(context: Any) -> list[str]:
    """Abort every request of a browser context that does not go to the loopback server or a
    local document, and record it: the app must never make the browser fetch from elsewhere."""
    attempted: list[str] = []

    def handle(route: Any) -> None:
        url = urllib.parse.urlparse(route.request.url)
        if url.scheme in ("data", "blob", "file", "about") or url.hostname in LOOPBACK:
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    context.route("**/*", handle)
    return attempted


@pytest.fixture()
def outside(page: Any) -> list[str]:
    """The requests the page tried to send elsewhere (all blocked)."""
    return block_outside(page.context)


@pytest.fixture()
def listener() -> Iterator[socket.socket]:
    """A TCP listener on 127.0.0.1 that a SERVICE or LOAD would have to connect to."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(1.0)
    try:
        yield sock
    finally:
        sock.close()


CITED_SOURCE = """source:
  id: {id}
  kind: NewsArticle
  title: A page we cite
  publisher: {{name: Example, url: https://example.org}}
  url: https://example.org/{id}
  issued: 2020-01-01
"""


def cited_sources(tmp_path: Path, files: dict[str, str]) -> Settings:
    """Settings over a folder of the test's own fact files: each a cited news page ``id`` whose
    body (people, organisations, memberships …) the test writes."""
    root = tmp_path / "sources"
    for source_id, body in files.items():
        (root / source_id).mkdir(parents=True)
        (root / source_id / "facts.yaml").write_text(CITED_SOURCE.format(id=source_id) + body,
                                                      encoding="utf-8")
    return Settings.load(env={}, overrides={"store": str(tmp_path / "s"), "sources_dir": str(root)})
