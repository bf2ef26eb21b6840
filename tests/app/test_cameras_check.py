"""``cameras check`` and ``demo-media`` against real streams on loopback."""

from __future__ import annotations

import json

import duckdb
import pytest

from app.cli import main
from app.video.demo_media import SCENES
from app.video.health import online_rates, probe_stream
from tests.app.test_video_servers import (
    LoopbackHls,
    LoopbackRtsp,
    LoopbackStream,
    free_port,
    needs_ffmpeg,
    needs_rtsp,
)

pytestmark = needs_ffmpeg


@pytest.fixture
def http_stream():
    s = LoopbackStream().start()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def demo_media(tmp_path_factory):
    from app.video.demo_media import generate_demo_media

    folder = tmp_path_factory.mktemp("media")
    clips = generate_demo_media(folder, count=2, seconds=4)
    return folder, clips


def test_demo_media_command_makes_small_clips(tmp_path, capsys):
    assert main(["demo-media", "--dir", str(tmp_path)]) == 0
    clips = sorted(tmp_path.glob("*.mp4"))
    assert len(clips) == len(SCENES) == 13
    assert all(20_000 < p.stat().st_size < 1_000_000 for p in clips)
    assert "13 demo clips and 13 sub-stream copies" in capsys.readouterr().out
    subs = sorted((tmp_path / "sub").glob("*.mp4"))
    assert [p.name for p in subs] == [p.name for p in clips]
    ok, _first, w, h, frames, err = probe_stream(subs[0].as_uri(), timeout_s=1.0)
    assert ok and (w, h) == (320, 180) and frames >= 6, err
    # a second run keeps what is there
    before = [p.stat().st_mtime_ns for p in clips]
    assert main(["demo-media", "--dir", str(tmp_path)]) == 0
    assert [p.stat().st_mtime_ns for p in clips] == before


def test_demo_clip_decodes_with_size_and_motion(demo_media):
    _, clips = demo_media
    ok, first, w, h, frames, err = probe_stream(clips[0].as_uri(), timeout_s=1.5)
    assert ok and err is None and (w, h) == (480, 270)
    assert frames >= 6 and first is not None


def test_probe_live_http_stream(http_stream):
    ok, first, w, h, frames, err = probe_stream(http_stream.url, timeout_s=1.5)
    assert ok, err
    assert (w, h) == (320, 180) and frames > 5 and first is not None


def test_probe_live_mjpeg_stream():
    s = LoopbackStream(fmt="mjpeg").start()
    try:
        ok, first, w, h, frames, err = probe_stream(s.url, timeout_s=1.0)
    finally:
        s.stop()
    assert ok, err
    assert (w, h) == (320, 180) and frames > 5


@needs_rtsp
def test_probe_live_rtsp_stream_and_missing_mount():
    s = LoopbackRtsp().start()
    try:
        ok, first, w, h, frames, err = probe_stream(s.url, timeout_s=1.5)
        assert ok, err
        assert (w, h) == (320, 180) and frames > 5 and first is not None
        ok, *_, err = probe_stream(s.url.replace("/live", "/nothing"), timeout_s=1.0)
        assert not ok and "404" in err
    finally:
        s.stop()


def test_probe_dead_url_has_a_clear_error():
    ok, first, w, h, frames, err = probe_stream(f"http://127.0.0.1:{free_port()}/x.ts", 1.0)
    assert not ok and frames == 0 and first is None
    assert "Connection refused" in err


def _point_cameras(db, urls: dict[str, str], subs: dict[str, str | None] | None = None) -> None:
    """Point cameras at these streams; their sub-streams as given (default: none)."""
    subs = subs or {}
    con = duckdb.connect(str(db))
    try:
        for code, url in urls.items():
            con.execute("UPDATE cameras SET stream_url = ?, substream_url = ?, online = TRUE "
                        "WHERE code = ?", [url, subs.get(code), code])
    finally:
        con.close()


def test_cameras_check_json_live_and_dead(small_db_copy, http_stream, demo_media, capsys,
                                          monkeypatch):
    monkeypatch.setenv("GRIDCC_MEDIA_DIR", str(demo_media[0]))
    con = duckdb.connect(str(small_db_copy), read_only=True)
    (live, dead, demo), = [tuple(r[0] for r in con.execute(
        "SELECT code FROM cameras ORDER BY code LIMIT 3").fetchall())]
    con.close()
    dead_url = f"http://127.0.0.1:{free_port()}/gone.ts"
    _point_cameras(small_db_copy, {live: http_stream.url, dead: dead_url,
                                   demo: f"demo://camera/{demo}"})
    rc = main(["cameras", "check", "--db", str(small_db_copy), "--timeout", "1.5", "--json",
               "--codes", live, dead, demo])
    out = json.loads(capsys.readouterr().out)
    assert rc == 1  # one camera is down
    by_code = {c["code"]: c for c in out["cameras"]}
    assert by_code[live]["reachable"] and by_code[live]["frames"] > 5
    assert (by_code[live]["width"], by_code[live]["height"]) == (320, 180)
    assert by_code[demo]["reachable"] and by_code[demo]["width"] == 480
    assert not by_code[dead]["reachable"] and "Connection refused" in by_code[dead]["error"]
    total = sum(v["checked"] for v in out["online_rate"].values())
    online = sum(v["online"] for v in out["online_rate"].values())
    assert (total, online) == (3, 2)


def test_online_rate_per_department():
    from app.video.health import StreamHealth

    rates = online_rates([StreamHealth("a", "公安", "u", reachable=True),
                          StreamHealth("b", "公安", "u"), StreamHealth("c", "教育", "u", True)])
    assert rates == {"公安": {"checked": 2, "online": 1, "rate": 0.5},
                     "教育": {"checked": 1, "online": 1, "rate": 1.0}}


def test_cameras_check_user_errors(small_db_path, tmp_path, capsys):
    assert main(["cameras", "check", "--db", str(small_db_path), "--codes", "NOPE"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "gridcc: error: unknown camera code(s): NOPE"
    assert main(["cameras", "check", "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["cameras", "check", "--db", str(small_db_path), "--timeout", "0"])
    assert exc.value.code == 2


def test_cameras_nearest_command(small_db_path, capsys):
    con = duckdb.connect(str(small_db_path), read_only=True)
    code, lon, lat = con.execute("SELECT code, lon, lat FROM cameras ORDER BY code LIMIT 1").fetchone()
    con.close()
    assert main(["cameras", "nearest", "--db", str(small_db_path), str(lon), str(lat),
                 "-n", "3", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found[0]["code"] == code and found[0]["distance_m"] == 0
    assert [f["distance_m"] for f in found] == sorted(f["distance_m"] for f in found)


def test_cameras_check_reports_main_and_sub_streams(small_db_copy, http_stream, demo_media,
                                                   capsys, monkeypatch):
    """Demo cameras have a sub-stream (辅码流): both are checked; a camera whose
    sub-stream is dead is reported with the error and fails the check."""
    monkeypatch.setenv("GRIDCC_MEDIA_DIR", str(demo_media[0]))
    con = duckdb.connect(str(small_db_copy), read_only=True)
    demo, half = (r[0] for r in con.execute(
        "SELECT code FROM cameras WHERE online AND substream_url IS NOT NULL ORDER BY code "
        "LIMIT 2").fetchall())
    con.close()
    dead_url = f"http://127.0.0.1:{free_port()}/sub.ts"
    _point_cameras(small_db_copy, {half: http_stream.url}, {half: dead_url})
    rc = main(["cameras", "check", "--db", str(small_db_copy), "--timeout", "1.5", "--json",
               "--codes", demo, half])
    out = json.loads(capsys.readouterr().out)
    assert rc == 1  # a sub-stream is down
    by_code = {c["code"]: c for c in out["cameras"]}
    sub = by_code[demo]["substream"]
    assert sub["url"].startswith(f"demo://camera/{demo}?scene=")
    assert sub["url"].endswith("&stream=sub") and sub["reachable"]
    assert (sub["width"], sub["height"]) == (320, 180) and sub["frames"] > 5
    assert by_code[demo]["width"] == 480
    assert by_code[half]["reachable"] and by_code[half]["frames"] > 5
    assert not by_code[half]["substream"]["reachable"]
    assert "Connection refused" in by_code[half]["substream"]["error"]
    # the online rate counts cameras by their main stream
    assert sum(v["online"] for v in out["online_rate"].values()) == 2
    rc = main(["cameras", "check", "--db", str(small_db_copy), "--timeout", "1", "--codes", demo])
    text = capsys.readouterr().out
    assert rc == 0 and "main   yes" in text and "sub    yes" in text and "320x180" in text


def test_hls_camera_probed_and_checked(small_db_copy, capsys):
    """A live HLS camera (.m3u8 playlist and .ts segments over HTTP on loopback) decodes
    in the probe and in ``cameras check``."""
    s = LoopbackHls().start()
    try:
        ok, first, w, h, frames, err = probe_stream(s.url, timeout_s=1.5)
        assert ok, err
        assert (w, h) == (320, 180) and frames > 5 and first is not None
        con = duckdb.connect(str(small_db_copy), read_only=True)
        code = con.execute("SELECT code FROM cameras ORDER BY code LIMIT 1").fetchone()[0]
        con.close()
        _point_cameras(small_db_copy, {code: s.url})
        rc = main(["cameras", "check", "--db", str(small_db_copy), "--timeout", "1.5",
                   "--json", "--codes", code])
    finally:
        s.stop()
    cam = json.loads(capsys.readouterr().out)["cameras"][0]
    assert rc == 0 and cam["reachable"] and cam["url"].endswith(".m3u8")
    assert (cam["width"], cam["height"]) == (320, 180) and cam["frames"] > 5
