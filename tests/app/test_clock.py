"""The one clock (app.clock): live, fixed, stepping; --now and GRIDCC_NOW; the district's
time zone as a setting, refused in Chinese when unknown."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.cli import main
from app.clock import (
    NOW_ENV,
    ClockError,
    FixedClock,
    LiveClock,
    SteppingClock,
    district_clock,
    is_live,
    parse_now,
)
from tests.conftest import TEST_NOW


def test_the_suite_runs_at_test_now():
    clock = district_clock({})
    assert not is_live(clock) and clock.now() == TEST_NOW


def test_live_clock_follows_the_wall_clock_in_beijing(monkeypatch):
    monkeypatch.delenv(NOW_ENV)
    clock = district_clock({})
    assert is_live(clock)
    first = clock.now()
    beijing = datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    utc = datetime.now(UTC).replace(tzinfo=None)
    assert abs((beijing - first).total_seconds()) < 2
    assert abs((first - utc) - timedelta(hours=8)) < timedelta(seconds=2)  # never UTC
    assert first.microsecond == 0 and first.tzinfo is None


def test_live_clock_advances_when_read_again():
    clock = LiveClock()
    first = clock.now()
    later = clock.now()
    deadline = datetime.now() + timedelta(seconds=3)
    while later == first and datetime.now() < deadline:
        later = clock.now()
    assert timedelta(seconds=1) <= later - first < timedelta(seconds=3)


def test_stepping_clock_moves_on_with_every_read():
    clock = SteppingClock(TEST_NOW, timedelta(seconds=30))
    assert [clock.now() for _ in range(3)] == [TEST_NOW + timedelta(seconds=30 * i)
                                              for i in range(3)]


def test_district_time_zone_is_followed(monkeypatch):
    monkeypatch.delenv(NOW_ENV)
    urumqi = district_clock({"time_zone": "Asia/Urumqi"}).now()
    shanghai = district_clock({}).now()
    assert abs((shanghai - urumqi) - timedelta(hours=2)) < timedelta(seconds=2)


def test_now_overrides_the_environment_and_the_wall(monkeypatch):
    at = datetime(2027, 1, 2, 3, 4, 5)
    assert district_clock({}, override=at).now() == at
    monkeypatch.setenv(NOW_ENV, "2027-03-01T08:00:00+00:00")  # an offset: in district time
    assert district_clock({}).now() == datetime(2027, 3, 1, 16, 0)
    assert FixedClock(at).now() == FixedClock(at).now() == at


def test_bad_times_and_zones_are_refused_in_chinese(monkeypatch):
    with pytest.raises(ClockError, match="ISO 格式"):
        parse_now("yesterday")
    monkeypatch.setenv(NOW_ENV, "soon")
    with pytest.raises(ClockError, match="GRIDCC_NOW"):
        district_clock({})
    with pytest.raises(ClockError, match="未知时区"):
        LiveClock("Mars/Olympus")


def test_info_says_which_now_it_used(small_db_path, capsys):
    assert main(["info", "--db", str(small_db_path), "--json",
                 "--now", "2026-11-20T18:45:10"]) == 0
    d = json.loads(capsys.readouterr().out)["district"]
    assert d["now"] == "2026-11-20T18:45:10" and d["clock"] == "fixed"
    assert d["time_zone"] == "Asia/Shanghai"
    assert main(["info", "--db", str(small_db_path)]) == 0
    assert "时间            2026-11-20 10:30:00（Asia/Shanghai" in capsys.readouterr().out


def test_time_zone_is_a_district_setting(small_db_copy, capsys, monkeypatch):
    db = str(small_db_copy)
    assert main(["district", "set", "--time-zone", "Mars/Olympus", "--db", db]) == 1
    assert "未知时区 'Mars/Olympus'" in capsys.readouterr().err
    assert main(["district", "set", "--time-zone", "Asia/Urumqi", "--db", db]) == 0
    assert "时区已设为 Asia/Urumqi" in capsys.readouterr().out
    monkeypatch.delenv(NOW_ENV)
    assert main(["district", "show", "--json", "--db", db]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["time_zone"] == "Asia/Urumqi"
    urumqi = datetime.now(ZoneInfo("Asia/Urumqi")).replace(tzinfo=None)
    assert abs(datetime.fromisoformat(shown["now"]) - urumqi) < timedelta(seconds=2)


def test_the_bench_measures_a_district_at_its_own_moment(small_db_path, monkeypatch):
    import os

    from app.cli import _bench_clock

    monkeypatch.delenv(NOW_ENV)
    _bench_clock(small_db_path)
    assert os.environ[NOW_ENV] == TEST_NOW.isoformat(timespec="seconds")
    monkeypatch.setenv(NOW_ENV, "2027-01-01T00:00")  # set by the caller: kept
    _bench_clock(small_db_path)
    assert os.environ[NOW_ENV] == "2027-01-01T00:00"


def test_a_bad_gridcc_now_is_one_line_for_every_command(small_db_path, capsys, monkeypatch):
    monkeypatch.setenv(NOW_ENV, "teatime")
    for argv in (["info"], ["score"], ["district", "show"]):
        assert main([*argv, "--db", str(small_db_path)]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "GRIDCC_NOW" in err and "ISO 格式" in err
