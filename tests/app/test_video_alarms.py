"""Urgent cases for the wall's take-over: which categories, and noticing new cases."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.auth.accounts import authenticate
from app.auth.permissions import Role
from app.demo.accounts import DEMO_PASSWORDS
from app.domain.categories import category_by_code
from app.store import open_store
from app.video.alarms import URGENT_CATEGORIES, UrgentCaseWatch, is_urgent
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


def test_watch_reports_only_new_urgent_cases(small_db_copy):
    at = datetime(2026, 11, 20, 10, 30)
    store = open_store(small_db_copy)
    try:
        user = authenticate(store, "operator", DEMO_PASSWORDS[Role.OPERATOR], at=at)
        watch = UrgentCaseWatch(store)
        assert watch.poll() == []  # the district's existing cases are not news
        gid, lon, lat = store.rows("SELECT id, label_lon, label_lat FROM grid_units "
                                   "WHERE level = 4 ORDER BY code LIMIT 1")[0]

        def accept(category: str) -> str:
            return cases.new_case(store, user, category_code=category, source="hotline",
                                  description="测试", grid_id=int(gid), lon=float(lon),
                                  lat=float(lat), at=at).code

        accept("0101")  # 暴露垃圾: not urgent
        gas = accept("0403")
        fire = accept("2401")
        found = watch.poll()
        assert [(c.code, c.category) for c in found] == [(gas, "燃气泄漏"), (fire, "消防通道堵塞")]
        assert found[0].lon == pytest.approx(float(lon)) and found[0].label == f"紧急案件 燃气泄漏 {gas}"
        assert watch.poll() == []  # each case once
    finally:
        store.close()
