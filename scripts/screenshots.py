"""Screenshots of the graph view at desktop (1280 px) and phone (390 px) width: `make screenshots`.

Starts the app (`tnmt-kg serve`) on a free port of 127.0.0.1 with the given store, opens the graph
view in Debian's Chromium driven by Playwright (never a downloaded browser), waits until the
layout has settled, writes ``graph-desktop.png`` and ``graph-phone.png``, and stops the app —
whatever happens, the server's whole process group is stopped. Requests to anything but the
loopback server are blocked: the pages must work offline, and the shots prove it.

    .venv/bin/python scripts/screenshots.py --store var/store --out docs/screenshots
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from kg.processes import stop_process_group  # noqa: E402  (the project, run as a script)

#: The same flags as the tests' browser (tests/conftest.py).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
#: What is shot: the bloc's network in 2021, a view a reader can take in at a glance.
GRAPH_PATH = "/graph?org=khoi-thi-dua-so-iv&year=2021"
#: File → (viewport, whole page?). The phone's shot starts at the graph (the filters fill the
#: first screen); the desktop's is the whole page.
#: True once the graph view has drawn and its layout has settled (server/static/graph.js).
STABLE = "window.network && document.getElementById('graph').getAttribute('data-stable') === 'true'"
SHOTS = {"graph-desktop.png": ({"width": 1280, "height": 900}, True),
         "graph-phone.png": ({"width": 390, "height": 844}, False)}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: Path, log: object) -> tuple[subprocess.Popen, str]:
    """`tnmt-kg serve` in its own process group; returns once it answers (30 s at most)."""
    port = free_port()
    env = {**os.environ, "TNMT_KG_STORE": str(store)}
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.2)
    stop_process_group(process)
    raise RuntimeError("the app did not answer within 30 s")


def shoot(url: str, out: Path, *, lang: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        raise RuntimeError("Debian's chromium is not installed: `make browser` installs it")
    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            for name, (viewport, full_page) in SHOTS.items():
                context = browser.new_context(viewport=viewport, locale=lang)
                context.route("**/*", _loopback_only)
                page = context.new_page()
                page.goto(url + GRAPH_PATH)
                page.wait_for_function(STABLE, timeout=60_000)
                if not full_page:
                    page.evaluate("document.getElementById('graph').scrollIntoView()")
                page.wait_for_timeout(300)  # the last frame of the fit animation
                path = out / name
                page.screenshot(path=str(path), full_page=full_page)
                written.append(path)
                context.close()
        finally:
            browser.close()
    return written


def _loopback_only(route: object) -> None:
    target = urlparse(route.request.url)  # type: ignore[attr-defined]
    if target.scheme in ("data", "blob", "about") or target.hostname in ("127.0.0.1", "localhost"):
        route.continue_()  # type: ignore[attr-defined]
    else:
        route.abort()  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--store", type=Path, default=ROOT / "var" / "store")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--lang", default="en-GB", help="the browser's locale (its Accept-Language)")
    args = parser.parse_args(argv)
    if not args.store.exists():
        print(f"no store at {args.store}: run `make build` first", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile() as log:
        process, url = start_server(args.store.resolve(), log)
        try:
            for path in shoot(url, args.out, lang=args.lang):
                print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        except Exception:
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace")[-2000:])
            raise
        finally:
            stop_process_group(process)
    return 0


if __name__ == "__main__":
    sys.exit(main())
