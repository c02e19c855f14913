"""Korean names: romanization variants fold to one key; matches warn, never merge."""

from __future__ import annotations

import pytest

from dprk_kg.names import likely_duplicates, name_key, read_judgements

SAME = [
    ["Kim Jong Un", "Kim Jong-un", "Kim Jŏng-ŭn", "김정은", "Gim Jeong-eun", "KIM JONG UN", "Kim Jongun"],
    ["Hamgyong", "Hamgyŏng", "함경"],
    ["North Phyongan", "North Pyongan", "North P'yŏngan", "North Pyŏngan"],
    ["Ryanggang", "Yanggang", "량강"],
    ["Ri Sol Ju", "Lee Sol-ju", "리설주", "Yi Sol Ju"],
    ["Pak Pong Ju", "Park Bong-ju", "박봉주"],
    ["Choe Ryong Hae", "Choi Ryong-hae", "최룡해"],
    ["Rodong Sinmun", "Nodong Sinmun", "로동신문"],
    ["Chagang", "Jagang", "자강"],
    ["Kaesong", "Gaesong", "Kaesŏng", "개성"],
]
DIFFERENT = [("Kim Jong Un", "Kim Jong Il"), ("Kim Jong Un", "Kim Yo Jong"),
             ("North Hamgyong", "South Hamgyong"), ("Pak Pong Ju", "Pak Thae Song"),
             ("Ryanggang", "Kangwon"),
             # Numbers are compared whole: no fold joins their digits or their groups.
             ("Kim Chol (synthetic 00042)", "Kim Chol (synthetic 00422)"),
             ("Deputy 12", "Deputy 1 2"), ("Deputy 11", "Deputy 1")]


@pytest.mark.parametrize("names", SAME, ids=lambda n: n[0])
def test_variants_share_one_key(names):
    assert len({name_key(n) for n in names}) == 1


@pytest.mark.parametrize("a, b", DIFFERENT)
def test_different_names_keep_different_keys(a, b):
    assert name_key(a) != name_key(b)


def test_homonyms_are_flagged_not_merged():
    """Two deputies named Kim Myong Sik: a warning each way, both IRIs kept."""
    found = likely_duplicates({"kg:person/kim-myong-sik-2": {"Kim Myong-sik"}},
                              {"kg:person/kim-myong-sik-1": {"Kim Myong Sik"}}, set())
    assert [(d.new, d.existing) for d in found] == [("kg:person/kim-myong-sik-2", "kg:person/kim-myong-sik-1")]


def test_a_judgement_file_silences_the_pair(tmp_path):
    path = tmp_path / "judgements.ttl"
    path.write_text("<https://w3id.org/dprk-kg/id/person/b> "
                    "<http://www.w3.org/2002/07/owl#differentFrom> "
                    "<https://w3id.org/dprk-kg/id/person/a> .\n")
    judged = read_judgements(path)
    new = {"https://w3id.org/dprk-kg/id/person/a": {"Kim Myong Sik"}}
    old = {"https://w3id.org/dprk-kg/id/person/b": {"Kim Myong-sik"},
           "https://w3id.org/dprk-kg/id/person/c": {"Kim Myŏng-sik"}}
    assert [d.existing for d in likely_duplicates(new, old, judged)] == [
        "https://w3id.org/dprk-kg/id/person/c"]


def test_a_missing_judgement_file_means_no_judgements(tmp_path):
    assert read_judgements(tmp_path / "judgements.ttl") == set()


def test_the_name_key_cache_is_rebuilt_when_the_store_changes_and_works_read_only(tmp_path):
    from dprk_kg.names import NameIndex

    entries = [("kg:a", "Kim Jong Un")]
    first = NameIndex.load(tmp_path, "stamp-1", lambda: entries)
    assert [e[0] for e in first.lookup([name_key("Kim Jŏng-ŭn")])] == ["kg:a"]
    again = NameIndex.load(tmp_path, "stamp-1", lambda: [])  # same stamp: read, not rebuilt
    assert again.lookup([name_key("Kim Jong-un")])
    changed = NameIndex.load(tmp_path, "stamp-2", lambda: [])  # new stamp: rebuilt
    assert changed.lookup([name_key("Kim Jong-un")]) == []
    readonly = tmp_path / "ro"
    readonly.mkdir()
    readonly.chmod(0o500)
    try:
        kept = NameIndex.load(readonly / "missing-dir", "s", lambda: entries)
        assert kept.lookup([name_key("Kim Jong Un")])
    finally:
        readonly.chmod(0o700)


def test_a_copied_or_moved_store_keeps_its_name_key_cache(tmp_path, capsys):
    """The cache is stamped with what the store holds, not where it lies: a copy answers from
    it at once (a stale cache costs a search of every name in the store)."""
    import shutil

    from dprk_kg import build, names

    store = tmp_path / "store"
    build.build(store)

    def stamp(folder):
        index = build.current_index(folder)
        return names.stamp_of(index.with_name(index.name + ".json"))

    assert names.NameIndex.current(store, stamp(store)) is not None
    copy = tmp_path / "elsewhere" / "store"
    shutil.copytree(store, copy, symlinks=True)
    shutil.rmtree(store)
    assert build.is_stale(copy) is False
    assert names.NameIndex.current(copy, stamp(copy)) is not None
