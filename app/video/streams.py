"""Camera stream addresses: which URLs the wall can open and what ``demo://`` means.

Demo cameras (``demo://camera/<code>?scene=<scene>``) play one of a handful of short
clips made at set-up by :mod:`app.video.demo_media`, one of the scene that fits where
the camera hangs (a kindergarten corridor, a school gate, a market street …); the clip
is looped through exactly the same player as a real RTSP/HTTP stream, so the offline
demonstration exercises the real path.  Their sub-stream (辅码流, ``…&stream=sub``)
plays the same scene from a lower-resolution copy of the clip in the ``sub`` folder
beside the clips.
"""

from __future__ import annotations

import os
import zlib
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from platformdirs import user_data_dir

#: schemes a camera stream may use; demo is resolved to a local clip
STREAM_SCHEMES = ("rtsp", "rtsps", "http", "https", "file", "demo")
CLIP_SUFFIX = ".mp4"
SUB_DIR = "sub"  # lower-resolution copies of the clips, for demo sub-streams


class StreamUrlError(ValueError):
    """A camera address the wall cannot play (bad scheme, missing demo clip …)."""


def demo_media_dir() -> Path:
    """Where the demo clips live: $GRIDCC_MEDIA_DIR, else the user's data directory."""
    env = os.environ.get("GRIDCC_MEDIA_DIR")
    if env:
        return Path(env).expanduser()
    return Path(user_data_dir("gridcc", appauthor=False)) / "demo-media"


def snapshot_path(code: str, when: datetime) -> Path:
    """Where a tile's snapshot (evidence for a case, 取证截图) is saved:
    $GRIDCC_SNAPSHOT_DIR, else ``snapshots`` in the user's data directory."""
    env = os.environ.get("GRIDCC_SNAPSHOT_DIR")
    folder = (Path(env).expanduser() if env
              else Path(user_data_dir("gridcc", appauthor=False)) / "snapshots")
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in code) or "camera"
    return folder / f"{safe}-{when:%Y%m%d-%H%M%S}.png"


def demo_clips(media_dir: Path | None = None) -> list[Path]:
    """The generated demo clips, sorted by name (empty if none were made yet)."""
    folder = media_dir if media_dir is not None else demo_media_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == CLIP_SUFFIX and p.stat().st_size > 0)


def is_demo(url: str) -> bool:
    return url.startswith("demo://")


def is_demo_substream(url: str) -> bool:
    """``demo://camera/<code>?stream=sub``: the demo camera's sub-stream."""
    return is_demo(url) and parse_qs(urlsplit(url).query).get("stream") == ["sub"]


def demo_scene(url: str) -> str | None:
    """The scene of ``demo://camera/<code>?scene=<scene>`` (None: not given)."""
    return (parse_qs(urlsplit(url).query).get("scene") or [None])[0]


def substream_of(url: str) -> str:
    """The sub-stream address of a demo camera's main stream."""
    return f"{url}{'&' if '?' in url else '?'}stream=sub"


def demo_code(url: str) -> str:
    """The camera code of ``demo://camera/<code>``."""
    parts = urlsplit(url)
    path = parts.path.strip("/")
    if parts.netloc != "camera" or not path:
        raise StreamUrlError(f"demo address must look like demo://camera/CODE, not {url!r}")
    return path


#: which demo scenes suit a camera of each kind (clip names end in -<scene>.mp4), for
#: demo addresses that do not name their scene (districts made before they did)
KIND_SCENES = {"street": ("street", "crossing", "community"),
               "kindergarten": ("kindergarten",),
               "school": ("school",), "hospital": ("hospital",),
               "care_home": ("care_home",), "enterprise": ("enterprise",)}


def resolve_stream(url: str, media_dir: Path | None = None, kind: str | None = None) -> str:
    """The address a player opens for a camera's ``stream_url``.

    Real streams pass through unchanged (after a scheme check); a demo camera maps to
    one of the demo clips, chosen by a stable hash of its code so that neighbouring
    cameras show different clips: among the clips of the scene its address names
    (``?scene=kindergarten_corridor``: a kindergarten corridor camera does not show a
    school gate), else of a scene fitting its ``kind``.  A bare file path becomes a
    ``file://`` URL.
    """
    url = url.strip()
    if not url:
        raise StreamUrlError("camera has no stream address")
    if "://" not in url:
        path = Path(url).expanduser()
        if not path.is_file():
            raise StreamUrlError(f"video file {url} does not exist")
        return path.resolve().as_uri()
    scheme = url.split("://", 1)[0].lower()
    if scheme not in STREAM_SCHEMES:
        raise StreamUrlError(f"unsupported stream scheme {scheme!r} in {url!r} "
                             f"(use {', '.join(STREAM_SCHEMES)})")
    if scheme != "demo":
        return url
    code = demo_code(url)
    clips = demo_clips(media_dir)
    if not clips:
        raise StreamUrlError("no demo clips yet: run `python -m app demo-media`")
    scene = demo_scene(url)
    fits = (scene,) if scene else KIND_SCENES.get(kind or "", ())
    fitting = [p for p in clips if p.stem.rsplit("-", 1)[-1] in fits]
    clips = fitting or clips
    clip = clips[zlib.crc32(code.encode()) % len(clips)]
    if is_demo_substream(url):
        clip = clip.parent / SUB_DIR / clip.name  # the same scene, smaller
        if not clip.is_file():
            raise StreamUrlError(f"no demo sub-stream clip {clip.name} yet: "
                                 "run `python -m app demo-media`")
    return clip.resolve().as_uri()
