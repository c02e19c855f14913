"""The HTML export in a real headless Chromium, with the network off.

Runs wherever Debian's chromium is installed; skipped only when it is absent and we are not in
CI (in CI, CI=true, a missing browser is a failure, not a skip).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from dprk_kg import export
from export_support import fixture_store, iri

CHROMIUM = (os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
            or "/usr/bin/chromium")
HOSTILE = "<img src=x onerror=alert(1)>"

if not Path(CHROMIUM).exists() and os.environ.get("CI") != "true":
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-default-apps", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


class Opened:
    """A page showing one exported file, recording every request and every dialog."""

    def __init__(self, browser, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.context = browser.new_context(offline=True)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.blocked: list[str] = []
        self.context.route("**/*", self._only_the_file)  # nothing may leave the machine
        self.page.goto(self.url)
        self.page.wait_for_function("() => window.dprkViewer !== undefined")

    def _only_the_file(self, route) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def opened(browser, tmp_path):
    pages: list[Opened] = []

    def open_export(view: str = "full", *files: str, extra: str = "", **options) -> Opened:
        store = fixture_store(*(files or ("dual.ttl", "xss.ttl")), extra=extra)
        path = export.export_store(store, "html", tmp_path / f"{view}.html", view=view, **options)
        pages.append(Opened(browser, path))
        return pages[-1]

    yield open_export
    for page in pages:
        page.close()


def test_loads_offline_and_shows_every_node(opened):
    page = opened("full")
    shown = page.js("() => window.dprkViewer.shown()")
    assert iri("unit/south-hamgyong") in shown and iri("person/hostile") in shown
    assert page.page.locator("#status").text_content().startswith(f"{len(shown)} shown of {len(shown)} nodes")
    assert page.requests == [page.url] and page.blocked == [], "the page asked for something besides itself"
    assert page.errors == []
    # the canvas is drawn: some pixels are not white
    painted = page.js("""() => { const c = document.getElementById('canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] < 250 || d[i+1] < 250 || d[i+2] < 250) n++; return n; }""")
    assert painted > 500


@pytest.mark.parametrize("query", ["함경남도", "hamgyongnamdo", "Hamgyŏng-namdo", "south hamgyong"])
def test_search_finds_a_unit_by_any_of_its_names(opened, query):
    page = opened("dual-power", as_of="2021-01-01")
    page.page.fill("#search", query)
    results = page.page.locator("#results button")
    assert "South Hamgyong" in results.all_text_contents()
    results.filter(has_text=re.compile("^South Hamgyong$")).click()
    info = page.page.locator("#info")
    assert info.locator("h2").text_content() == "South Hamgyong"
    assert "KP-08" in info.text_content() and "Report one" in info.text_content()
    assert info.locator("a").first.get_attribute("href") == "https://example.org/one"


def test_clicking_a_node_on_the_canvas_shows_its_facts(opened):
    page = opened("dual-power", as_of="2021-01-01")
    page.js("id => window.dprkViewer.select(id)", iri("person/person-c"))  # centres it
    box = page.page.locator("#canvas").bounding_box()
    page.js("() => document.getElementById('info').replaceChildren()")
    page.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.page.locator("#info h2").text_content() == "Person C"
    relations = page.page.locator("#info li").all_text_contents()
    assert any("held by" in r and "Chief Secretary" in r for r in relations)


def test_pan_and_zoom_move_the_drawing(opened):
    page = opened("dual-power", as_of="2021-01-01")
    canvas = page.page.locator("#canvas")
    before = canvas.screenshot()
    box = canvas.bounding_box()
    page.page.mouse.move(box["x"] + 20, box["y"] + 20)
    page.page.mouse.wheel(0, -400)
    zoomed = canvas.screenshot()
    page.page.mouse.down()
    page.page.mouse.move(box["x"] + 220, box["y"] + 120, steps=5)
    page.page.mouse.up()
    assert len({before, zoomed, canvas.screenshot()}) == 3


def test_filter_by_type_hides_and_shows_nodes(opened):
    page = opened("full")
    total = len(page.js("() => window.dprkViewer.shown()"))
    page.page.locator("#filters label", has_text="source").locator("input").uncheck()
    shown = page.js("() => window.dprkViewer.shown()")
    assert iri("source/one") not in shown and len(shown) < total
    page.page.locator("#filters label", has_text="source").locator("input").check()
    assert len(page.js("() => window.dprkViewer.shown()")) == total


def test_an_injected_label_shows_as_text_and_never_runs(opened):
    page = opened("full")
    page.page.fill("#search", "img src")
    result = page.page.locator("#results button")
    assert result.all_text_contents() == [HOSTILE]
    result.first.click()
    assert page.page.locator("#info h2").text_content() == HOSTILE
    assert "</script><script>alert(2)</script>" in page.page.locator("#info").text_content()  # as text
    assert page.js("() => document.querySelectorAll('img').length") == 0
    assert page.dialogs == [] and page.errors == [] and page.blocked == []


def test_a_large_graph_starts_collapsed_by_type_and_level(opened, monkeypatch):
    monkeypatch.setattr(export, "COLLAPSE_THRESHOLD", 10)
    page = opened("full")
    shown = page.js("() => window.dprkViewer.shown()")
    assert shown and all(s.startswith("group:") for s in shown)
    assert "group:unit · provincial" in shown
    found = page.js("q => window.dprkViewer.search(q)", "North Hamgyong")
    page.js("id => window.dprkViewer.select(id)", found[0])
    shown = page.js("() => window.dprkViewer.shown()")
    assert iri("unit/north-hamgyong") in shown and "group:unit · provincial" not in shown
    page.page.click("#expand-all")
    assert not [s for s in page.js("() => window.dprkViewer.shown()") if s.startswith("group:")]


def test_a_graph_of_hundreds_of_nodes_opens_grouped_and_expands(opened):
    members = "\n".join(
        f"<{iri(f'person/p{i}')}> a dprk:Person ; rdfs:label \"Member {i}\"@en .\n"
        f"<{iri(f'membership/m{i}')}> a dprk:Membership ; org:member <{iri(f'person/p{i}')}> ; "
        f"org:organization <{iri('org/wpk-cc')}> ; dprk:startDate \"2016-05-09\"^^xsd:date ; "
        "dprk:tenureStatus dprk:EndUnknown ." for i in range(400))
    page = opened("full", extra=members)
    assert len(page.js("() => window.dprkViewer.shown()")) < 50  # past the threshold: grouped
    page.page.click("#expand-all")
    shown = page.js("() => window.dprkViewer.shown()")
    assert len(shown) > 800 and iri("person/p399") in shown and page.errors == []
    assert page.js("q => window.dprkViewer.search(q)", "Member 399") == [iri("person/p399")]


def _overlap(a: dict, b: dict) -> bool:
    return abs(a["x"] - b["x"]) * 2 < a["w"] + b["w"] and abs(a["y"] - b["y"]) * 2 < a["h"] + b["h"]


def test_the_layered_layout_keeps_party_and_state_apart_and_no_labels_collide(opened):
    page = opened("dual-power", as_of="2021-01-01")
    assert page.js("() => window.dprkViewer.layered()") is True
    boxes = page.js("() => window.dprkViewer.boxes()")
    assert set(boxes) == set(page.js("() => window.dprkViewer.shown()"))
    party = [b for b in boxes.values() if b["side"] == "party"]
    state = [b for b in boxes.values() if b["side"] == "state"]
    assert party and state
    left, right = sorted([party, state], key=lambda side: min(b["x"] for b in side))
    assert max(b["x"] + b["w"] / 2 for b in left) < min(b["x"] - b["w"] / 2 for b in right)
    values = list(boxes.values())  # each label is drawn inside its box: no two boxes overlap
    assert not [(a, b) for i, a in enumerate(values) for b in values[i + 1:] if _overlap(a, b)]
    assert page.errors == []


def test_citations_read_publisher_title_date_and_link_and_no_raw_type_names(opened):
    page = opened("dual-power", as_of="2021-01-01")
    page.js("id => window.dprkViewer.select(id)", iri("unit/south-hamgyong"))
    link = page.page.locator("#info a").first
    assert link.text_content() == "State Agency, Report one, 2019-07-22"
    assert link.get_attribute("href") == "https://example.org/one"
    for node in page.js("() => window.dprkViewer.shown()"):
        page.js("id => window.dprkViewer.select(id)", node)
        text = page.page.locator("#info").text_content()
        assert "dprk:" not in text and "org:" not in text, node


def test_long_urls_wrap_inside_the_panel(opened):
    long = "https://example.org/" + "a-very-long-path-segment/" * 12
    page = opened("full", extra=f'<{iri("source/long")}> a dprk:SourceDocument ; dcterms:title "Long" ; '
                                f'schema:url "{long}"^^xsd:anyURI .')
    page.js("id => window.dprkViewer.select(id)", iri("source/long"))
    info = page.page.locator("#info")
    assert page.js("() => { const i = document.getElementById('info'); return i.scrollWidth <= i.clientWidth; }")
    assert long in info.text_content()


def test_the_as_of_control_hides_what_had_ended(opened):
    page = opened("person", person="Person A")
    holding = iri("holding/a-chairman")
    assert holding in page.js("() => window.dprkViewer.shown()")  # no date: every fact
    page.page.fill("#as-of", "2021-01-01")
    page.page.locator("#as-of").dispatch_event("change")
    shown = page.js("() => window.dprkViewer.shown()")
    assert holding not in shown and iri("membership/a-cc") in shown
    page.page.click("#all-dates")
    assert holding in page.js("() => window.dprkViewer.shown()")
