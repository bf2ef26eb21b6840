"""The district model never loses a change: a read that fails (the database busy or gone
for a moment) is tried again, and the change lands once the read succeeds."""

from __future__ import annotations

from datetime import datetime

from app.auth.accounts import get_user
from app.map.layers import district_frame
from app.store import open_store
from app.workflow import cases

T0 = datetime(2026, 11, 20, 10, 30)


def test_a_failed_read_is_tried_again_until_the_change_lands(small_db_copy, qtbot,
                                                             monkeypatch, caplog):
    import ui.district_model as dmod
    from app.clock import FixedClock

    store = open_store(small_db_copy)
    model = dmod.DistrictModel(store, district_frame(store), FixedClock(T0))
    monkeypatch.setattr(dmod, "RETRY_MS", 50)
    real_fetch, failures = dmod.fetch, []

    def flaky_fetch(*args, **kwargs):
        if len(failures) < 2:  # the first two reads fail
            failures.append(1)
            raise OSError("数据库暂时不可读")
        return real_fetch(*args, **kwargs)

    monkeypatch.setattr(dmod, "fetch", flaky_fetch)
    try:
        op = get_user(store, "operator")
        grid = int(store.scalar("SELECT id FROM grid_units WHERE level = 4 ORDER BY id LIMIT 1"))
        lon, lat = store.rows("SELECT label_lon, label_lat FROM grid_units WHERE id = ?",
                              [grid])[0]
        rec = cases.new_case(store, op, category_code="0101", source="patrol",
                             description="井盖缺失", grid_id=grid, lon=lon, lat=lat, at=T0)
        qtbot.waitUntil(lambda: rec.id in set(model.state.cases.ids.tolist()), timeout=10_000)
        assert len(failures) == 2 and "trying again" in caplog.text
        assert model.settled() and not model.retrying
    finally:
        model.shutdown()
        model.deleteLater()
        store.close()
