"""Serving from memory (kg.memory): the decision, the forked query workers, the time limit, the
swap of a new build, and gunicorn (`tnmt-kg serve --workers`) sharing one loaded store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import free_port, stop_process_group
from support import fetch

from kg import memory as kgmemory
from kg.build import build, load_files
from kg.config import PROJECT_ROOT, Settings
from kg.errors import BadInput, QueryTimeout
from kg.query import QueryService

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture()
def own_store(fresh_settings: Settings) -> Settings:
    """A store of the test's own (it gets rebuilt), with the seed built into it."""
    build(fresh_settings)
    return fresh_settings.replace(query_workers=1)


def count(service: QueryService) -> int:
    return int(service.select_rows(COUNT)[0]["n"].value)


def extra_file(tmp_path: Path) -> Path:
    path = tmp_path / "extra.nt"
    path.write_text('<urn:x:a> <urn:x:b> "added after the server started" .\n')
    return path


def test_the_memory_setting(own_store: Settings) -> None:
    assert kgmemory.use_memory("on", own_store.store)
    assert not kgmemory.use_memory("off", own_store.store)
    assert kgmemory.use_memory("auto", own_store.store)  # the seed fits anywhere
    assert not kgmemory.use_memory("auto", "/nonexistent/store")
    assert not kgmemory.use_memory("on", own_store.store, backend="remote")
    with pytest.raises(BadInput, match="auto, on, off"):
        kgmemory.use_memory("sometimes", own_store.store)


def test_workers_forked_from_memory_answer_stop_at_the_limit_and_see_a_new_build(
        own_store: Settings, tmp_path: Path) -> None:
    source = lambda: kgmemory.current(own_store.store)  # noqa: E731
    with QueryService(own_store.replace(query_timeout=2.0), memory=source) as service:
        before = count(service)
        (pid,) = service.worker_pids()
        memory = source()
        with open(f"/proc/{pid}/stat") as fh:  # a child of the forker, not of this process
            assert int(fh.read().rsplit(")", 1)[1].split()[1]) == memory.forker.pid
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            service.run(CARTESIAN)
        assert time.monotonic() - started < 4
        assert count(service) == before  # a new worker, forked from the same store
        assert service.worker_pids() != [pid]
        load_files(own_store, [extra_file(tmp_path)])
        assert count(service) == before + 1  # the new build, loaded into memory and swapped in
        assert source() is not memory and source().store is not memory.store
    kgmemory.forget()


def test_the_app_serves_from_memory_and_its_build_info_follows_the_store_it_answers_from(
        own_store: Settings, tmp_path: Path) -> None:
    from server.app import create_app

    app = create_app(own_store.replace(memory="on"), {"TESTING": True})
    kg = app.extensions["tnmt_kg"]
    try:
        assert kg.in_memory
        kg.warm()
        client = app.test_client()
        first = client.get("/sparql", query_string={"query": COUNT},
                           headers={"Accept": "application/sparql-results+json"})
        n = int(json.loads(first.data)["results"]["bindings"][0]["n"]["value"])
        build_before = kg.build_info().build_id
        load_files(own_store, [extra_file(tmp_path)])
        second = client.get("/sparql", query_string={"query": COUNT},
                            headers={"Accept": "application/sparql-results+json"})
        assert int(json.loads(second.data)["results"]["bindings"][0]["n"]["value"]) == n + 1
        assert kg.build_info().build_id != build_before
        assert client.get("/search?q=khoi").status_code == 200
    finally:
        kg.close()
        kgmemory.forget()


def _wait_for(url: str, process: subprocess.Popen, log: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise AssertionError("the server exited: " + log.read().decode()[-3000:])
        try:
            if fetch(url + "/", timeout=2).status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the server did not answer in time")


def _http_count(url: str) -> int:
    reply = fetch(url + "/sparql", params=[("query", COUNT)],
                  headers={"Accept": "application/sparql-results+json"})
    assert reply.status == 200, reply.text
    return int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])


def test_gunicorn_workers_share_the_memory_store_and_pick_up_a_rebuild(
        own_store: Settings, tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", "--store", own_store.store, "--port", str(port),
         "--workers", "2", "--threads", "2", "--memory", "on"],
        cwd=PROJECT_ROOT, env={**os.environ, "TNMT_KG_QUERY_WORKERS": "1"},
        stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    try:
        _wait_for(url, process, log)
        before = _http_count(url)
        assert fetch(url + "/sparql", params=[("query", "DROP ALL")]).status == 403
        load_files(own_store, [extra_file(tmp_path)])
        deadline = time.monotonic() + 60
        seen = set()
        while time.monotonic() < deadline and seen != {before + 1}:
            try:
                seen = {_http_count(url) for _ in range(4)}  # both workers, most likely
            except OSError:
                seen = set()
            time.sleep(0.5)
        assert seen == {before + 1}
        log.seek(0)
        text = log.read().decode()
        assert "from memory" in text and "warmed the caches" in text
        assert "Booting worker" in text
    finally:
        stop_process_group(process, timeout=30)
        log.seek(0)
        text = log.read().decode()
        log.close()
    for crash in ("terminate called", "SIGABRT", "SIGSEGV"):  # a RocksDB handle across a fork
        assert crash not in text, text[-3000:]
