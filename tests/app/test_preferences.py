"""The operator's preferences (app.preferences): round trip, lenient reading, migration
from the old operator.ini, atomic writes."""

from __future__ import annotations

import json
import logging
from datetime import datetime

import pytest

from app import preferences as p
from app.preferences import DEFAULTS, Preferences, PreferencesError


def test_nothing_stored_gives_the_defaults(tmp_path):
    loaded = p.load(tmp_path)
    assert loaded.preferences == DEFAULTS and loaded.warnings == () and not loaded.migrated
    assert DEFAULTS.language == "zh_CN" and DEFAULTS.idle_lock_minutes == 15
    assert not (tmp_path / p.FILE_NAME).exists()  # reading writes nothing


def test_round_trip(tmp_path):
    prefs = Preferences(language="en", time_zone="Asia/Urumqi", alarm_sound=False,
                        alarm_volume=35, wall_takeover=False, wall_takeover_tile=5,
                        idle_lock_minutes=0, demo_mode=True)
    p.save(tmp_path, prefs)
    data = json.loads((tmp_path / p.FILE_NAME).read_text(encoding="utf-8"))
    assert data["version"] == p.VERSION and data["alarm_volume"] == 35
    loaded = p.load(tmp_path)
    assert loaded.preferences == prefs and loaded.warnings == ()
    assert list(tmp_path.iterdir()) == [tmp_path / p.FILE_NAME]  # no temporary left


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", "", "\xff\xfe garbage"])
def test_a_corrupt_file_gives_the_defaults_and_a_warning(tmp_path, caplog, text):
    (tmp_path / p.FILE_NAME).write_bytes(text.encode("latin-1"))
    with caplog.at_level(logging.WARNING, logger="app.preferences"):
        loaded = p.load(tmp_path)
    assert loaded.preferences == DEFAULTS
    assert len(loaded.warnings) == 1 and "已损坏" in loaded.warnings[0]
    assert "已损坏" in caplog.text


def test_an_invalid_value_gives_that_fields_default_only(tmp_path):
    (tmp_path / p.FILE_NAME).write_text(json.dumps({
        "version": 1, "language": "fr", "alarm_volume": 140, "idle_lock_minutes": "ten",
        "time_zone": "Mars/Olympus", "alarm_sound": False, "wall_takeover_tile": 3,
        "colour": "pink"}), encoding="utf-8")
    loaded = p.load(tmp_path)
    assert loaded.preferences == Preferences(alarm_sound=False, wall_takeover_tile=3)
    text = "\n".join(loaded.warnings)
    for key in ("language", "alarm_volume", "idle_lock_minutes", "time_zone", "colour"):
        assert key in text
    assert len(loaded.warnings) == 5


def test_a_version_less_file_is_migrated(tmp_path):
    # before the version key, some fields had the old INI names
    (tmp_path / p.FILE_NAME).write_text(json.dumps({
        "security/idle_lock_minutes": 5, "privacy/demo_mode": True, "language": "en_US"}),
        encoding="utf-8")
    loaded = p.load(tmp_path)
    assert loaded.preferences == Preferences(language="en", idle_lock_minutes=5,
                                             demo_mode=True)
    assert loaded.warnings == ()


def test_the_old_operator_ini_is_taken_over_once(tmp_path):
    # as QSettings wrote it (booleans and numbers as text)
    (tmp_path / p.OLD_INI).write_text(
        "[security]\nidle_lock_minutes=30\n\n[privacy]\ndemo_mode=true\n\n"
        "[video_wall]\nauto_takeover=false\ntakeover_tile=4\n", encoding="utf-8")
    loaded = p.load(tmp_path)
    assert loaded.migrated and loaded.warnings == ()
    assert loaded.preferences == Preferences(idle_lock_minutes=30, demo_mode=True,
                                             wall_takeover=False, wall_takeover_tile=4)
    assert (tmp_path / p.FILE_NAME).exists()
    # once: later changes to the new file are not overwritten by the old keys again
    p.save(tmp_path, Preferences(idle_lock_minutes=2))
    again = p.load(tmp_path)
    assert not again.migrated and again.preferences == Preferences(idle_lock_minutes=2)


def test_a_bad_old_value_warns_and_keeps_the_rest(tmp_path):
    (tmp_path / p.OLD_INI).write_text(
        "[security]\nidle_lock_minutes=-3\n[privacy]\ndemo_mode=true\n", encoding="utf-8")
    loaded = p.load(tmp_path)
    assert loaded.preferences == Preferences(demo_mode=True)
    assert len(loaded.warnings) == 1 and "idle_lock_minutes" in loaded.warnings[0]


def test_a_failed_replace_leaves_the_old_file_whole(tmp_path, monkeypatch):
    p.save(tmp_path, Preferences(alarm_volume=10))
    before = (tmp_path / p.FILE_NAME).read_bytes()

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(p.os, "replace", broken)
    with pytest.raises(PreferencesError, match="设置无法保存"):
        p.save(tmp_path, Preferences(alarm_volume=90))
    assert (tmp_path / p.FILE_NAME).read_bytes() == before
    assert list(tmp_path.iterdir()) == [tmp_path / p.FILE_NAME]  # the temporary removed


def test_a_folder_that_cannot_be_made_is_refused_with_a_reason(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(PreferencesError, match="设置无法保存"):
        p.save(blocker / "gridcc", Preferences(alarm_volume=90))
    assert p.load(blocker / "gridcc").preferences == DEFAULTS


def test_an_invalid_value_is_never_written(tmp_path):
    with pytest.raises(ValueError):
        p.save(tmp_path, Preferences(alarm_volume=101))
    assert not (tmp_path / p.FILE_NAME).exists()


def test_time_zone_changes_only_the_shown_clock():
    at = datetime(2026, 11, 20, 10, 30)
    assert p.shown_time(at, "Asia/Shanghai", DEFAULTS) == (at, "Asia/Shanghai")
    same = Preferences(time_zone="Asia/Shanghai")
    assert p.shown_time(at, "Asia/Shanghai", same) == (at, "Asia/Shanghai")
    utc = Preferences(time_zone="UTC")
    assert p.shown_time(at, "Asia/Shanghai", utc) == (datetime(2026, 11, 20, 2, 30), "UTC")
