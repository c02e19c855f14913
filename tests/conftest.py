"""Shared fixtures. Keep this small; module-specific fixtures live in the tests, shared helpers
in ``support.py``.

- The whole run keeps its caches in a temporary folder (``$DPRK_KG_CACHE``, inherited by the
  processes the tests start), never in the user's own cache.

- ``store_dir``: an empty store folder in ``tmp_path``, also set as ``$DPRK_KG_STORE`` so that
  the CLI and the API use it; built from the shipped content on first use.
- ``built_store``: one store folder built once per session from the shipped content; only
  read it (tests that write use ``store_dir``).
- ``SOURCES_DIR`` / ``sources_dir``: the shared article texts (``../shared/sources`` beside the
  checkout, or ``$DPRK_KG_SOURCES``); the fixture skips where they are absent, except in CI
  (``CI=true``), where a missing folder must fail rather than let the quote checks pass unseen.
- ``oxigraph_server``: a real Oxigraph SPARQL server on 127.0.0.1 and a free port, started
  for the session; the value is its query URL (``.../query``; updates at ``.../update``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from dprk_kg import build


def pytest_configure(config: pytest.Config) -> None:
    os.environ["DPRK_KG_CACHE"] = tempfile.mkdtemp(prefix="dprk-kg-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ.pop("DPRK_KG_CACHE", ""), ignore_errors=True)


SOURCES_DIR = Path(os.environ.get("DPRK_KG_SOURCES")
                   or Path(__file__).resolve().parent.parent.parent / "shared" / "sources")


@pytest.fixture
def sources_dir() -> Path:
    if not SOURCES_DIR.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SOURCES_DIR} is missing: the quote and figure checks need the article texts")
        pytest.skip(f"{SOURCES_DIR} is not here")
    return SOURCES_DIR


@pytest.fixture
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store"
    monkeypatch.setenv("DPRK_KG_STORE", str(path))
    monkeypatch.delenv("DPRK_KG_ENDPOINT", raising=False)
    monkeypatch.delenv("DPRK_KG_UPDATE_ENDPOINT", raising=False)
    return path


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("built") / "store"
    build.build(path)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory):
    exe = shutil.which("oxigraph") or str(Path(__import__("sys").executable).with_name("oxigraph"))
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen([exe, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):  # wait until the server answers (at most ~30 s)
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1).close()
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"oxigraph server exited: {process.stderr.read().decode()}")
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("oxigraph server did not start")
    yield base + "/query"
    process.terminate()
    process.wait(timeout=30)
