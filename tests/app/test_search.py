"""Map search (app.search): ranking, kinds, positions, people on the small demo district."""

from __future__ import annotations

import numpy as np
import pytest

from app.map.layers import district_frame
from app.privacy.demo import pseudonym, set_demo_mode
from app.search import KINDS, Haystack, Rank, add_cases, build_index


@pytest.fixture(scope="module")
def index(store):
    set_demo_mode(False)
    try:
        return build_index(store, district_frame(store))
    finally:
        set_demo_mode(None)


def test_haystack_exact_prefix_and_substring():
    h = Haystack.of(["AB12", "ab1", "xab1", "", "c\nd", "ab1ab1"])
    assert len(h) == 6
    assert h.entry(4) == "c d"  # a newline inside a value cannot split it
    assert h.exact("ab1") == 1
    assert h.exact("ab") is None
    assert h.prefix("ab1", 10) == [0, 1, 5]
    assert h.substring("ab1", 10) == [2]  # rows starting with it are prefix hits
    assert h.prefix("zz", 10) == [] and h.first("zz") == -1
    assert h.prefix("ab", 2) == [0, 1]  # stops at the limit


def test_every_kind_is_indexed(index, store):
    counts = index.counts()
    assert set(counts) == set(KINDS)
    assert counts["grid"] == store.scalar("SELECT count(*) FROM grid_units WHERE level = 4")
    assert counts["case"] == store.scalar("SELECT count(*) FROM cases")
    assert counts["building"] == store.scalar("SELECT count(*) FROM buildings")


def test_exact_code_before_code_prefix_before_name(index, store):
    code, name = store.rows("SELECT code, name FROM grid_units WHERE level = 2 "
                            "ORDER BY code LIMIT 1")[0]
    hits = index.search(code)
    assert (hits[0].kind, hits[0].code, hits[0].name, hits[0].rank) == \
        ("street", code, name, Rank.EXACT_CODE)
    assert hits[1].rank == Rank.CODE_PREFIX and hits[1].kind == "community"
    assert all(h.code.startswith(code) for h in hits[1:] if h.rank == Rank.CODE_PREFIX)
    ranks = [h.rank for h in hits]
    assert ranks == sorted(ranks)
    assert hits[0].place == store.scalar(
        "SELECT p.name FROM grid_units g JOIN grid_units p ON p.id = g.parent_id "
        "WHERE g.code = ?", [code])


def test_name_prefix_before_substring_and_kind_shown(index, store):
    community = store.scalar("SELECT name FROM grid_units WHERE level = 3 ORDER BY code LIMIT 1")
    stem = community[:2]
    hits = index.search(stem)
    assert hits, stem
    ranks = [h.rank for h in hits]
    assert ranks == sorted(ranks)
    prefix = [h for h in hits if h.rank == Rank.NAME_PREFIX]
    assert prefix and all(h.name.startswith(stem) for h in prefix)
    assert prefix[0].kind == "community"  # a community before its grids and buildings
    assert all(stem in (h.name + h.code) for h in hits)


def test_case_code_exact_and_case_ignored(index, store):
    case_id, code, lon, lat = store.rows("SELECT id, code, lon, lat FROM cases "
                                         "ORDER BY id LIMIT 1 OFFSET 77")[0]
    for query in (code, code.lower(), f"  {code} "):
        hit = index.search(query)[0]
        assert (hit.kind, hit.id, hit.code, hit.rank) == ("case", case_id, code, Rank.EXACT_CODE)
    x, y = district_frame(store).from_lonlat(lon, lat)
    assert hit.x == pytest.approx(float(x), abs=1e-6) and hit.y == pytest.approx(float(y), abs=1e-6)
    assert hit.place  # the grid it is in


@pytest.mark.parametrize("kind, sql", [
    ("camera", "SELECT id, code FROM cameras ORDER BY id LIMIT 1 OFFSET 5"),
    ("worker", "SELECT id, code FROM workers ORDER BY id LIMIT 1 OFFSET 5"),
])
def test_coded_things_by_code(index, store, kind, sql):
    thing_id, code = store.rows(sql)[0]
    hit = index.search(code)[0]
    assert (hit.kind, hit.id, hit.rank) == (kind, thing_id, Rank.EXACT_CODE)


@pytest.mark.parametrize("kind, table", [("building", "buildings"), ("merchant", "merchants"),
                                         ("camera", "cameras")])
def test_named_things_by_name(index, store, kind, table):
    thing_id, name = store.rows(f"SELECT id, name FROM {table} WHERE name IS NOT NULL "
                                f"ORDER BY id LIMIT 1 OFFSET 3")[0]
    hits = index.search(name, limit=500)
    assert any(h.kind == kind and h.id == thing_id and h.name == name for h in hits)


def test_workers_by_pseudonym_in_demo_mode_and_never_by_phone(store):
    worker_id, name, phone = store.rows("SELECT id, name, phone FROM workers "
                                        "ORDER BY id LIMIT 1 OFFSET 9")[0]
    set_demo_mode(True)
    try:
        demo = build_index(store, district_frame(store))
    finally:
        set_demo_mode(None)
    assert demo.demo
    assert not any(h.kind == "worker" and h.name == name for h in demo.search(name, 500))
    shown = demo.search(pseudonym(name), 500)
    assert any(h.kind == "worker" and h.id == worker_id for h in shown)
    assert all(h.name != name for h in shown if h.kind == "worker")
    set_demo_mode(False)
    try:
        plain = build_index(store, district_frame(store))
    finally:
        set_demo_mode(None)
    assert any(h.kind == "worker" and h.id == worker_id for h in plain.search(name, 500))
    assert not [h for h in plain.search(phone, 500) if h.kind == "worker"]
    for digits in (phone[-4:], phone[:7]):  # found only where a code or name holds them
        assert all(digits in h.code + h.name for h in plain.search(digits, 500))


def test_cases_added_after_the_build_are_found(store):
    index = build_index(store, district_frame(store))
    table = next(t for t in index.tables if t.kind == "case")
    keep = table.ids < np.sort(table.ids)[-3]  # as if the last three came later
    late_ids = table.ids[~keep]
    index.tables.remove(table)
    codes = [table.codes.entry(i) for i in np.flatnonzero(keep)]
    from app.search import KindTable

    index.tables.append(KindTable("case", table.ids[keep], table.lon[keep], table.lat[keep],
                                  table.grid_ids[keep], Haystack.of(codes), None))
    late_code = store.scalar("SELECT code FROM cases WHERE id = ?", [int(late_ids[0])])
    assert not [h for h in index.search(late_code) if h.rank == Rank.EXACT_CODE]
    assert add_cases(index, store, [int(i) for i in late_ids] + [int(table.ids[0])]) == 3
    assert add_cases(index, store, late_ids) == 0
    hit = index.search(late_code)[0]
    assert (hit.kind, hit.id, hit.rank) == ("case", int(late_ids[0]), Rank.EXACT_CODE)


def test_nothing_for_blank_or_unknown(index):
    assert index.search("") == [] and index.search("   ") == []
    assert index.search("没有这个地方zz") == []


def test_many_codes_of_one_width_are_binary_searched_like_a_scan(monkeypatch):
    import app.search as search

    rng = np.random.default_rng(3)
    codes = [f"AJ2026{int(n):08d}" for n in rng.choice(10**8, 30_000, replace=False)]
    keyed = Haystack.of(codes)  # shuffled: sorted through an order array
    assert keyed.keys is not None and keyed.order is not None
    monkeypatch.setattr(search, "KEYED_FROM", 10**9)
    scanned = Haystack.of(codes)
    assert scanned.keys is None
    some = codes[1234]
    for q in (some.lower(), some[:9].lower(), "aj2026", some[:-1].lower()):
        assert sorted(keyed.prefix(q, 100_000)) == sorted(scanned.prefix(q, 100_000)), q
        assert keyed.exact(q) == scanned.exact(q)
    assert keyed.exact(some.lower()) == 1234
    assert keyed.prefix("zz", 10) == [] and keyed.exact("aj") is None
    assert keyed.only_prefixes(some.lower()) and not keyed.only_prefixes("2026")


def test_the_index_reads_both_backends_alike(district_db):
    from app.store import open_store

    with open_store(district_db) as st:
        index = build_index(st, district_frame(st))
        case_code = st.scalar("SELECT code FROM cases ORDER BY id LIMIT 1 OFFSET 11")
        grid_code, grid_name = st.rows("SELECT code, name FROM grid_units WHERE level = 4 "
                                       "ORDER BY code LIMIT 1 OFFSET 5")[0]
        counts = index.counts()
        assert counts["case"] == st.scalar("SELECT count(*) FROM cases")
    assert index.search(case_code)[0].code == case_code
    hit = index.search(grid_code)[0]
    assert (hit.kind, hit.name, hit.rank) == ("grid", grid_name, Rank.EXACT_CODE)
    assert any(h.kind == "grid" and h.code == grid_code for h in index.search(grid_name, 500))
