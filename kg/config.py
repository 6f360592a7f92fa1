"""Settings: one dataclass, each field with its default and help.

Precedence, lowest first: code defaults < a TOML settings file (``TNMT_KG_CONFIG`` or
``--config``) < environment variables ``TNMT_KG_<NAME>`` < explicit overrides (CLI flags,
the test mapping given to ``create_app``).

>>> s = Settings.load(env={"TNMT_KG_QUERY_TIMEOUT": "3"}, overrides={"max_rows": 5})
>>> (s.query_timeout, s.max_rows)
(3.0, 5)
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import BadInput

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Every setting of the library and the app; ``docs/settings.md`` documents each."""

    store: str = _setting(
        str(PROJECT_ROOT / "var" / "store"), "Path of the on-disk pyoxigraph store."
    )
    sources_dir: str = _setting(
        str(PROJECT_ROOT / "sources"), "Folder of source documents, one sub-folder each."
    )
    ontology_dir: str = _setting(str(PROJECT_ROOT / "ontology"), "Folder of the ontology (Turtle).")
    queries_dir: str = _setting(str(PROJECT_ROOT / "queries"), "Folder of named queries (*.rq).")
    host: str = _setting("127.0.0.1", "Address the web app listens on.")
    port: int = _setting(5000, "Port the web app listens on.")
    public_url: str = _setting(
        "", "Public URL of the app (for VoID/Service Description); empty: from the request."
    )
    query_timeout: float = _setting(10.0, "Time limit of one SPARQL query, in seconds.")
    max_rows: int = _setting(10000, "Result-row cap of one SELECT; the result says when it was cut.")
    max_request_bytes: int = _setting(1_000_000, "Largest request body accepted (413 beyond).")
    query_workers: int = _setting(2, "Worker processes that run queries (each killable at its deadline).")
    graph_max_nodes: int = _setting(500, "Most nodes the graph view sends to a browser.")
    sparql_backend: str = _setting(
        "oxigraph", "'oxigraph' (embedded store) or 'remote' (an external SPARQL 1.1 endpoint)."
    )
    remote_endpoint: str = _setting("", "Query URL of the external SPARQL endpoint (backend 'remote').")
    memory: str = _setting(
        "auto", "Serve the store from memory: 'on', 'off', or 'auto' (when the build fits in the "
        "memory available; see kg/memory.py)."
    )

    @classmethod
    def load(
        cls,
        *,
        config_file: str | None = None,
        env: dict[str, str] | None = None,
        overrides: dict[str, Any] | None = None,
    ) -> Settings:
        """Settings from defaults, then file, then environment, then overrides."""
        env = dict(os.environ) if env is None else env
        values: dict[str, Any] = {}
        config_file = config_file or env.get("TNMT_KG_CONFIG")
        if config_file:
            values.update(_read_toml(config_file))
        for f in dataclasses.fields(cls):
            key = "TNMT_KG_" + f.name.upper()
            if key in env:
                values[f.name] = env[key]
        values.update({k: v for k, v in (overrides or {}).items() if v is not None})
        return cls(**{k: _coerce(cls, k, v) for k, v in values.items()})

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _read_toml(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise BadInput(f"cannot read settings file: {exc.strerror}", where=path) from exc
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"invalid TOML: {exc}", where=path) from exc
    return data.get("tnmt-kg", data)


def _coerce(cls: type[Settings], name: str, value: Any) -> Any:
    types = {f.name: f.type for f in dataclasses.fields(cls)}
    if name not in types:
        known = ", ".join(f.name for f in dataclasses.fields(cls))
        raise BadInput(f"unknown setting {name!r}; known settings: {known}")
    kind = types[name]
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise BadInput(f"setting {name} must be {kind}, got {value!r}") from exc


def describe_settings() -> list[tuple[str, Any, str]]:
    """(name, default, help) for every setting, for docs and ``tnmt-kg settings``."""
    return [(f.name, f.default, f.metadata["help"]) for f in dataclasses.fields(Settings)]
