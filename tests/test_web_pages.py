"""The explorer's pages over HTTP: what each page says, escaping, bad parameters, downloads,
content negotiation, and a batch added while the server runs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
import rdflib
from markupsafe import escape  # the escaping Jinja2 applies

from dprk_kg import api, catalog, cli
from web_support import HOSTILE, Server, get, hostile_store

pytestmark = pytest.mark.slow
KIM = "https://w3id.org/dprk-kg/id/person/kim-jong-un"


@pytest.fixture(scope="module")
def store_folder(tmp_path_factory) -> Path:
    return hostile_store(tmp_path_factory.mktemp("web") / "store")


@pytest.fixture(scope="module")
def server(store_folder):
    with api.open(store_folder) as kg, Server(kg) as s:
        yield s


def page(server, path: str, **kw):
    return get(server.base + path, **kw)


def _tenures(store_folder: Path, person: str) -> list[dict]:
    """The person's tenures as the graph holds them, with each source's title and URL."""
    with api.open(store_folder) as kg:
        rows = kg.sparql(f"""
            PREFIX dprk: <https://w3id.org/dprk-kg/ontology#> PREFIX org: <http://www.w3.org/ns/org#>
            PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX schema: <https://schema.org/>
            SELECT ?h ?start ?end ?bound ?seen ?title ?url WHERE {{
              ?h a dprk:PostHolding ; org:member <{person}> ; dprk:startDate ?start ; dcterms:source ?s .
              OPTIONAL {{ ?h dprk:endDate ?end }} OPTIONAL {{ ?h dprk:lastAttested ?seen }}
              OPTIONAL {{ ?h dprk:endQualifier ?bound }}
              OPTIONAL {{ ?s dcterms:title ?title }} OPTIONAL {{ ?s schema:url ?url }} }}""")
    return list(rows)


def test_the_person_page_shows_names_tenures_sources_and_a_timeline(server, store_folder) -> None:
    html = page(server, "/id/person/kim-jong-un").text
    assert "<h1>Kim Jong Un</h1>" in html and "김정은" in html and "Hangul" in html
    tenures = _tenures(store_folder, KIM)
    assert tenures
    for t in tenures:  # each tenure linked to its page, with its dates and its sources
        assert f'href="/id/{t["h"].removeprefix("https://w3id.org/dprk-kg/id/")}"' in html
        assert f'from {t["start"].isoformat()}' in html
        if "seen" in t:
            assert f"last attested {t['seen'].isoformat()}" in html
        if "title" in t:
            assert f"<cite>{escape(t['title'])}</cite>" in html
        if "url" in t:
            assert f'href="{escape(t["url"])}" rel="noreferrer">canonical URL</a>' in html
    assert '<svg role="group"' in html and 'class="bar party' in html and 'class="bar state' in html


def test_as_of_marks_what_held_on_the_date(server, store_folder) -> None:
    html = page(server, "/id/person/kim-jong-un?as_of=2018-01-01").text
    html = html[html.index("<h2>Tenures</h2>"):]
    day = dt.date(2018, 1, 1)
    for t in _tenures(store_folder, KIM):
        at = html.index(f'href="/id/{t["h"].removeprefix("https://w3id.org/dprk-kg/id/")}"')
        held = t["start"] <= day and ("end" not in t or t["end"] >= day)
        # Confirmed: a reported end after the date, or a source naming him within three years.
        confirmed = ("end" in t and "bound" not in t) or max(t.get("seen", t["start"]), t["start"]) >= dt.date(2015, 1, 1)
        badge = html[at:at + 600].split('<strong class="badge">', 1)[1].split("</strong>", 1)[0]
        if held and not confirmed:
            assert badge.startswith("unconfirmed since ") and badge.endswith(" on 2018-01-01"), t["h"]
        else:
            assert badge == ("in post on 2018-01-01" if held else "not in post on 2018-01-01"), t["h"]


def test_a_tenure_whose_end_is_only_a_bound_reads_by_its_last_attestation(server, store_folder) -> None:
    """The day before an upper-bound end, a holder not attested for three years is not "in
    post": the page says since when they are unconfirmed, and that the end is a bound."""
    with api.open(store_folder) as kg:
        rows = kg.sparql("""
            PREFIX dprk: <https://w3id.org/dprk-kg/ontology#> PREFIX org: <http://www.w3.org/ns/org#>
            SELECT ?h ?person ?start ?end ?seen WHERE {
              ?h dprk:endQualifier dprk:NoLaterThan ; org:member ?person ; dprk:startDate ?start ;
                 dprk:endDate ?end ; dprk:lastAttested ?seen }""")
    stale = [r for r in rows if r["seen"] > r["start"] and r["seen"].replace(year=r["seen"].year + 3) < r["end"]]
    assert stale, "the graph has upper-bound ends long after the last attestation"
    for r in stale:
        day = (r["end"] - dt.timedelta(days=1)).isoformat()
        html = page(server, f"{r['person'].removeprefix('https://w3id.org/dprk-kg')}?as_of={day}").text
        # the fact's own entry (the timeline above the lists links the tenure too)
        html = html[html.index('<ol class="facts">'):]
        html = html[html.index(f'href="{r["h"].removeprefix("https://w3id.org/dprk-kg")}"'):]
        badge = html.split('<strong class="badge">', 1)[1].split("</strong>", 1)[0]
        assert badge == f"unconfirmed since {r['seen'].isoformat()[:7]} on {day}", r["h"]
        assert f"to no later than {r['end'].isoformat()}" in html[:html.index("</li>")], r["h"]


def test_entity_pages_for_units_posts_and_sources(server) -> None:
    unit = page(server, "/id/unit/south-hamgyong").text
    assert "함경남도" in unit and "McCune–Reischauer" in unit and "Hamgyŏngnam-do" in unit
    assert "Revised Romanization" in unit and 'href="/dual-power/south-hamgyong"' in unit
    source = page(server, "/id/source/japantimes-2019-07-22-kim-votes")
    assert source.status == 200 and "Linked from" in source.text


def test_content_negotiation_gives_the_entity_as_rdf(server) -> None:
    turtle = page(server, "/id/person/kim-jong-un", accept="text/turtle")
    assert turtle.headers["content-type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=turtle.text, format="turtle")
    assert (rdflib.URIRef(KIM), rdflib.RDFS.label, rdflib.Literal("김정은", lang="ko")) in g
    jsonld = page(server, "/id/person/kim-jong-un", accept="application/ld+json")
    assert rdflib.Graph().parse(data=jsonld.text, format="json-ld").value(rdflib.URIRef(KIM), rdflib.RDFS.label)
    browser = page(server, "/id/person/kim-jong-un", accept="text/html,application/xhtml+xml,*/*;q=0.8")
    assert browser.headers["content-type"].startswith("text/html")


def test_every_label_is_text_never_markup(server) -> None:
    escaped = "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;"
    for path in ("/id/person/xss-probe", "/id/post/xss-probe", "/id/source/xss-probe",
                 "/search?q=Xss+Probe", "/dual-power",
                 "/query?" + urllib.parse.urlencode({"query": "SELECT ?l WHERE { <https://w3id.org/dprk-kg/id/person/xss-probe> ?p ?l }"})):
        html = page(server, path).text
        assert HOSTILE not in html and "<img src=x" not in html and "<b>bold</b>" not in html, path
    person = page(server, "/id/person/xss-probe").text
    assert escaped in person and "&lt;img src=x onerror=alert(2)&gt;" in person
    source = page(server, "/id/source/xss-probe").text
    assert 'href="javascript:' not in source and "javascript:alert(3)" in source  # shown, not linked
    typed = page(server, "/search?q=" + urllib.parse.quote(HOSTILE)).text
    assert HOSTILE not in typed


def test_search_by_any_spelling(server) -> None:
    def first(q: str) -> str:
        html = page(server, "/search?" + urllib.parse.urlencode({"q": q})).text
        return html.split('<ol class="hits">', 1)[1].split('href="', 1)[1].split('"', 1)[0]

    assert first("Pyeongyang") == "/id/unit/pyongyang"  # South Korean romanization
    assert first("김정은") == "/id/person/kim-jong-un"  # Hangul
    assert first("Choe Ryong Hea") == "/id/person/choe-ryong-hae"  # a typo
    assert first("Hamgyŏng-namdo") == "/id/unit/south-hamgyong"  # McCune-Reischauer
    html = page(server, "/search?q=Kim+Jong+Un").text
    assert '<span class="hit-kind">person' in html


def test_the_dual_power_overview_and_a_unit(server) -> None:
    html = page(server, "/dual-power?date=2019-07-21").text
    assert "Dual power on 2019-07-21" in html and "South Hamgyong Province" in html
    assert "Unknown" in html  # a unit whose head no source names
    # In mid-2020 South Hamgyong's chairman was last named in 2010 (his successor's first report
    # is of November 2020): the page says "unconfirmed since", not a holder.
    later = page(server, "/dual-power?date=2020-06-01").text
    stale = re.findall(r"unconfirmed since (\d{4}-\d{2}(?:-\d{2})?)", later)  # as the query says it
    assert stale and all(day < "2017-06-01" for day in stale)  # no source in the 3 years before
    assert later.count("Unconfirmed</strong>") == len(stale)
    unit = page(server, "/dual-power/south-hamgyong?date=2019-07-21").text
    assert "Party side" in unit and "State side" in unit and "Organs above" in unit
    assert 'src="/dual-power/south-hamgyong.svg?date=2019-07-21"' in unit
    assert 'href="/dual-power/hamhung?date=2019-07-21"' in unit  # the level below
    svg = page(server, "/dual-power/south-hamgyong.svg?date=2019-07-21")
    assert svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.body


def test_a_named_query_form_runs_and_downloads(server) -> None:
    form = page(server, "/queries/dual-power").text
    assert 'type="date"' in form and 'list="units"' in form and catalog.get("dual-power").summary in form
    ran = page(server, "/queries/dual-power?run=1&date=2019-07-21&unit=").text
    assert "Permalink" in ran and 'href="/id/unit/south-hamgyong"' in ran
    download = page(server, "/queries/dual-power.csv?run=1&date=2019-07-21")
    assert download.headers["content-disposition"] == 'attachment; filename="dual-power.csv"'
    assert download.text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(download.text.lstrip("\ufeff"))))
    hamgyong = next(r for r in rows if r["unit"].endswith("/south-hamgyong"))
    assert hamgyong["unit_label"] == "South Hamgyong Province"
    data = json.loads(page(server, "/queries/dual-power.json?date=2019-07-21").text)
    assert data["parameters"] == {"date": "2019-07-21"}
    assert any(r.get("unit_label") == "South Hamgyong Province" for r in data["rows"])


def test_downloads_are_safe_in_a_spreadsheet() -> None:
    from dprk_kg.web.forms import _excel_safe

    assert _excel_safe("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert _excel_safe("@SUM(1)") == "'@SUM(1)" and _excel_safe("-3.5") == "-3.5"


def test_bad_parameters_get_a_400_page_saying_what_is_wrong(server) -> None:
    cases = {
        "/id/person/kim-jong-un?as_of=yesterday": "as_of must be a date",
        "/dual-power?date=2019-13-45": "date must be a date",
        "/queries/dual-power?date=soon": "parameter date must be an xsd:date",
        "/queries/dual-power?unit=kg:unit/nowhere": "nothing in the graph is",
        "/search?q=" + "x" * 300: "at most 200",
        "/query?query=SELECT+%3Fx+WHERE+%7B": "SPARQL syntax error",
    }
    for path, says in cases.items():
        answer = page(server, path)
        assert answer.status == 400, path
        assert says in answer.text and 'role="alert"' in answer.text, path
    refused = page(server, "/query?query=DROP+ALL")
    assert refused.status == 403 and "updates are refused" in refused.text
    assert page(server, "/id/person/nobody-at-all").status == 404
    assert page(server, "/queries/no-such-query").status == 404


def test_the_query_page_renders_labels_without_javascript(server) -> None:
    query = f"SELECT ?who WHERE {{ BIND(<{KIM}> AS ?who) }}"
    html = page(server, "/query?" + urllib.parse.urlencode({"query": query})).text
    assert '<a href="/id/person/kim-jong-un">Kim Jong Un</a>' in html
    assert "PREFIX dprk: &lt;https://w3id.org/dprk-kg/ontology#&gt;" in page(server, "/query").text


def test_a_batch_added_while_serving_is_shown(tmp_path) -> None:
    folder = tmp_path / "store"
    with api.open(folder) as kg, Server(kg) as s:
        assert get(s.base + "/id/person/web-probe").status == 404
        batch = tmp_path / "probe.ttl"
        batch.write_text("""
@prefix dprk: <https://w3id.org/dprk-kg/ontology#> .
@prefix person: <https://w3id.org/dprk-kg/id/person/> .
@prefix holding: <https://w3id.org/dprk-kg/id/holding/> .
@prefix post: <https://w3id.org/dprk-kg/id/post/> .
@prefix source: <https://w3id.org/dprk-kg/id/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
person:web-probe a dprk:Person ; rdfs:label "Web Probe"@en ;
    dcterms:source source:japantimes-2019-07-22-kim-votes .
""", encoding="utf-8")
        with api.open(folder) as writer:
            outcome = writer.add([batch])
        assert outcome.batch is not None, outcome.report.to_text()
        import time

        deadline = time.monotonic() + 10
        while get(s.base + "/id/person/web-probe").status != 200:
            assert time.monotonic() < deadline, "the server never showed the added batch"
            time.sleep(0.2)
        assert "<h1>Web Probe</h1>" in get(s.base + "/id/person/web-probe").text


def test_answers_carry_a_content_security_policy(server) -> None:
    policy = page(server, "/").headers["content-security-policy"]
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy


def test_serve_listens_on_loopback_unless_told() -> None:
    command = next(c for c in cli.app.registered_commands if c.callback.__name__ == "serve")
    import inspect

    assert inspect.signature(command.callback).parameters["host"].default == "127.0.0.1"


def test_the_cli_starts_without_the_web_stack() -> None:
    code = "import sys, dprk_kg.cli; print(sorted(m for m in ('starlette', 'uvicorn', 'jinja2') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_serve_in_front_of_a_sparql_server(oxigraph_server: str, built_store: Path) -> None:
    """``dprk-kg --endpoint URL serve``: the same pages, answered by a shared server."""
    assert cli.run(["--endpoint", oxigraph_server, "--store", str(built_store), "build"]) == 0
    with api.open(built_store, oxigraph_server) as kg, Server(kg) as s:
        person = get(s.base + "/id/person/kim-jong-un").text
        assert "<h1>Kim Jong Un</h1>" in person and "General Secretary of the WPK" in person
        overview = get(s.base + "/dual-power?date=2019-07-21").text
        assert "South Hamgyong Province" in overview
        hit = get(s.base + "/search?q=" + urllib.parse.quote("김정은")).text
        assert 'href="/id/person/kim-jong-un"' in hit
        form = get(s.base + "/queries/dual-power?date=2019-07-21")
        assert form.status == 200 and 'href="/id/unit/south-hamgyong"' in form.text
        assert oxigraph_server in get(s.base + "/").text  # the footer says where answers come from
        answer = json.loads(get(s.base + "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", accept="application/json").text)
        assert answer["boolean"] is True


@pytest.mark.parametrize("workers", [1, 2])
def test_the_serve_command(built_store: Path, workers: int) -> None:
    """`dprk-kg serve` itself, as a user starts it (one process, or several workers)."""
    import time

    from conftest import _free_port

    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "dprk_kg", "--store", str(built_store), "serve",
                                "--port", str(port), "--workers", str(workers)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = get(f"http://127.0.0.1:{port}/id/person/kim-jong-un")
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "serve did not answer within 60 s"
                time.sleep(0.2)
        assert answer.status == 200 and "<h1>Kim Jong Un</h1>" in answer.text
    finally:
        process.terminate()
        process.wait(timeout=30)
