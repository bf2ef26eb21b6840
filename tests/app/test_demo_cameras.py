"""Demo camera clips fit the camera's place: a kindergarten corridor camera plays a
corridor, a school gate camera the gate, a crossing a street (app/demo/cameras.py names
the scene in the demo address, app/video/streams.py plays a clip of that scene)."""

from __future__ import annotations

import pytest

from app.video.demo_media import SCENES
from app.video.registry import CameraRegistry
from app.video.streams import demo_scene, resolve_stream


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    """One stand-in clip file per scene, named as demo-media names them."""
    folder = tmp_path_factory.mktemp("clips")
    (folder / "sub").mkdir()
    for i, s in enumerate(SCENES):
        for f in (folder / f"demo-{i + 1:02d}-{s.slug}.mp4",
                  folder / "sub" / f"demo-{i + 1:02d}-{s.slug}.mp4"):
            f.write_bytes(b"x")
    return folder


def _scene_of(uri: str) -> str:
    return uri.rsplit("/", 1)[-1].removesuffix(".mp4").split("-", 2)[2]


def test_every_demo_camera_plays_a_clip_of_its_place(store, clips):
    reg = CameraRegistry.load(store)
    slugs = {s.slug for s in SCENES}
    seen: dict[tuple[str, str], set[str]] = {}
    for c in reg.cameras:
        scene = demo_scene(c.stream_url)
        assert scene in slugs, c.stream_url
        played = _scene_of(resolve_stream(c.stream_url, clips, kind=c.kind))
        assert played == scene
        assert _scene_of(resolve_stream(c.substream_url, clips, kind=c.kind)) == scene
        spot = next((s for s in ("走廊", "大门", "校门", "操场", "路口") if s in c.name), "")
        seen.setdefault((c.kind, spot), set()).add(played)
    # the places the issue names
    assert seen[("kindergarten", "走廊")] == {"kindergarten_corridor"}
    assert seen[("kindergarten", "大门")] == {"kindergarten_gate"}
    assert seen[("school", "校门")] == {"school"}
    assert all(s.startswith("kindergarten") for (k, _), v in seen.items()
               if k == "kindergarten" for s in v)
    for kind in ("hospital", "care_home", "enterprise"):
        assert set().union(*(v for (k, _), v in seen.items() if k == kind)) == {kind}
    street = set().union(*(v for (k, _), v in seen.items() if k == "street"))
    assert street <= {"street", "crossing", "market"} and "market" in street


def test_an_address_without_a_scene_falls_back_to_the_kind(clips):
    """Districts made before demo addresses named their scene."""
    for i in range(20):
        url = f"demo://camera/JY{i:05d}"
        assert _scene_of(resolve_stream(url, clips, kind="kindergarten")) == "kindergarten"
        assert _scene_of(resolve_stream(url, clips, kind="hospital")) == "hospital"
