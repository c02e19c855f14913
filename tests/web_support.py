"""Support for the web tests: a store with hostile labels, a real uvicorn server on a free
loopback port, a plain HTTP client, and axe-core fetched from npm for the accessibility check.

The hostile store is the shipped graph plus one batch file (``xss.ttl``) whose person,
post and source carry markup in their labels, built as ``dprk-kg build`` builds any store.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tarfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from conftest import _free_port
from dprk_kg import api, build

HOSTILE = "<script>alert('label')</script>"
#: A fact with markup in every text a page shows (names, a post, a source's title and URL).
HOSTILE_TTL = f"""
@prefix dprk: <https://w3id.org/dprk-kg/ontology#> .
@prefix person: <https://w3id.org/dprk-kg/id/person/> .
@prefix holding: <https://w3id.org/dprk-kg/id/holding/> .
@prefix post: <https://w3id.org/dprk-kg/id/post/> .
@prefix source: <https://w3id.org/dprk-kg/id/source/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

person:xss-probe a dprk:Person ;
    rdfs:label "Xss Probe {HOSTILE}"@en ;
    skos:altLabel "<img src=x onerror=alert(2)>"@ko-Latn-x-mr ;
    dcterms:source source:xss-probe .
holding:xss-probe a dprk:PostHolding ;
    rdfs:label "Probe holding <b>bold</b>"@en ;
    org:member person:xss-probe ;
    dprk:post post:xss-probe ;
    dprk:startDate "2020-01-01"^^xsd:date ;
    dprk:tenureStatus dprk:Current ;
    dcterms:source source:xss-probe .
post:xss-probe a dprk:ChiefSecretary ;
    rdfs:label "Post {HOSTILE}"@en .
source:xss-probe a dprk:SourceDocument ;
    dcterms:title "Title {HOSTILE}" ;
    dcterms:date "2020-01-02"^^xsd:date ;
    schema:url "javascript:alert(3)" .
"""

#: axe-core, the accessibility engine the browser tests run: from npm, pinned, checked
#: against the registry's integrity hash, cached per user (it is test-only: not committed).
AXE_VERSION = "4.10.3"
AXE_INTEGRITY = "sha512-Xm7bpRXnDSX2YE2YFfBk2FnF0ep6tmG7xPh8iHee8MIcrgq762Nkce856dYtJYLkuIoYZvGfTs/PbZhideTcEg=="


def hostile_store(folder: Path) -> Path:
    """A store folder built from the shipped files and the hostile batch."""
    batches = build.batches_dir(folder)
    batches.mkdir(parents=True, exist_ok=True)
    (batches / "xss.ttl").write_text(HOSTILE_TTL, encoding="utf-8")
    build.build(folder)
    return folder


class Server:
    """``dprk-kg serve``'s app under a real uvicorn on 127.0.0.1, in a thread of the test."""

    def __init__(self, source: api.KnowledgeGraph | object, **options) -> None:
        import uvicorn

        from dprk_kg.web.app import create_app

        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.app = create_app(source, **options)
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port,
                                                    log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def get(url: str, accept: str | None = None, data: bytes | None = None,
        content_type: str | None = None) -> Answer:
    """One HTTP request; an error status is an answer, not an exception."""
    headers = {k: v for k, v in {"Accept": accept, "Content-Type": content_type}.items() if v}
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return Answer(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read())
    except urllib.error.HTTPError as e:
        return Answer(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())


def axe_source() -> str:
    """axe.min.js of :data:`AXE_VERSION`, fetched once from the npm registry and cached."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dprk-kg-tests"
    target = cache / f"axe-core-{AXE_VERSION}.min.js"
    if not target.exists():
        url = f"https://registry.npmjs.org/axe-core/-/axe-core-{AXE_VERSION}.tgz"
        with urllib.request.urlopen(url, timeout=60) as r:
            tarball = r.read()
        algorithm, expected = AXE_INTEGRITY.split("-", 1)
        if base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode() != expected:
            raise RuntimeError(f"axe-core {AXE_VERSION} from npm does not match its integrity hash")
        with tarfile.open(fileobj=io.BytesIO(tarball)) as tar:
            source = tar.extractfile("package/axe.min.js").read()
        cache.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source)
    return target.read_text(encoding="utf-8")
