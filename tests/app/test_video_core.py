"""Qt-free video wall domain: stream URLs, registry queries, layouts, tour timing."""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.geo.crs import lonlat_to_metric, metric_to_lonlat
from app.video.layouts import LAYOUTS, LayoutBook, LayoutError, NamedLayout, layout
from app.video.registry import Camera, CameraRegistry
from app.video.streams import StreamUrlError, resolve_stream
from app.video.tour import TourScheduler

# a point in Hongqiao, in EPSG:4527 metres
X0, Y0 = (float(v) for v in lonlat_to_metric(117.16, 39.17))


def _cam(code: str, dx: float, dy: float, dept: str = "GA", grid: int = 1,
         name: str | None = None, online: bool = True) -> Camera:
    lon, lat = metric_to_lonlat(X0 + dx, Y0 + dy)
    return Camera(code, name or f"路口{code}", "street", dept, {"GA": "公安", "JY": "教育"}[dept],
                  grid, f"G{grid}", f"第{grid}网格", float(lon), float(lat), X0 + dx, Y0 + dy,
                  0.0, 60.0, f"demo://camera/{code}", online)


@pytest.fixture
def registry() -> CameraRegistry:
    return CameraRegistry([
        _cam("A", 3, 4),        # 5 m
        _cam("B", 6, 8),        # 10 m
        _cam("C", 0, -7),       # 7 m
        _cam("D", 300, 400, dept="JY", grid=2, name="幼儿园大门"),  # 500 m exactly
        _cam("E", 301, 400),    # 500.8 m: outside a 500 m radius
        _cam("F", -5, 0, online=False),  # 5 m, same as A: code order breaks the tie
    ])


# -- nearest cameras -------------------------------------------------------------------------
def test_nearest_against_hand_computed_distances(registry):
    found = registry.nearest(X0, Y0, n=10, radius_m=500)
    assert [f.camera.code for f in found] == ["A", "F", "C", "B", "D"]
    assert [round(f.distance_m, 6) for f in found] == [5, 5, 7, 10, 500]


def test_nearest_limits_count_department_and_online(registry):
    assert [f.camera.code for f in registry.nearest(X0, Y0, n=2, radius_m=500)] == ["A", "F"]
    assert [f.camera.code for f in registry.nearest(X0, Y0, 5, 1000, department="JY")] == ["D"]
    assert "F" not in [f.camera.code for f in registry.nearest(X0, Y0, 9, 50, online_only=True)]
    assert registry.nearest(X0, Y0, n=0) == []
    assert registry.nearest(X0 + 5000, Y0, n=3, radius_m=100) == []


def test_nearest_from_lonlat_is_metric(registry):
    found = registry.nearest_lonlat(117.16, 39.17, n=1, radius_m=50)
    assert found[0].camera.code == "A" and found[0].distance_m == pytest.approx(5, abs=0.01)


def test_one_thousandth_degree_of_latitude_is_about_111_metres():
    # hand check of the metric frame: 0.001° of latitude at 39°N is 110.99 m
    x, y = lonlat_to_metric(np.array([117.0, 117.0]), np.array([39.17, 39.171]))
    assert float(np.hypot(x[1] - x[0], y[1] - y[0])) == pytest.approx(110.99, abs=0.05)


def test_search_by_name_grid_department(registry):
    assert [c.code for c in registry.search("幼儿园")] == ["D"]
    assert [c.code for c in registry.search(grid_id=2)] == ["D"]
    assert {c.code for c in registry.search(department="GA")} == {"A", "B", "C", "E", "F"}
    assert [c.code for c in registry.search("路口 第1网格", limit=2)] == ["A", "B"]
    assert registry.search("不存在") == []


def test_registry_loads_the_demo_district(store):
    reg = CameraRegistry.load(store)
    n = store.scalar("SELECT count(*) FROM cameras")
    assert len(reg) == n > 0
    assert {d for d, _ in reg.departments()} <= {"GA", "JY", "WJ", "YJ", "MZ"}
    cam = reg.cameras[0]
    near = reg.nearest(cam.x, cam.y, n=1, radius_m=1)
    assert near[0].camera.code == cam.code and near[0].distance_m == pytest.approx(0, abs=1e-6)


# -- stream addresses ------------------------------------------------------------------------
def test_demo_url_maps_to_a_clip_stably(tmp_path):
    for i in range(3):
        (tmp_path / f"demo-{i}.mp4").write_bytes(b"x")
    a = resolve_stream("demo://camera/GA00001", tmp_path)
    assert a.startswith("file://") and a.endswith(".mp4")
    assert resolve_stream("demo://camera/GA00001", tmp_path) == a
    # neighbours spread over the clips
    urls = {resolve_stream(f"demo://camera/GA{i:05d}", tmp_path) for i in range(20)}
    assert len(urls) == 3


def test_demo_clip_fits_the_camera_kind(tmp_path):
    for name in ("demo-01-street", "demo-03-school", "demo-04-hospital", "demo-07-kindergarten"):
        (tmp_path / f"{name}.mp4").write_bytes(b"x")
    for i in range(10):
        url = f"demo://camera/JY{i:05d}"
        assert resolve_stream(url, tmp_path, kind="hospital").endswith("demo-04-hospital.mp4")
        assert resolve_stream(url, tmp_path, kind="kindergarten").endswith(
            "demo-07-kindergarten.mp4")  # never the school gate
    # a kind without its own scene still gets a picture
    assert resolve_stream("demo://camera/X", tmp_path, kind="care_home").endswith(".mp4")


def test_demo_substream_plays_the_same_scene_smaller(tmp_path):
    from app.video.streams import is_demo_substream

    for name in ("demo-01-street", "demo-02-crossing"):
        (tmp_path / f"{name}.mp4").write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "demo-02-crossing.mp4").write_bytes(b"x")
    urls = {f"GA{i:05d}": resolve_stream(f"demo://camera/GA{i:05d}", tmp_path) for i in range(8)}
    for code, main in urls.items():
        sub_url = f"demo://camera/{code}?stream=sub"
        assert is_demo_substream(sub_url) and not is_demo_substream(f"demo://camera/{code}")
        if main.endswith("demo-02-crossing.mp4"):
            assert resolve_stream(sub_url, tmp_path) == (tmp_path / "sub" / "demo-02-crossing.mp4"
                                                         ).resolve().as_uri()
        else:  # its copy was never made: a clear error (the tile then plays the main stream)
            with pytest.raises(StreamUrlError, match="sub-stream clip demo-01-street.mp4"):
                resolve_stream(sub_url, tmp_path)
    # the sub folder holds no clip of its own for main streams
    assert all("/sub/" not in u for u in urls.values())


def test_stream_url_errors(tmp_path):
    assert resolve_stream("rtsp://127.0.0.1:8554/x") == "rtsp://127.0.0.1:8554/x"
    with pytest.raises(StreamUrlError, match="demo-media"):
        resolve_stream("demo://camera/X", tmp_path)
    with pytest.raises(StreamUrlError, match="scheme"):
        resolve_stream("gopher://x")
    with pytest.raises(StreamUrlError, match="demo://camera/CODE"):
        resolve_stream("demo://nothing", tmp_path)
    with pytest.raises(StreamUrlError, match="does not exist"):
        resolve_stream(str(tmp_path / "missing.mp4"))


# -- layouts ---------------------------------------------------------------------------------
@pytest.mark.parametrize("key,count,size", [("1", 1, 1), ("4", 4, 2), ("9", 9, 3),
                                            ("16", 16, 4), ("1+5", 6, 3), ("1+7", 8, 4)])
def test_layouts_tile_their_grid_exactly(key, count, size):
    lay = layout(key)
    assert lay.count == count and lay.size == size
    cells = [(r.row + i, r.col + j) for r in lay.tiles
             for i in range(r.row_span) for j in range(r.col_span)]
    assert sorted(cells) == [(i, j) for i in range(size) for j in range(size)]


def test_big_plus_small_has_the_big_tile_first():
    assert layout("1+5").tiles[0].row_span == 2 and layout("1+7").tiles[0].col_span == 3
    assert set(LAYOUTS) == {"1", "4", "9", "16", "1+5", "1+7"}
    with pytest.raises(LayoutError, match="unknown wall layout"):
        layout("25")


def test_named_layouts_saved_and_recalled(tmp_path):
    path = tmp_path / "cfg" / "video_wall.json"
    book = LayoutBook(path)
    book.save(NamedLayout("早高峰", "1+5", ["A", None, "C"]))
    again = LayoutBook(path)
    assert again.names() == ["早高峰"]
    got = again.get("早高峰")
    assert got.layout == "1+5" and got.cameras == ["A", None, "C", None, None, None]
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == 1
    again.delete("早高峰")
    assert LayoutBook(path).names() == []


def test_named_layout_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDCC_CONFIG_DIR", str(tmp_path))
    book = LayoutBook()
    assert book.path == tmp_path / "video_wall.json"
    with pytest.raises(LayoutError, match="needs a name"):
        book.save(NamedLayout(" ", "4"))
    with pytest.raises(LayoutError, match="no saved wall layout"):
        book.get("nope")
    book.path.write_text("{not json", encoding="utf-8")
    with pytest.raises(LayoutError, match="cannot read wall layouts"):
        LayoutBook()


# -- tour ------------------------------------------------------------------------------------
class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_tour_pages_every_interval():
    clock = FakeClock()
    tour = TourScheduler([f"C{i}" for i in range(10)], page_size=4, interval_s=15, clock=clock)
    assert tour.page_count == 3 and tour.cameras_on_page() == ["C0", "C1", "C2", "C3"]
    clock.t += 14.9
    assert tour.tick() is None
    clock.t += 0.1
    assert tour.tick() == ["C4", "C5", "C6", "C7"]
    clock.t += 15
    assert tour.tick() == ["C8", "C9", None, None]
    clock.t += 100  # a late tick moves one page only, and wraps around
    assert tour.tick() == ["C0", "C1", "C2", "C3"]
    assert tour.due_in() == pytest.approx(15)


def test_tour_pauses_on_interaction_and_resumes_after_quiet():
    clock = FakeClock()
    tour = TourScheduler(list("ABCDEFGH"), page_size=4, interval_s=10, clock=clock,
                         resume_after_s=30)
    clock.t += 5
    tour.pause("interaction")
    clock.t += 29
    assert tour.tick() is None and tour.paused
    clock.t += 1
    assert tour.tick() is None and not tour.paused  # resumed: the page gets a full interval
    clock.t += 9.9
    assert tour.tick() is None
    clock.t += 0.1
    assert tour.tick() == list("EFGH")


def test_tour_pause_without_auto_resume():
    clock = FakeClock()
    tour = TourScheduler(list("ABCDE"), page_size=1, interval_s=5, clock=clock,
                         resume_after_s=None)
    tour.pause("alarm")
    clock.t += 1000
    assert tour.tick() is None and tour.paused_reason == "alarm"
    assert tour.due_in() == float("inf")
    tour.resume()
    clock.t += 5
    assert tour.tick() == ["B"]
    with pytest.raises(ValueError):
        TourScheduler([], page_size=0)


# -- camera map layer data -------------------------------------------------------------------
def test_camera_layer_view_edges_follow_compass_headings():
    from app.map.cameras import CameraLayerData

    data = CameraLayerData(np.array(["N", "E"], object), np.array([0.0, 100.0]),
                           np.array([0.0, 0.0]), np.array([0.0, 90.0]), np.array([90.0, 60.0]),
                           np.array(["GA", "JY"], object), np.array([True, False]), {"GA", "JY"})
    xs, ys = data.view_segments(10.0)
    # camera N looks north with 90° of view: its edges point NW and NE
    assert np.allclose(xs[:4], [0, -7.0710678, 0, 7.0710678])
    assert np.allclose(ys[:4], [0, 7.0710678, 0, 7.0710678])
    # camera E looks east with 60°: edges at bearings 60° and 120°
    assert np.allclose(xs[4:], [100, 100 + 10 * np.sin(np.radians(60)), 100,
                                100 + 10 * np.sin(np.radians(120))])
    assert np.allclose(ys[4:], [0, 5, 0, -5])
    assert data.owners() == ["GA", "JY"]
    data.departments = {"JY"}
    assert data.shown_mask().tolist() == [False, True]
    assert data.nearest_shown(3, 0, 5) is None  # N is hidden
    assert data.nearest_shown(97, 1, 5) == "E"


def test_camera_layer_loads_the_district(store, district_map):
    from app.map.cameras import camera_layer_data

    data = camera_layer_data(store, district_map.frame)
    assert len(data) == store.scalar("SELECT count(*) FROM cameras")
    assert data.departments == set(data.department.tolist())
    x0, y0, x1, y1 = district_map.extent
    assert ((data.x >= x0 - 1) & (data.x <= x1 + 1) & (data.y >= y0 - 1) & (data.y <= y1 + 1)).all()


def test_snapshot_path_is_safe_and_timestamped(tmp_path, monkeypatch):
    from datetime import datetime

    from app.video.streams import snapshot_path

    monkeypatch.setenv("GRIDCC_SNAPSHOT_DIR", str(tmp_path))
    p = snapshot_path("GA/../00001", datetime(2026, 11, 20, 10, 30, 5))
    assert p == tmp_path / "GA____00001-20261120-103005.png"


def test_a_plugin_layer_joins_the_stack():
    """The video plugin adds its camera layer to the map's stack after start."""
    from app.map.layer_stack import LayerStack, MapLayer

    stack = LayerStack([MapLayer("cases", None), MapLayer("labels", None)])
    seen = []
    stack.subscribe(lambda s: seen.append(s.ids()))
    stack.add(MapLayer("cameras", None, visible=False), stack.index("labels"))
    assert stack.ids() == ["cases", "cameras", "labels"] and seen == [stack.ids()]
    assert not stack["cameras"].visible
    with pytest.raises(ValueError, match="already"):
        stack.add(MapLayer("cases", None))
    stack.add(MapLayer("top", None))
    assert stack.ids()[-1] == "top"


def test_demo_cameras_without_a_stored_sub_stream_still_have_one(small_db_copy):
    """Districts made before schema v3 store no sub-stream: demo cameras get theirs,
    a real camera without one plays its main stream everywhere."""
    from app.store import open_store

    store = open_store(small_db_copy)
    try:
        a, b = (r[0] for r in store.rows("SELECT code FROM cameras ORDER BY code LIMIT 2"))
        store.rows("UPDATE cameras SET substream_url = NULL WHERE code IN (?, ?)", [a, b])
        store.rows("UPDATE cameras SET stream_url = 'rtsp://10.0.0.1/main' WHERE code = ?", [b])
        reg = CameraRegistry.load(store)
    finally:
        store.close()
    assert reg.get(a).substream_url == f"{reg.get(a).stream_url}&stream=sub"
    assert reg.get(b).substream_url is None
