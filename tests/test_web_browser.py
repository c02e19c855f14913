"""The explorer in a real headless Chromium: every page kind, with no console error, no
request leaving the machine, every control reachable by keyboard, and axe-core finding no
serious or critical accessibility violation.

Every request the browser makes is logged; one to any host but the test's server fails the
test (and is blocked, so nothing leaves even then). Set DPRK_KG_SCREENSHOTS=1 to rewrite the
README's pictures in docs/img/ from these pages; otherwise the suite writes nothing there.
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

import pytest

from dprk_kg import api
from web_support import HOSTILE, Server, axe_source, hostile_store

from test_html_browser import browser  # noqa: F401  (the same headless Chromium, skipped where absent)

pytestmark = pytest.mark.slow
IMAGES = Path(__file__).resolve().parent.parent / "docs" / "img"
SCREENSHOTS = os.environ.get("DPRK_KG_SCREENSHOTS") == "1"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with api.open(hostile_store(tmp_path_factory.mktemp("browser") / "store")) as kg, Server(kg) as s:
        yield s


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_source()


class Visit:
    """A browser tab on the test server that records requests, console errors and dialogs."""

    def __init__(self, browser, server, tmp_path: Path) -> None:
        self.server = server
        # bypass_csp lets the test add axe-core to the page; the policy itself is tested over
        # HTTP, and the request log below holds without it.
        self.context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True,
                                           bypass_csp=True)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.context.route("**/*", self._only_the_server)

    def _only_the_server(self, route) -> None:
        if route.request.url.startswith(self.server.base + "/"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, path: str) -> None:
        self.page.goto(self.server.base + path)
        self.page.wait_for_load_state("networkidle")

    def check(self, axe: str) -> None:
        """No console error, nothing asked of another host, no dialog, no serious a11y issue."""
        assert self.errors == [], self.errors
        assert self.outside == [], f"requests left the machine: {self.outside}"
        assert self.dialogs == [], f"a script ran: {self.dialogs}"
        self.page.add_script_tag(content=axe)
        found = self.page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                                   ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                                   ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))")
        assert found == [], found

    def tab_to(self, selector: str, limit: int = 80) -> None:
        """Press Tab until ``selector`` has the focus (fails if it never gets it)."""
        self.page.locator("body").focus()
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if self.page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} cannot be reached with the keyboard")

    def submit(self, selector: str) -> None:
        """Tab to the button ``selector``, press Enter, and wait for the next page."""
        self.tab_to(selector)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.page.wait_for_load_state("networkidle")

    def shoot(self, name: str) -> None:
        if SCREENSHOTS:
            self.page.screenshot(path=str(IMAGES / name), full_page=False)


@pytest.fixture
def visit(browser, server, tmp_path):
    opened = Visit(browser, server, tmp_path)
    yield opened
    opened.context.close()


def test_search_in_three_spellings_by_keyboard(visit, axe) -> None:
    visit.open("/")
    visit.tab_to("#home-search")
    visit.page.keyboard.type("Pyeongyang")  # South Korean romanization
    visit.submit(".big-search button")
    assert visit.page.locator(".hits a").first.get_attribute("href") == "/id/unit/pyongyang"
    visit.check(axe)
    for typed, expected in (("김정은", "/id/person/kim-jong-un"), ("Choe Ryong Hea", "/id/person/choe-ryong-hae")):
        visit.page.fill("#page-search", typed)
        visit.page.press("#page-search", "Enter")
        visit.page.wait_for_load_state("networkidle")
        assert visit.page.locator(".hits a").first.get_attribute("href") == expected, typed
    visit.check(axe)


def test_an_entity_page_with_sources_and_as_of(visit, axe) -> None:
    visit.open("/id/post/south-hamgyong-chief-secretary")
    tenures = visit.page.locator("ol.facts li.fact")
    assert tenures.count() >= 2 and tenures.first.locator("ul.sources a", has_text="canonical URL").count() >= 1
    visit.page.locator("h2", has_text="Tenures").scroll_into_view_if_needed()
    visit.shoot("serve-entity.png")
    visit.check(axe)
    visit.open("/id/unit/south-hamgyong")
    assert visit.page.locator("h1").inner_text() == "South Hamgyong Province"
    assert visit.page.get_by_text("함경남도").count() >= 1
    visit.tab_to("#as_of")
    visit.page.fill("#as_of", "2019-07-21")
    visit.submit(".as-of button")
    assert "as_of=2019-07-21" in visit.page.url
    visit.check(axe)


def test_a_person_timeline_party_above_state_below(visit, axe) -> None:
    visit.open("/id/person/kim-jong-un")
    axis = float(visit.page.locator(".timeline line.axis").first.get_attribute("y1"))
    party = [float(y) for y in visit.page.locator(".bar.party rect").evaluate_all("rs => rs.map(r => r.getAttribute('y'))")]
    state = [float(y) for y in visit.page.locator(".bar.state rect").evaluate_all("rs => rs.map(r => r.getAttribute('y'))")]
    assert party and state and max(party) < axis < min(state)
    visit.page.locator("#timeline").scroll_into_view_if_needed()
    visit.shoot("serve-timeline.png")
    visit.check(axe)


def test_the_hostile_labels_render_as_text(visit, axe) -> None:
    visit.open("/id/person/xss-probe")
    assert HOSTILE in visit.page.locator("h1").inner_text()
    assert visit.page.locator("h1 script").count() == 0 and visit.page.locator("img[src=x]").count() == 0
    visit.open("/search?q=" + urllib.parse.quote("Xss Probe"))
    visit.check(axe)


def test_a_named_query_form_and_its_download(visit, axe) -> None:
    visit.open("/queries/dual-power")
    visit.tab_to("#p-date")
    visit.page.fill("#p-date", "2019-07-21")
    visit.submit(".params button[type=submit]")
    assert visit.page.locator("table.results a[href='/id/unit/south-hamgyong']").count() >= 1
    with visit.page.expect_download() as info:
        visit.page.get_by_text("Download CSV").click()
    download = info.value
    assert download.suggested_filename == "dual-power.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("unit,unit_label,")
    visit.open(visit.page.url.replace(visit.server.base, ""))  # the permalink gives the same rows
    assert visit.page.locator("table.results tbody tr").count() >= 1
    visit.check(axe)


def test_the_dual_power_overview_and_a_unit(visit, axe) -> None:
    visit.open("/dual-power?date=2019-07-21")
    assert visit.page.locator("li.unit").count() >= 9
    assert visit.page.locator(".head.unknown").count() >= 1
    visit.shoot("serve-overview.png")
    visit.check(axe)
    visit.page.locator("li.unit h2 a", has_text="South Hamgyong").click()
    visit.page.wait_for_load_state("networkidle")
    image = visit.page.locator(".diagram img")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    visit.check(axe)


def test_the_query_editor(visit, axe) -> None:
    visit.open("/query")
    visit.page.wait_for_function("() => window.dprkEditor !== undefined")
    assert "PREFIX dprk:" in visit.page.evaluate("() => window.dprkEditor.getValue()")
    visit.page.select_option("#example", "dual-power")
    assert "?_date_xsd_date" in visit.page.evaluate("() => window.dprkEditor.getValue()")
    visit.page.evaluate("() => window.dprkEditor.setValue('SELECT ?who WHERE { BIND(<https://w3id.org/dprk-kg/id/person/kim-jong-un> AS ?who) }')")
    visit.submit("#query-form button[type=submit]")
    assert visit.page.locator("table.results a", has_text="Kim Jong Un").count() == 1
    visit.check(axe)
