"""Urgent cases for the wall's take-over: which categories, and noticing new cases."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.auth.accounts import authenticate
from app.auth.permissions import Role
from app.demo.accounts import DEMO_PASSWORDS
from app.domain.categories import category_by_code
from app.store import open_store
from app.video.alarms import URGENT_CATEGORIES, is_urgent, urgent_cases
from app.workflow import cases


@pytest.mark.parametrize("code, urgent", [
    ("0403", True),   # 燃气泄漏: 突发事件
    ("0401", True),   # 路面塌陷
    ("2401", True),   # 消防通道堵塞: hazard, 4 working hours
    ("0601", True),   # 井盖破损缺失: hazard, 4 h
    ("0108", False),  # 垃圾满溢: 2 h, but rubbish, not danger
    ("0701", False),  # 道路破损: hazard, 48 h
    ("2301", False),  # 邻里纠纷
])
def test_urgent_categories(code, urgent):
    assert is_urgent(category_by_code()[code]) is urgent
    assert (code in URGENT_CATEGORIES) is urgent


def test_urgent_ones_among_the_new_cases_a_change_named(small_db_copy):
    """No polling: each accepted case is named by a committed change (case.accept); the
    urgent ones among them are picked in one query."""
    at = datetime(2026, 11, 20, 10, 30)
    store = open_store(small_db_copy)
    heard = []
    store.changes.subscribe(heard.extend)
    try:
        user = authenticate(store, "operator", DEMO_PASSWORDS[Role.OPERATOR], at=at)
        gid, lon, lat = store.rows("SELECT id, label_lon, label_lat FROM grid_units "
                                   "WHERE level = 4 ORDER BY code LIMIT 1")[0]

        def accept(category: str) -> str:
            return cases.new_case(store, user, category_code=category, source="hotline",
                                  description="测试", grid_id=int(gid), lon=float(lon),
                                  lat=float(lat), at=at).code

        heard.clear()
        accept("0101")  # 暴露垃圾: not urgent
        gas = accept("0403")
        fire = accept("2401")
        new = [i for c in heard if c.entity == "case" and c.action == "case.accept"
               for i in c.ids]
        assert len(new) == 3
        found = urgent_cases(store, new)
        assert [(c.code, c.category) for c in found] == [(gas, "燃气泄漏"), (fire, "消防通道堵塞")]
        assert found[0].lon == pytest.approx(float(lon)) and found[0].label == f"紧急案件 燃气泄漏 {gas}"
        assert urgent_cases(store, []) == []
        old = store.scalar("SELECT min(id) FROM cases")
        assert urgent_cases(store, [old]) == [] or store.scalar(
            "SELECT category_code FROM cases WHERE id = ?", [old]) in URGENT_CATEGORIES
    finally:
        store.close()
