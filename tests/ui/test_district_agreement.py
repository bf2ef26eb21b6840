"""One live truth in the window: after every step of a random (seeded) sequence of whistle
and case actions, taken through the real workflow as the demo accounts, the big-screen
headline, the whistle list, the supervision list, the map's markers and layers agree
with each other and with a fresh query of the store.  One step runs on a worker thread
with its own cursor (its change is published there)."""

from __future__ import annotations

import random
import threading
from datetime import datetime, timedelta

import numpy as np
import pytest

from app.auth.accounts import get_user
from app.auth.session import sign_out
from app.store import open_store
from app.workflow import case_machine as cm
from app.workflow import cases, whistles
from app.workflow import whistle_machine as wm
from app.workflow.places import leadership_id
from ui import theme
from ui.docks.workflow_common import REFUSALS
from ui.map.layers.cases import kind_codes

T0 = datetime(2026, 11, 20, 10, 30)  # a Friday, the small district's "now"
CLOSED = ("closed", "evaluated", "voided")


class MovingClock:
    """The window's clock, moved on by the test."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


@pytest.fixture
def live(small_db_copy, themed_app, qtbot, district_map):
    """A writable district in a window (signed out: the panels show everything)."""
    from ui.main_window import MainWindow

    sign_out()
    store = open_store(small_db_copy)
    clock = MovingClock(T0)
    window = MainWindow(store, district_map=district_map, persist=False, clock=clock)
    yield store, window, clock
    window.close()  # (every step ended settled: nothing is reading the store)
    window.deleteLater()
    store.close()


def settle(qtbot, window) -> None:
    """Every change read by the model, the case layer's frame applied, the case list read."""
    cases_panel = window.docks["cases"].widget()
    qtbot.waitUntil(lambda: window.district_model.settled()
                    and not window.canvas.view("cases").pending()
                    and not cases_panel.work.busy(), timeout=15_000)


def tick(window) -> None:
    """What the countdown timers do when the clock moves on (they read nothing)."""
    window.docks["whistles"].widget().timer.timeout.emit()
    window.docks["supervision"].widget().timer.timeout.emit()


def assert_agreement(store, window, now: datetime) -> tuple[int, int, int]:
    """(open whistles, late ones, open cases) once everything was found to agree."""
    model = window.district_model
    panel = window.docks["whistles"].widget()
    sup = window.docks["supervision"].widget()
    # fresh from the store
    open_w = [int(r[0]) for r in store.rows(
        "SELECT id FROM whistles WHERE closed_at IS NULL ORDER BY id")]
    late_w = {w for w in open_w if wm.is_overdue(whistles.load_whistle(store, w)[1], now)}
    listed = [r["id"] for r in whistles.list_whistles(store, get_user(store, "supervisor"), limit=300)]
    supervision = [r["id"] for r in whistles.supervision_list(store, now)]
    marks = ", ".join(f"'{s}'" for s in CLOSED)
    open_c = {int(r[0]) for r in store.rows(f"SELECT id FROM cases WHERE status NOT IN ({marks})")}
    overdue_c = int(store.scalar(f"SELECT count(*) FROM cases WHERE status NOT IN ({marks}) "
                                 "AND deadline_at < ?", [now]))
    midnight = now.replace(hour=0, minute=0, second=0)
    today_c = int(store.scalar("SELECT count(*) FROM cases WHERE reported_at >= ?", [midnight]))
    # the big screen
    h = window.big_screen.headline()
    assert h.whistles_in_progress == len(open_w)
    assert (h.open_cases, h.overdue, h.cases_today) == (len(open_c), overdue_c, today_c)
    strip = window.big_screen.strip  # as shown on the wall (set by the model's signal)
    assert strip.numbers["whistles_in_progress"].text() == f"{len(open_w):,}"
    assert strip.numbers["open_cases"].text() == f"{len(open_c):,}"
    # the whistle list (a viewer sees the whole district) and its open rows
    all_rows = window.district_model.state.whistle_list(get_user(store, "supervisor").scope)
    assert panel.row_ids == [w.id for w in all_rows]
    assert sorted(panel.row_ids) == sorted(listed)
    still_open = [panel.row_ids[r] for r in range(panel.table.rowCount())
                  if panel.table.item(r, 2).text() != "已办结"]
    assert sorted(still_open) == open_w
    red = {panel.row_ids[r] for r in range(panel.table.rowCount())
           if panel.table.item(r, 2).foreground().color().name() == theme.ALERT.lower()}
    assert red == late_w
    # the supervision list
    assert sup.row_ids == supervision
    assert set(supervision) == late_w
    # the map: markers, the whistle layer, the case layer
    markers = panel.markers
    assert markers.ids == open_w
    assert {w for w, c in zip(markers.ids, markers.colours, strict=True) if c == theme.ALERT} \
        == late_w
    wv = window.canvas.view("whistles")
    assert sorted(wv.layer.data.ids[wv.active_mask].tolist()) == open_w
    cd = window.canvas.view("cases").layer.data
    assert cd is model.state.cases
    assert set(cd.ids[cd.is_open].tolist()) == open_c
    cv = window.canvas.view("cases")  # its kinds re-coded only where rows were written
    assert cv._codes[0] == id(cd) and np.array_equal(cv._codes[1], kind_codes(cd, cv._kinds))
    return len(open_w), len(late_w), len(open_c)


def _pick(rng: random.Random, items):
    items = list(items)
    return rng.choice(items) if items else None


def test_panels_and_map_agree_after_every_step(live, qtbot):
    store, window, clock = live
    window.big_screen.enter()  # the wall's headline strip follows the model too
    window.big_screen.timer.stop()  # (its clock tick must not be what updates it here)
    rng = random.Random(20261120)
    street2_grids = [int(r[0]) for r in store.rows(
        "SELECT g.id FROM grid_units g JOIN grid_units c ON c.id = g.parent_id "
        "WHERE g.level = 4 AND c.parent_id = 2 ORDER BY g.code")]
    depts = dict(store.rows("SELECT code, id FROM departments"))
    handler_of = {depts[c]: f"dept_{c.lower()}" for c in ("CG", "HW", "SZ", "ZF")}
    handler_of[leadership_id(store)] = "leader"
    users = {name: get_user(store, name) for name in (
        "sec01", "supervisor", "operator", "dispatcher", "leader",
        *handler_of.values())}
    new_cases: list[int] = []
    done = {"blow": 0, "whistle step": 0, "case": 0, "refused": 0, "worker": 0}

    def blow() -> None:
        g = rng.choice(street2_grids)
        lon, lat = store.rows("SELECT label_lon, label_lat FROM grid_units WHERE id = ?", [g])[0]
        chosen = rng.sample(sorted(handler_of.keys() - {leadership_id(store)}), rng.randint(1, 2))
        whistles.blow(store, users["sec01"], grid_id=g, department_ids=chosen,
                      title=f"问题{rng.randint(1, 999)}", description="", lon=lon, lat=lat,
                      at=clock.now(), report_hours=2, finish_hours=27)
        done["blow"] += 1

    def whistle_step() -> bool:
        rows = window.district_model.state.open_whistles()
        # mostly the oldest open one: whistles get through to 评价 and close
        w = rows[0] if rows and rng.random() < 0.6 else _pick(rng, rows)
        if w is None:
            return False
        t = rng.choice(w.state.tasks)
        at, wid = clock.now(), w.id
        step = {"blown": lambda: whistles.report_in(store, users[handler_of[t.department_id]],
                                                    wid, at=at),
                "reported": lambda: whistles.feed_back(store, users[handler_of[t.department_id]],
                                                       wid, at=at, note="已处置"),
                "fed_back": lambda: whistles.verify(store, users["sec01"], wid, at=at,
                                                    department_id=t.department_id),
                "verified": lambda: whistles.rate(store, users["sec01"], wid, at=at,
                                                  department_id=t.department_id, rating=4),
                }.get(t.state)
        if rng.random() < 0.2:
            step = lambda: whistles.supervise(store, users["supervisor"], wid, at=at)  # noqa: E731
        if step is None:
            return False
        step()
        done["whistle step"] += 1
        return True

    def case_step(on: object = None) -> bool:
        target = on if on is not None else store
        if not new_cases or rng.random() < 0.35:
            g = rng.choice(street2_grids)
            lon, lat = store.rows("SELECT label_lon, label_lat FROM grid_units WHERE id = ?",
                                  [g])[0]
            rec = cases.new_case(target, users["operator"], category_code=rng.choice(
                ["0101", "0403", "0701", "2301"]), source="hotline", description="测试案件",
                grid_id=g, lon=lon, lat=lat, at=clock.now())
            new_cases.append(rec.id)
        else:
            rec = cases.load_case(target, rng.choice(new_cases))
            for name in rng.sample(sorted(users), len(users)):
                acts = [a for a in cases.visible_actions(target, users[name], rec)
                        if a not in cm.NEEDS_REASON and a not in ("extend", "evaluate")]
                if acts:
                    cases.advance(target, users[name], rec.id, rng.choice(acts), at=clock.now(),
                                  department_id=depts["CG"])
                    break
            else:
                return False
        done["case"] += 1
        return True

    def on_worker() -> None:
        """A case accepted on another cursor in a worker thread."""
        errors = []

        def work():
            cursor = store.cursor()
            try:
                case_step(cursor)
            except Exception as exc:  # reported below, on the test's thread
                errors.append(exc)
            finally:
                cursor.close()

        t = threading.Thread(target=work)
        t.start()
        t.join()
        assert not errors, errors
        done["worker"] += 1

    steps = [blow, whistle_step, whistle_step, whistle_step, whistle_step, case_step, case_step]
    seen = []
    for i in range(60):
        if i == 17:
            on_worker()
        elif i % 9 == 8:  # time passes: deadlines go by, whistles turn red
            clock.at += timedelta(hours=rng.choice([1, 3, 8]))
            tick(window)
        else:
            try:
                rng.choice(steps)()
            except REFUSALS:
                done["refused"] += 1
            clock.at += timedelta(minutes=rng.randint(1, 20))
        settle(qtbot, window)
        tick(window)
        seen.append(assert_agreement(store, window, clock.now()))
    # the figures moved: whistles opened and closed, some went late, cases came and went
    assert max(o for o, _l, _c in seen) >= 2 and max(ln for _o, ln, _c in seen) >= 1
    assert len({c for _o, _l, c in seen}) > 3
    closed = store.scalar("SELECT count(*) FROM whistles WHERE closed_at IS NOT NULL "
                          "AND blown_at >= ?", [T0])
    assert done["blow"] >= 3 and done["whistle step"] >= 3 and done["case"] >= 3, done
    assert done["worker"] == 1 and closed >= 1


def test_a_whistle_blown_in_the_window_counts_at_once_and_after_a_restart(
        small_db_copy, themed_app, qtbot, district_map):
    from ui.main_window import MainWindow

    sign_out()
    blown_at = T0 + timedelta(days=1, hours=-1)  # Saturday 09:30: after the map's "now"
    store = open_store(small_db_copy)
    clock = MovingClock(blown_at)
    window = MainWindow(store, district_map=district_map, persist=False, clock=clock)
    qtbot.addWidget(window)
    before = window.big_screen.headline().whistles_in_progress
    g, lon, lat = store.rows("SELECT g.id, g.label_lon, g.label_lat FROM grid_units g "
                             "JOIN grid_units c ON c.id = g.parent_id WHERE g.level = 4 "
                             "AND c.parent_id = 2 ORDER BY g.code LIMIT 1")[0]
    wid = whistles.blow(store, get_user(store, "sec01"), grid_id=g, department_ids=[6],
                        title="闲置空地垃圾堆积", description="", lon=lon, lat=lat, at=blown_at,
                        report_hours=8, finish_hours=45)
    settle(qtbot, window)
    panel = window.docks["whistles"].widget()
    assert window.big_screen.headline().whistles_in_progress == before + 1
    assert wid in panel.row_ids and wid in panel.markers.ids
    view = window.canvas.view("whistles")
    i = int(np.flatnonzero(view.layer.data.ids == wid)[0])
    assert view.active_mask[i]
    window.close()
    store.close()

    # a restart: a new store, a new window (staged start from the store), a clock an hour
    # before the whistle was blown (a district re-anchored, a clock set back): it counts
    store = open_store(small_db_copy)
    try:
        window = MainWindow(store, persist=False, clock=MovingClock(blown_at - timedelta(hours=1)))
        qtbot.addWidget(window)
        window.resize(1200, 800)
        window.show()
        qtbot.waitUntil(lambda: window.loaded() and window.district_model.whistles_loaded,
                        timeout=30_000)
        settle(qtbot, window)
        assert window.big_screen.headline().whistles_in_progress == before + 1
        panel = window.docks["whistles"].widget()
        qtbot.waitUntil(lambda: wid in panel.row_ids, timeout=10_000)
        assert wid in panel.markers.ids
        # one copy: the map's layers draw the model's arrays, the big screen counts them
        model = window.district_model
        assert window.canvas.view("cases").layer.data is model.state.cases
        assert window.canvas.view("whistles").layer.data is model.state.whistle_data
        window.close()
    finally:
        store.close()
