"""The central organs of party and state, as an analyst asks about them.

- Each body (Presidium, Politburo, Secretariat, Central Military Commission, Central
  Committee, State Affairs Commission, SPA Standing Committee, Cabinet) has members as of the
  date its sources report an election.
- Every tenure in graph/central/ cites a source and names the meeting that began it, dated no
  later than the tenure (or, appointed by decree or on a date no meeting explains, says so);
  every open one carries lastAttested, and a source of that date.
- The rosters are rows checked against their sources: the Presidium elected in January 2021
  and in February 2026, the Politburo of May 2016, the State Affairs Commission after
  29 September 2021 are as the sources list them.
- A person is found under the spellings the press uses (Choi, Lee, Park; hyphens).
- The committed Turtle is what graph/central/convert.py writes from the tables, and the
  converter refuses a bad row with its file and line; a row with status 'ended-by' writes an
  end that is only an upper bound, and is refused without an end date or a last attestation
  between the start and the bound.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from datetime import date

import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS

from dprk_kg import resources
from dprk_kg.names import name_key
from dprk_kg.namespaces import DPRK, KG

D = rdflib.Namespace(DPRK)
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
CENTRAL = resources.graph_dir() / "central"
BODY = rdflib.Namespace(KG + "organization/")
POST = rdflib.Namespace(KG + "post/")
MEETING = rdflib.Namespace(KG + "meeting/")


def load_converter():
    spec = importlib.util.spec_from_file_location("central_convert", CENTRAL / "convert.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in resources.graph_files() + resources.ontology_files():
        g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def central_tenures() -> set[rdflib.URIRef]:
    """The tenures stated in graph/central/*.ttl (the files this test covers)."""
    g = rdflib.Graph()
    for path in sorted(CENTRAL.glob("*.ttl")):
        g.parse(path, format="turtle")
    return {s for cls in (D.Membership, D.PostHolding) for s in g.subjects(RDF.type, cls)}


def as_date(literal) -> date:
    return date.fromisoformat(str(literal))


def running(graph: rdflib.Graph, tenure, on: date) -> bool:
    """The design's 'as of' rule: started by then, and not ended before (an Ended tenure
    without an end date is not placed)."""
    start = graph.value(tenure, D.startDate)
    end = graph.value(tenure, D.endDate)
    status = graph.value(tenure, D.tenureStatus)
    if start is None or as_date(start) > on:
        return False
    if end is not None:
        return as_date(end) >= on
    return status != D.Ended


def attested_since(graph: rdflib.Graph, tenure, since: date | None) -> bool:
    """An open tenure counts only if a source shows it running on or after `since`."""
    if since is None or graph.value(tenure, D.tenureStatus) == D.Ended:
        return True
    attested = graph.value(tenure, D.lastAttested)
    return attested is not None and as_date(attested) >= since


def members(graph: rdflib.Graph, body: rdflib.URIRef, on: date, role=None, since: date | None = None) -> set:
    """Persons with a membership of the body, or a holding of a post in it, running on a date
    (and, with `since`, attested on or after that date)."""
    found = set()
    for tenure in graph.subjects(ORG.organization, body):
        if (tenure, RDF.type, D.Membership) in graph and running(graph, tenure, on) \
                and attested_since(graph, tenure, since):
            if role is None or (tenure, ORG.role, role) in graph:
                found.add(graph.value(tenure, ORG.member))
    if role is None:
        for post in graph.subjects(ORG.postIn, body):
            for tenure in graph.subjects(D.post, post):
                if running(graph, tenure, on) and (since is None or graph.value(tenure, D.tenureStatus) == D.Current
                                                   or attested_since(graph, tenure, since)):
                    found.add(graph.value(tenure, ORG.member))
    return found


def hangul(graph: rdflib.Graph, persons: set) -> set[str]:
    return {str(label) for p in persons for label in graph.objects(p, RDFS.label)
            if getattr(label, "language", None) == "ko"}


# The date of an election each body's sources report, and the fewest members a user should
# then find (the sizes the sources give, or what the sources read name).
BODIES = [
    ("wpk-politburo-presidium", date(2021, 1, 10), 5),
    # 28 elected (Aju); Ri Man Gon's first membership ended on a day no source gives, no later
    # than his by-election of 10 April 2019 (Chosun Ilbo): an upper bound.
    ("wpk-politburo", date(2016, 5, 9), 27),
    ("wpk-politburo", date(2021, 1, 10), 29),
    ("wpk-secretariat", date(2021, 1, 10), 8),
    ("wpk-central-military-commission", date(2016, 5, 9), 10),
    ("wpk-central-military-commission", date(2021, 1, 10), 3),
    ("wpk-central-auditing-commission", date(2021, 1, 10), 1),
    ("wpk-central-committee", date(2016, 5, 9), 113),
    ("wpk-central-committee", date(2026, 2, 22), 11),
    ("state-affairs-commission", date(2019, 4, 11), 14),
    ("spa-standing-committee", date(2019, 4, 11), 13),
    ("cabinet", date(2021, 1, 17), 25),
]


@pytest.mark.parametrize(("body", "on", "least"), BODIES, ids=[f"{b}@{d}" for b, d, _ in BODIES])
def test_each_body_has_members_as_of_its_sourced_date(graph, body, on, least):
    assert len(members(graph, BODY[body], on)) >= least


def test_every_central_tenure_has_a_source_and_a_start_meeting_no_later_than_it(graph, central_tenures):
    assert central_tenures
    for tenure in central_tenures:
        assert any((s, RDF.type, D.SourceDocument) in graph for s in graph.objects(tenure, DCTERMS.source)), tenure
        meeting = graph.value(tenure, D.electedAt)
        if meeting is None:  # appointed by decree, or on a date no reported meeting explains
            assert graph.value(tenure, RDFS.comment) is not None, f"{tenure}: no meeting and no comment"
        else:
            assert (meeting, RDF.type, D.Meeting) in graph, tenure
            met, start = as_date(graph.value(meeting, D.startDate)), as_date(graph.value(tenure, D.startDate))
            if graph.value(tenure, D.startPrecision) == D.MonthPrecision:  # a start known to the month
                met, start = (met.year, met.month), (start.year, start.month)
            assert met <= start, tenure
        ended_at = graph.value(tenure, D.endedAt)
        if ended_at is not None:
            assert graph.value(tenure, D.endDate) is not None, tenure
            assert as_date(graph.value(ended_at, D.startDate)) <= as_date(graph.value(tenure, D.endDate)), tenure


def test_every_open_central_tenure_is_attested_by_a_source_of_that_date(graph, central_tenures):
    open_ones = [t for t in central_tenures if graph.value(t, D.tenureStatus) != D.Ended]
    assert open_ones
    for tenure in open_ones:
        attested = graph.value(tenure, D.lastAttested)
        assert attested is not None, tenure
        dates = {graph.value(s, DCTERMS.date) for s in graph.objects(tenure, DCTERMS.source)}
        assert attested in dates, f"{tenure}: no source dated {attested}"


def test_presidium_elected_in_january_2021_is_the_five_the_sources_list(graph):
    # SBS and Hankyung/Yonhap, 2021-01-11: 김정은, 최룡해, 리병철, 김덕훈, 조용원.
    elected = {graph.value(t, ORG.member) for t in graph.subjects(D.electedAt, MEETING["wpk-cc-8-1"])
               if graph.value(t, ORG.organization) == BODY["wpk-politburo-presidium"]}
    assert hangul(graph, elected) == {"김정은", "최룡해", "리병철", "김덕훈", "조용원"}


def test_presidium_as_of_march_2026_is_the_five_of_the_9th_central_committee(graph):
    # Newspim, 2026-02-24: 김정은, 박태성, 조용원, 김재룡, 리일환; 최룡해 dropped.
    now = members(graph, BODY["wpk-politburo-presidium"], date(2026, 3, 1))
    assert hangul(graph, now) == {"김정은", "박태성", "조용원", "김재룡", "리일환"}


def elected(graph: rdflib.Graph, body: str, meeting: str, role) -> set:
    """Persons a meeting elected to a body in a role, whatever became of them later."""
    return {graph.value(t, ORG.member) for t in graph.subjects(D.electedAt, MEETING[meeting])
            if graph.value(t, ORG.organization) == BODY[body] and (t, ORG.role, role) in graph}


def test_politburo_of_may_2016_has_19_members_and_9_alternates(graph):
    # Aju Business Daily, 2016-05-10.
    full = elected(graph, "wpk-politburo", "wpk-cc-7-1", D.FullMember)
    alternates = elected(graph, "wpk-politburo", "wpk-cc-7-1", D.AlternateMember)
    assert (len(full), len(alternates)) == (19, 9)
    assert {"황병서", "김기남", "최부일"} <= hangul(graph, full)
    assert {"리병철", "노광철", "리영길"} <= hangul(graph, alternates)


def test_state_affairs_commission_after_september_2021_is_the_ten_shinailbo_lists(graph):
    # Shinailbo, 2021-09-30: chairman 김정은, first vice-chairman 최룡해, vice-chairman 김덕훈,
    # members 조용원, 박정천, 오수용, 리영길, 장정남, 김성남, 김여정 (최선희 gone). The 2019
    # members who left on a date no source gives are open but last attested in 2019.
    ten = members(graph, BODY["state-affairs-commission"], date(2021, 10, 1), since=date(2021, 9, 29))
    assert hangul(graph, ten) == {"김정은", "최룡해", "김덕훈", "조용원", "박정천", "오수용",
                                  "리영길", "장정남", "김성남", "김여정"}


def holders(graph: rdflib.Graph, post: str, on: date) -> set[str]:
    """The Hangul names of the holders of a post in graph/central/ on a date."""
    return hangul(graph, {graph.value(t, ORG.member) for t in graph.subjects(D.post, POST[post])
                          if running(graph, t, on)})


@pytest.mark.parametrize(("post", "on", "names"), [
    # Hankyung (Yonhap) and NTD, 2021-01-11: 오일정 to the Military Policy Guidance Department,
    # 김성남 promoted director of the International Department.
    ("wpk-military-policy-guidance-department-director", date(2021, 1, 10), {"오일정"}),
    ("wpk-international-department-director", date(2026, 2, 20), {"김성남"}),
    # KCNA, 2022-06-24: Ri Pyong Chol elected vice-chairman again (his 2021 tenure's end is unknown).
    ("wpk-cmc-vice-chairman", date(2022, 7, 1), {"리병철"}),
    # Ilyo Seoul 2017 and a Wikipedia mirror: 최룡해 director of the Organization and Guidance
    # Department from October 2017 to 10 April 2019; KBS World 2020-02-14: 최부일 to the Military
    # Department at the plenary meeting of December 2019.
    ("wpk-organization-and-guidance-department-director", date(2018, 6, 1), {"최룡해"}),
    ("wpk-organization-and-guidance-department-director", date(2019, 6, 1), set()),
    ("wpk-military-department-director", date(2020, 1, 15), {"최부일"}),
    # Tongil News and KBS World, 2020: the department appointments of 31 December 2019.
    ("wpk-propaganda-and-agitation-department-director", date(2020, 2, 1), {"리일환"}),
    ("wpk-munitions-industry-department-director", date(2020, 2, 1), {"리병철"}),
    # Hankyoreh, 2021-02-12: 오수용 replaced 김두일 at the Economic Department in February 2021.
    ("wpk-economic-department-director", date(2021, 1, 20), {"김두일"}),
    ("wpk-economic-department-director", date(2021, 3, 1), {"오수용"}),
    # A Wikipedia mirror: 정상학 chairman of the Central Auditing Commission until June 2022;
    # Foresight (2022): 김재룡 his successor at the plenary meeting of 8-10 June 2022.
    ("wpk-cac-chairman", date(2021, 6, 1), {"정상학"}),
    ("wpk-cac-chairman", date(2022, 7, 1), {"김재룡"}),
    # The wiki's 14th Cabinet: 리용호 to 18 January 2020, then 리선권; Reuters, 2022-06-11: 최선희
    # appointed at the plenary meeting of 8-10 June 2022.
    ("minister-of-foreign-affairs", date(2019, 6, 1), {"리용호"}),
    ("minister-of-foreign-affairs", date(2021, 6, 1), {"리선권"}),
    ("minister-of-foreign-affairs", date(2023, 1, 1), {"최선희"}),
    # The wiki: 로두철 to 11 January 2020, then 김일철; Etoday, 2021-01-18: 박정근 in 김일철's place.
    ("state-planning-commission-chairman", date(2019, 6, 1), {"로두철"}),
    ("state-planning-commission-chairman", date(2020, 6, 1), {"김일철"}),
    ("state-planning-commission-chairman", date(2021, 6, 1), {"박정근"}),
    # Tongil News (2014): 홍선옥; Channel A (2023-12-22): 고길선 (정영국, elected in 2019, left on a
    # day no source gives, no later than the meeting of 21 December 2023 that names her: an upper bound).
    ("spa-standing-committee-secretary-general", date(2015, 1, 1), {"홍선옥"}),
    ("spa-standing-committee-secretary-general", date(2020, 1, 1), {"정영국"}),
    ("spa-standing-committee-secretary-general", date(2024, 1, 1), {"고길선"}),
])
def test_post_holders_as_of_a_sourced_date(graph, post, on, names):
    assert holders(graph, post, on) == names


def test_department_directors_named_in_february_2026_hold_the_post(graph):
    # SBS, 2026-02-24: 김여정, 김재룡 and 리일환 among the department directors named on 23 February
    # (departments not given); earlier directors whose end no source gives are still placed.
    assert {"김여정", "김재룡", "리일환"} <= holders(graph, "wpk-cc-department-director", date(2026, 3, 1))


def test_politburo_by_elections_of_april_2019_promote_the_alternates_the_source_names(graph):
    # Chosun Ilbo (KCNA), April 2019: 최휘, 박태덕, 김수길 and 정경택 went from alternate to member.
    promoted = elected(graph, "wpk-politburo", "wpk-cc-7-4", D.FullMember)
    assert hangul(graph, promoted) == {"김재룡", "리만건", "최휘", "박태덕", "김수길", "태형철", "정경택"}
    on = date(2019, 6, 1)
    assert {"최휘", "박태덕", "김수길", "정경택"} <= hangul(graph, members(graph, BODY["wpk-politburo"], on, D.FullMember))
    assert not {"최휘", "박태덕", "김수길", "정경택"} & hangul(
        graph, members(graph, BODY["wpk-politburo"], on, D.AlternateMember))


def test_politburo_by_elections_of_december_2019_as_hankyoreh_lists_them(graph):
    # Hankyoreh (KCNA), 2020-01-01: members 리일환, 리병철, 김덕훈; alternates 김정관, 박정천, 김형준,
    # 허철만, 리호림 (and 김일철, not yet recorded here).
    assert hangul(graph, elected(graph, "wpk-politburo", "wpk-cc-7-5", D.FullMember)) == {"리일환", "리병철", "김덕훈"}
    assert {"김정관", "박정천", "김형준", "허철만", "리호림"} <= hangul(
        graph, elected(graph, "wpk-politburo", "wpk-cc-7-5", D.AlternateMember))
    alternates = hangul(graph, members(graph, BODY["wpk-politburo"], date(2020, 2, 1), D.AlternateMember))
    assert not {"리병철", "김덕훈"} & alternates


def test_a_promotion_is_two_tenures_in_order(graph):
    """Pak Thae Song: alternate of the Politburo from May 2016, member from October 2017."""
    person = rdflib.URIRef(KG + "person/pak-thae-song")
    tenures = sorted((as_date(graph.value(t, D.startDate)), graph.value(t, ORG.role))
                     for t in graph.subjects(ORG.member, person)
                     if graph.value(t, ORG.organization) == BODY["wpk-politburo"])
    assert tenures[:2] == [(date(2016, 5, 9), D.AlternateMember), (date(2017, 10, 7), D.FullMember)]


@pytest.mark.parametrize(("spelling", "slug"), [
    ("Choi Ryong-hae", "choe-ryong-hae"), ("Park Jong-chon", "pak-jong-chon"),
    ("Lee Il-hwan", "ri-il-hwan"), ("Jeong Kyong-taek", "jong-kyong-thaek"), ("조용원", "jo-yong-won"),
    ("Choi Son Hui", "choe-son-hui"), ("Ri Seon-gwon", "ri-son-gwon"), ("Ju Seong-ho", "ju-song-ho"),
    # Dong-A Ilbo's English edition, 2017-10-10.
    ("Pak Tae Sung", "pak-thae-song"), ("An Jung Soo", "an-jong-su")])
def test_a_person_is_found_under_the_south_korean_press_spelling(graph, spelling, slug):
    found = {s for p in (RDFS.label, SKOS.altLabel) for s, label in graph.subject_objects(p)
             if str(s).startswith(KG + "person/") and name_key(str(label)) == name_key(spelling)}
    assert found == {rdflib.URIRef(KG + "person/" + slug)}


def test_every_official_with_hangul_has_it_in_revised_romanization(graph):
    """The RR form of the Hangul a source gives, so a South Korean spelling finds the person."""
    converter = load_converter()
    rows = [row for _, row in converter.read_table(converter.PEOPLE / "officials.csv")[1]
            if row["ko"] and not row["defined_in"]]
    assert len(rows) > 50
    for row in rows:
        person = rdflib.URIRef(KG + "person/" + row["slug"])
        assert rdflib.Literal(row["ko"], lang="ko") in set(graph.objects(person, RDFS.label))
        rr = {str(a) for a in graph.objects(person, SKOS.altLabel) if (a.language or "").lower() == "ko-latn-x-rr"}
        assert rr == {converter.revised_romanization(row["ko"])}, person


def test_no_statement_of_the_central_files_is_made_again_in_another_file():
    """Each file loads into its own named graph and queries run over their union, where a
    statement made in two files counts twice: a person or an election described both here and
    in another engineer's file would give every non-DISTINCT query duplicate rows."""
    ours = sorted(CENTRAL.glob("*.ttl")) + sorted((CENTRAL.parent / "people").glob("*.ttl")) \
        + [CENTRAL.parent / "people.ttl"]
    ours_triples, twice = {}, []
    for path in ours:
        for triple in rdflib.Graph().parse(path, format="turtle"):
            if triple in ours_triples:
                twice.append((path.name, ours_triples[triple], triple))
            ours_triples.setdefault(triple, path.name)
    for path in resources.graph_files():
        if path in ours:
            continue
        for triple in rdflib.Graph().parse(path, format="turtle"):
            if triple in ours_triples:
                twice.append((path.name, ours_triples[triple], triple))
    assert twice == []


def test_converter_reproduces_the_committed_turtle():
    converter = load_converter()
    assert converter.main(["--check"]) == 0


def test_converter_refuses_a_bad_row_with_its_file_and_line(tmp_path):
    converter = load_converter()
    table = tmp_path / "sac.csv"
    shutil.copy(CENTRAL / "sac.csv", table)
    lines = table.read_text(encoding="utf-8").splitlines()
    header_end = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    bad = header_end + 2  # the first data row, 1-based
    lines[bad - 1] = lines[bad - 1].replace("2019-04-11", "11 April 2019", 1)
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(converter.RowError, match=rf"sac\.csv:{bad}: start must be a date"):
        converter.tenures(table, converter.english_labels())
    assert not table.with_suffix(".ttl").exists()


def test_spa_standing_committee_of_the_13th_spa_is_the_list_tongil_news_gives(graph):
    # Tongil News, April 2014 (전용남, of the same name as a party-side official, left out),
    # with the chairman 김영남 (graph/national.ttl); China News Service, 2017-04-12: 김완수 and 리명길
    # relieved, 장춘실 and 박명철 appointed on 11 April 2017.
    elected = {"김영남", "양형섭", "김영대", "김영주", "최영림", "홍선옥", "김양건", "태종수", "현상주",
               "김정순", "류미영", "강명철", "강수린", "전경남"}
    assert hangul(graph, members(graph, BODY["spa-standing-committee"], date(2014, 4, 10))) == elected | {"리명길", "김완수"}
    # 김양건 was dead by 30 December 2015, when KCNA announced his state funeral (Kukmin Ilbo);
    # 류미영 died a member on 23 November 2016 (Yonhap; Newsis quoting KCNA's obituary).
    assert hangul(graph, members(graph, BODY["spa-standing-committee"], date(2016, 11, 23))) >= {"류미영"}
    assert hangul(graph, members(graph, BODY["spa-standing-committee"], date(2018, 1, 1))) == \
        (elected - {"김양건", "류미영"}) | {"장춘실", "박명철"}


def test_kim_yang_gon_funeral_committee_is_the_list_nocut_news_prints(graph):
    # Nocut News reprints KCNA's list of 30 December 2015: chairman 김정은 and 69 members in order.
    printed = set("""김영남 황병서 박봉주 김기남 최룡해 최태복 박영식 리영길 양형섭 강석주 리용무 오극렬 김원홍 곽범기
        오수용 김평해 최부일 로두철 조연준 임철웅 김덕훈 김용진 리무영 리철만 김영대 류미영 리일환 리만건 김만성
        최상건 리영래 김정임 김중협 홍인범 김경옥 최휘 리병철 김용수 전일춘 정명학 김히택 전경남 서홍찬 노광철
        림광일 조남진 렴철성 조경철 윤동현 김형룡 김영철 오금철 태종수 김수길 박태성 김능오 전승훈 박영호 박태덕
        김재룡 박정남 리상원 강양모 림경만 김완수 원동연 리종혁 김진국 박진식""".split())
    assert len(printed) == 69
    committee = BODY["kim-yang-gon-funeral-committee"]
    assert hangul(graph, members(graph, committee, date(2015, 12, 30))) == printed | {"김정은"}
    assert not members(graph, committee, date(2016, 1, 1))


def test_yon_hyong_muk_funeral_committee_is_the_list_tongil_news_prints_as_far_as_it_goes(graph):
    # Tongil News reprints KCNA's list of 23 October 2005 (chairman 조명록, 49 in all); the copy read
    # breaks off after 리재일, the 25th member, so these 26 are all the graph can name.
    printed = set("""조명록 김영남 박봉주 김영춘 김일철 전병호 리용무 최태복 양형섭 최영림 김기남 김중린 홍성남 곽범기
        로두철 전승훈 김영대 류미영 백세봉 박용석 박남기 리광호 채희정 리용철 리제강 리재일""".split())
    assert len(printed) == 26
    committee = BODY["yon-hyong-muk-funeral-committee"]
    assert hangul(graph, members(graph, committee, date(2005, 10, 23))) == printed
    assert not members(graph, committee, date(2005, 10, 25))


# -- status 'ended-by': an end that is only an upper bound (docs/design.md) ------------------------

#: The SAC row of No Kwang Chol (recalled on 12 April 2020), its cells to be changed per test.
BOUND_ROW = {"end": "2020-04-12", "end_precision": "", "status": "ended-by", "last_attested": "2019-04-12"}


def sac_table_with(tmp_path, **cells) -> tuple[object, int]:
    """A copy of sac.csv whose No Kwang Chol row has the cells given, and that row's line."""
    converter = load_converter()
    table = tmp_path / "sac.csv"
    shutil.copy(CENTRAL / "sac.csv", table)
    header, rows = converter.read_table(table)
    number, row = next((n, r) for n, r in rows if r["person"] == "no-kwang-chol" and r["body"])
    row = {**row, **BOUND_ROW, **cells}
    lines = table.read_text(encoding="utf-8").splitlines()
    columns = next(line for line in lines if not line.startswith("#")).split(",")
    lines[number - 1] = ",".join('"' + row[c].replace('"', '""') + '"' for c in columns)
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return table, number


def test_an_ended_by_row_writes_an_upper_bound_end_with_its_last_attestation(tmp_path):
    converter = load_converter()
    table, _ = sac_table_with(tmp_path)
    g = rdflib.Graph().parse(data=converter.tenures(table, converter.english_labels()).text, format="turtle")
    tenure = rdflib.URIRef(KG + "membership/state-affairs-commission-no-kwang-chol-2019-04-11")
    assert g.value(tenure, D.tenureStatus) == D.Ended
    assert g.value(tenure, D.endQualifier) == D.NoLaterThan
    assert str(g.value(tenure, D.endDate)) == "2020-04-12"
    assert str(g.value(tenure, D.lastAttested)) == "2019-04-12"
    assert "to no later than 2020-04-12" in str(g.value(tenure, RDFS.label))
    # an ordinary ended row writes no qualifier
    table, _ = sac_table_with(tmp_path, status="ended")
    g = rdflib.Graph().parse(data=converter.tenures(table, converter.english_labels()).text, format="turtle")
    assert g.value(tenure, D.endQualifier) is None


def test_an_ended_by_row_within_the_month_of_an_imprecise_bound_is_accepted(tmp_path):
    converter = load_converter()
    table, _ = sac_table_with(tmp_path, end="2020-04-01", end_precision="month", last_attested="2020-04-10")
    assert "dprk:NoLaterThan" in converter.tenures(table, converter.english_labels()).text


@pytest.mark.parametrize(("cells", "message"), [
    ({"end": "", "end_precision": ""}, "status 'ended-by' needs an end date"),
    ({"last_attested": ""}, "status 'ended-by' needs last_attested"),
    ({"last_attested": "2020-04-13"}, "last_attested 2020-04-13 is after the upper bound 2020-04-12"),
    ({"end": "2020-04-01", "end_precision": "month", "last_attested": "2020-05-01"},
     "last_attested 2020-05-01 is after the upper bound 2020-04-01"),
    ({"last_attested": "2019-04-10"}, "last_attested 2019-04-10 is before the start 2019-04-11"),
    ({"status": "end-unknown"}, "an end date needs status 'ended' or 'ended-by'"),
], ids=["no-end", "no-last-attested", "attested-after-bound", "attested-after-month-bound",
        "attested-before-start", "end-date-on-an-open-tenure"])
def test_converter_refuses_an_upper_bound_row_it_cannot_write(tmp_path, cells, message):
    converter = load_converter()
    table, number = sac_table_with(tmp_path, **cells)
    with pytest.raises(converter.RowError, match=rf"sac\.csv:{number}: {message}"):
        converter.tenures(table, converter.english_labels())
    assert not table.with_suffix(".ttl").exists()
