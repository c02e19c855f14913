"""Single facts of the base graph pinned to the source that gives them.

Each of these was once wrong in the shipped graph (issue 11, "Errors found"), or is a holder a
user asks for by name. A test here reads the fact as a user would (the holding's dates, the
claim's claimant) and checks that the source the fact names is the one that says it, so that
a later edit cannot quietly bring the error back.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS

from dprk_kg import resources
from dprk_kg.namespaces import DPRK, KG

from test_graph_content import graph  # noqa: F401  (the base graph parsed once, as a fixture)

D = rdflib.Namespace(DPRK)
K = rdflib.Namespace(KG)
SCHEMA_URL = rdflib.URIRef("https://schema.org/url")


def date_of(graph: rdflib.Graph, node: rdflib.URIRef, prop: rdflib.URIRef) -> dt.date | None:
    value = graph.value(node, prop)
    return None if value is None else value.toPython()


def sources_of(graph: rdflib.Graph, node: rdflib.URIRef) -> set[str]:
    return {str(s) for s in graph.objects(node, DCTERMS.source)}


def test_kwak_pom_gi_starts_when_kcna_first_named_him_as_yonhap_reports(graph):
    holding = K["holding/kwak-pom-gi-south-hamgyong"]
    assert date_of(graph, holding, D.startDate) == dt.date(2010, 6, 30)
    yonhap = K["source/yonhap-2010-07-08-kwak-pom-gi"]
    assert str(yonhap) in sources_of(graph, holding)
    assert graph.value(yonhap, DCTERMS.publisher) == K["organization/yonhap"]
    assert str(graph.value(yonhap, SCHEMA_URL)) == "https://en.yna.co.kr/view/AEN20100706004800325"
    assert "30 June 2010" in str(graph.value(holding, RDFS.comment))


def test_the_vice_director_of_the_ogd_is_the_appointee_ri_jong_nam(graph):
    comment = str(graph.value(K["holding/ri-jong-nam-south-hamgyong"], RDFS.comment))
    assert comment.startswith("A vice director of the Central Committee's Organization and Guidance Department, appointed")
    kim_song_il = str(graph.value(K["holding/kim-song-il-south-hamgyong"], RDFS.comment))
    assert "Organization and Guidance" not in kim_song_il
    assert str(K["source/koreaherald-2020-10-15-ri-jong-nam"]) in sources_of(graph, K["holding/ri-jong-nam-south-hamgyong"])


def test_no_nomination_of_the_2019_candidates_is_inferred_from_a_general_sentence(graph):
    """The Japan Times article says all candidates are preselected by the front; it names no
    nominator for Ju Song Ho or Jong Song Sik. The general statement stays a claim."""
    for slug in ("ju-song-ho", "jong-song-sik"):
        candidacy = K[f"candidacy/2019-local-{slug}"]
        assert (candidacy, RDF.type, D.Candidacy) in graph
        assert list(graph.subjects(D.nominated, candidacy)) == []
        assert (K[f"nomination/2019-local-{slug}"], None, None) not in graph
    claim = K["claim/freedom-house-deputies-preselected"]
    assert graph.value(claim, D.selectingBody) == K["organization/dfrf"]
    assert sources_of(graph, claim) == {str(K["source/japantimes-2019-07-22-kim-votes"])}


def test_every_nomination_names_a_nominator_its_source_reports(graph):
    """The nominations left are those a source names: Kim Jong Un's by his electors' meeting."""
    nomination = K["nomination/2014-spa-kim-jong-un"]
    assert graph.value(nomination, D.nominatedBy) == K["organization/2014-paektusan-111-electors-meeting"]
    assert sources_of(graph, nomination) == {str(K["source/kcna-2014-02-04-paektusan-111-letter"])}
    assert "decided with a unanimous approval to nominate Kim Jong Un" in str(graph.value(nomination, RDFS.comment))


def test_the_overall_responsibility_claim_is_daily_nks_own(graph):
    claim = K["claim/dailynk-provincial-secretary-overall-responsibility"]
    assert graph.value(claim, D.claimant) == K["organization/daily-nk"]
    source = graph.value(claim, DCTERMS.source)
    assert graph.value(source, DCTERMS.publisher) == K["organization/daily-nk"]
    assert (K["claim/yonhap-provincial-secretary-overall-responsibility"], None, None) not in graph


# -- who holds the first-level posts, and since when ------------------------------------------

ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
SIDES = {"state": D.PeoplesCommitteeChairman, "party": D.ChiefSecretary}

#: First-level posts for which no dated source read names a holder who is still in post: each
#: with the reason, so that a user sees the gap rather than an empty cell without explanation.
#: (unit slug, side) of first-level posts no source read names a holder of, with the reason.
#: Empty since the house-warming reports of 2024-2025 named the chairmen of Pyongyang, Nampo
#: and North Hwanghae.
UNSOURCED: dict[tuple[str, str], str] = {}


def first_level_posts(graph: rdflib.Graph):
    """(unit slug, side, post) for each of the two posts of every first-level unit."""
    for unit in graph.subjects(D.divisionLevel, D.ProvincialLevel):
        for organ in graph.subjects(D.jurisdiction, unit):
            for post in graph.subjects(ORG.postIn, organ):
                for side, cls in SIDES.items():
                    if (post, RDF.type, cls) in graph:
                        yield str(unit).rsplit("/", 1)[-1], side, post


def holdings(graph: rdflib.Graph, post: rdflib.URIRef) -> list[rdflib.URIRef]:
    return list(graph.subjects(D.post, post))


def is_open(graph: rdflib.Graph, holding: rdflib.URIRef) -> bool:
    return (graph.value(holding, D.endDate) is None
            and graph.value(holding, D.tenureStatus) != D.Ended)


def test_each_first_level_post_has_a_holder_in_post_or_is_listed_with_the_reason(graph):
    posts = list(first_level_posts(graph))
    assert len(posts) == 24, "12 first-level units, two posts each"
    for unit, side, post in posts:
        open_ = [h for h in holdings(graph, post) if is_open(graph, h)]
        if (unit, side) in UNSOURCED:
            assert not open_, f"{unit} {side} now has a holder: take it off UNSOURCED"
        else:
            assert len(open_) == 1, (unit, side, open_)


def test_every_first_level_holder_in_post_was_named_in_2024_or_later(graph):
    """"Current" needs a recent attestation: both sides of every unit (the chief secretary and
    the people's committee chairman) are attested by a source of 2024 or later."""
    for unit, side, post in first_level_posts(graph):
        if (unit, side) in UNSOURCED:
            continue
        (holding,) = [h for h in holdings(graph, post) if is_open(graph, h)]
        assert date_of(graph, holding, D.lastAttested) >= dt.date(2024, 1, 1), (unit, holding)


def test_every_open_first_level_tenure_is_last_attested_by_a_source_of_that_date(graph):
    for unit, side, post in first_level_posts(graph):
        for holding in holdings(graph, post):
            if not is_open(graph, holding):
                continue
            last = date_of(graph, holding, D.lastAttested)
            assert last is not None, f"{holding} is open but has no dprk:lastAttested"
            dated = {date_of(graph, s, DCTERMS.date) for s in graph.objects(holding, DCTERMS.source)}
            assert last in dated, f"{holding}: no source of {last} among its sources"
            assert last >= date_of(graph, holding, D.startDate), holding


def bounds(graph: rdflib.Graph, holding: rdflib.URIRef) -> tuple[dt.date, dt.date]:
    """The latest day the tenure may have begun and the earliest it may have ended: a month or
    year precision widens the date to its whole period, so that only certain overlaps count."""
    def widen(value: dt.date, precision, last: bool) -> dt.date:
        if precision == D.YearPrecision:
            return dt.date(value.year, 12, 31) if last else value.replace(month=1, day=1)
        if precision == D.MonthPrecision:
            if not last:
                return value.replace(day=1)
            nxt = value.replace(day=28) + dt.timedelta(days=4)
            return nxt - dt.timedelta(days=nxt.day)
        return value
    start = widen(date_of(graph, holding, D.startDate), graph.value(holding, D.startPrecision), True)
    end = date_of(graph, holding, D.endDate)
    if end is None:  # ended on a day no source gives: it may have ended the day it began
        ended = graph.value(holding, D.tenureStatus) == D.Ended
        return start, (date_of(graph, holding, D.startDate) if ended else dt.date.max)
    return start, widen(end, graph.value(holding, D.endPrecision), False)


def single_holder_posts(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    """Posts one person holds at a time: those typed so, and the chairman and chief secretary of
    a local organ (one whose jurisdiction is a unit below the country). A vice-premier's post
    has several holders."""
    local = {p for p in graph.objects(None, D.post)
             if any(graph.value(o, D.jurisdiction) not in (None, K["unit/dprk"]) for o in graph.objects(p, ORG.postIn))}
    return {p for _, _, p in first_level_posts(graph)} | set(graph.subjects(RDF.type, D.SingleHolderPost)) | local


def named_again(graph: rdflib.Graph, a: rdflib.URIRef, b: rdflib.URIRef) -> bool:
    """Whether ``b`` is the same man named in the post again after ``a``'s last attestation.

    No contradiction: one tenure or two, the sources do not say, and neither row may be given
    an end no source gives. A second row of the same man that begins before the first one's
    last attestation is still reported (a row written twice)."""
    last = date_of(graph, a, D.lastAttested)
    return (graph.value(a, ORG.member) == graph.value(b, ORG.member)
            and last is not None and date_of(graph, b, D.startDate) > last)


def test_no_two_tenures_of_a_single_holder_post_overlap_unless_their_sources_disagree(graph):
    posts = single_holder_posts(graph)
    assert K["post/vice-premier"] in set(graph.objects(None, D.post)) and K["post/vice-premier"] not in posts
    for post in posts:
        hs = sorted(holdings(graph, post), key=lambda h: bounds(graph, h))
        for i, a in enumerate(hs):
            for b in hs[i + 1:]:
                (sa, ea), (sb, eb) = bounds(graph, a), bounds(graph, b)
                if sa < eb and sb < ea:
                    if named_again(graph, a, b):
                        continue
                    disagree = (set(graph.objects(a, DCTERMS.source)).isdisjoint(graph.objects(b, DCTERMS.source))
                                and all("disagree" in str(graph.value(h, RDFS.comment)) for h in (a, b)))
                    assert disagree, f"{a} and {b} overlap on {post}"


def test_pak_thae_song_and_ro_pae_gwon_are_not_holders_today(graph):
    """The issue's two stale holders: each tenure ends where a source places the man elsewhere
    or names his successor, and says on which report the end rests."""
    pak = K["holding/pak-thae-song-south-phyongan"]
    assert graph.value(pak, D.tenureStatus) == D.Ended
    # Kim Tu Il is named in the post in April 2019: Pak's end is at most that day, a bound.
    assert date_of(graph, pak, D.endDate) == dt.date(2019, 4, 22)
    assert graph.value(pak, D.endQualifier) == D.NoLaterThan
    assert str(K["source/tongilnews-2019-04-22-provincial-rallies"]) in sources_of(graph, pak)
    ro = K["holding/ro-pae-gwon-south-hwanghae"]
    assert graph.value(ro, D.tenureStatus) == D.Ended
    assert str(K["source/dailynk-south-hwanghae-pak-yong-ho"]) in sources_of(graph, ro)


def test_hangul_of_new_holders_is_the_korean_sources_spelling(graph):
    for slug, hangul, source in [("pak-chang-ho", "박창호", "kcna-2025-01-11-unpha"),
                                 ("choe-yong-man", "최영만", "kcna-2025-12-16-taegwan"),
                                 ("ri-song-bom", "리성범", "vok-2025-12-18-pukchang"),
                                 ("kang-bong-hun", "강봉훈", "news1-2024-07-31-sinuiju-flood"),
                                 ("kim-chol-bom", "김철범", "vok-2025-12-20-paechon")]:
        person = K[f"person/{slug}"]
        assert rdflib.Literal(hangul, lang="ko") in set(graph.objects(person, RDFS.label))
        assert str(K[f"source/{source}"]) in sources_of(graph, person)


# -- sources a journalist can cite ---------------------------------------------------------

#: The wikis' own sites: Wikipedia and Wikinews in any language, Namuwiki, Wiki1.
WIKI_HOSTS = re.compile(r"^([a-z-]+\.(wikipedia|wikinews)\.org|namu\.wiki|wiki1\.kr)$")


def test_wiki_sources_cite_the_wikis_own_address_and_name_the_mirror_read_apart(graph):
    from urllib.parse import urlsplit
    wikis = [s for s in graph.subjects(RDF.type, D.SourceDocument)
             if graph.value(graph.value(s, DCTERMS.publisher), D.publisherKind) == D.Wiki]
    assert len(wikis) >= 31
    for source in wikis:
        url = graph.value(source, SCHEMA_URL)
        if url is None:  # a copy whose original no source names: it must say so
            assert "canonical address not seen" in str(graph.value(source, RDFS.comment)), source
            continue
        host = urlsplit(str(url)).hostname
        assert WIKI_HOSTS.match(host or ""), f"{source}: schema:url is on {host}, not the wiki's own site"
        copy = graph.value(source, D.copyRead)
        assert copy is None or str(copy) != str(graph.value(source, SCHEMA_URL)), source


def test_first_level_romanizations_tagged_mr_are_mccune_reischauer(graph):
    """The ISO page's forms ("P'yǒngan-bukto", with a caron and '-bukto') are the DPRK's, not MR."""
    mr = [(unit, label) for unit in graph.subjects(D.divisionLevel, D.ProvincialLevel)
          for label in graph.objects(unit, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#altLabel"))
          if (label.language or "").lower() == "ko-latn-x-mr"]
    assert mr, "no first-level unit has an MR label: the test would check nothing"
    for unit, label in mr:
        assert "ǒ" not in label and not str(label).endswith("-bukto"), (unit, label)
        # MR hyphenates before the direction ("Hamgyŏng-namdo"); "-do" split off is RR's habit
        assert not re.search(r"(nam|buk)-[dt]o$", str(label)), (unit, label)


FIRST_LEVEL_CAPITALS = ("pyongsong", "sinuiju", "kanggye", "haeju", "sariwon", "wonsan", "hamhung",
                        "chongjin", "hyesan")


@pytest.mark.parametrize("slug", FIRST_LEVEL_CAPITALS)
def test_a_provincial_capital_is_described_once_with_the_units_tables_names(slug):
    """The capitals are cities of the units table like the others: one file describes each, with
    the Hangul and the sources the table gives, so no statement about them counts twice."""
    import csv
    rows = {r["slug"]: r for r in csv.DictReader(
        line for line in (resources.graph_dir() / "units" / "units.csv").read_text(encoding="utf-8").splitlines()
        if not line.startswith("#"))}
    row, unit = rows[slug], K[f"unit/{slug}"]
    describing = [path.name for path in resources.graph_files()
                  if (unit, RDF.type, None) in rdflib.Graph().parse(path, format="turtle")]
    assert len(describing) == 1, describing
    graph = rdflib.Graph().parse(resources.graph_dir() / "units" / describing[0], format="turtle")
    assert rdflib.Literal(row["hangul"], lang="ko") in set(graph.objects(unit, RDFS.label))
    assert {str(s).rsplit("/", 1)[-1] for s in graph.objects(unit, DCTERMS.source)} == set(row["sources"].split())


# -- files a reviewer can read -------------------------------------------------------------

PROVINCE_FILES = sorted((resources.graph_dir() / "provinces").glob("*.ttl"))


@pytest.mark.parametrize("path", PROVINCE_FILES, ids=lambda p: p.stem)
def test_each_province_file_header_lists_the_sources_it_cites(path):
    """The header is what a reviewer reads first: it must name every source the file cites, and
    no other."""
    import re
    header, _, body = path.read_text(encoding="utf-8").partition("\n@prefix")
    listed = set(re.findall(r"source:[a-z0-9-]+", header))
    cited = set(re.findall(r"source:[a-z0-9-]+", body))
    assert listed == cited, f"{path.name}: header lacks {sorted(cited - listed)}, lists uncited {sorted(listed - cited)}"


def test_there_is_one_province_file_per_first_level_unit_and_one_for_the_country(graph):
    units = {str(u).rsplit("/", 1)[-1] for u in graph.subjects(D.divisionLevel, D.ProvincialLevel)}
    assert {p.stem for p in PROVINCE_FILES} == units | {"country"}


# -- county and city holders -----------------------------------------------------------------

def local_posts(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    """Posts of the second-level units' organs (their jurisdiction lies within a first-level unit)."""
    return {p for p in graph.objects(None, D.post)
            for o in graph.objects(p, ORG.postIn)
            if (graph.value(o, D.jurisdiction), D.divisionLevel, D.CityCountyLevel) in graph}


def source_days(graph: rdflib.Graph, source: rdflib.URIRef) -> tuple[dt.date, dt.date]:
    """The first and last day a source's date may be: a month precision covers the month."""
    day = date_of(graph, source, DCTERMS.date)
    if graph.value(source, D.datePrecision) == D.MonthPrecision:
        nxt = day.replace(day=28) + dt.timedelta(days=4)
        return day.replace(day=1), nxt - dt.timedelta(days=nxt.day)
    return day, day


def test_every_open_county_tenure_is_last_attested_by_a_source_of_that_date(graph):
    open_ones = [h for p in local_posts(graph) for h in holdings(graph, p) if is_open(graph, h)]
    assert len(open_ones) >= 12
    for holding in open_ones:
        last = date_of(graph, holding, D.lastAttested)
        assert last is not None and last >= date_of(graph, holding, D.startDate), holding
        windows = [source_days(graph, s) for s in graph.objects(holding, DCTERMS.source)]
        assert any(lo <= last <= hi for lo, hi in windows), f"{holding}: no source of {last}"


@pytest.mark.parametrize(("post", "person", "hangul", "source"), [
    ("kumya-chief-secretary", "ri-ho-bom", "리호범", "kcna-2025-02-04-kumya"),
    ("hamju-chief-secretary", "ju-chang-sok", None, "kcna-2025-01-hamju"),
    ("onchon-chief-secretary", "ryu-song-chol", None, "kcna-2025-01-21-onchon"),
    ("unchon-chief-secretary", "choe-yong-hyon", None, "kcna-2025-01-15-unchon"),
    ("unsan-north-phyongan-chief-secretary", "sin-myong-son", None, "kcna-2025-02-08-unsan"),
    ("tongsin-chief-secretary", "ri-jae-hyon", None, "vok-2025-02-tongsin"),
    ("kimhyongjik-chief-secretary", "yun-chang-sik", None, "rodong-2025-02-13-kim-hyong-jik"),
    ("koksan-chief-secretary", "kim-son-il", None, "pyongyangtimes-2025-12-22-koksan"),
    ("taegwan-chief-secretary", "ri-myong-jin", "리명진", "kcna-2025-12-16-taegwan"),
    ("yomju-chief-secretary", "kim-hyon-chol", "김현철", "vok-2025-12-26-yomju"),
    ("unpa-chief-secretary", "ri-ung-chon", "리응천", "kcna-2025-01-11-unpha"),
    ("rangrim-chief-secretary", "ri-yong-il-rangrim", "리용일", "kcna-2025-12-16-rangnim-ko"),
    ("kosan-chief-secretary", "pak-ryong-bok", None, "vok-2025-01-30-kosan"),
    ("yontan-chief-secretary", "jon-nam-chol", None, "vok-2025-01-yonthan"),
])
def test_county_chief_secretaries_are_those_the_2025_inauguration_reports_name(graph, post, person, hangul, source):
    """Each report of a county's regional-industry factories names the county's chief secretary."""
    held = [h for h in holdings(graph, K[f"post/{post}"]) if graph.value(h, ORG.member) == K[f"person/{person}"]]
    assert len(held) == 1, (post, person)
    assert K[f"source/{source}"] in set(graph.objects(held[0], DCTERMS.source))
    assert graph.value(held[0], D.tenureStatus) == D.Current
    labels = set(graph.objects(K[f"person/{person}"], RDFS.label))
    assert (rdflib.Literal(hangul, lang="ko") in labels) if hangul else not any(l.language == "ko" for l in labels)
