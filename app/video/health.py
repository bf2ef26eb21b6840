"""Camera health check (视频在线检测) through Debian's ffmpeg.

Why ffmpeg in a subprocess rather than QtMultimedia: ``app/`` stays Qt-free and
usable on a headless server; QtMultimedia's backend is FFmpeg too, so the same
demuxers and decoders judge the stream; and each stream runs in its own process
with a hard time limit, so a hung RTSP server or a crashing decoder cannot take
the checker down, and several streams are checked in parallel.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

from app.video.registry import Camera
from app.video.streams import StreamUrlError, is_demo, resolve_stream

_VIDEO_SIZE = re.compile(r"Video: .*?, (\d{2,5})x(\d{2,5})")
_NOISE = ("Last message repeated", "deprecated")


@dataclass
class StreamHealth:
    """The outcome of opening one stream for a few seconds."""

    code: str
    department: str
    url: str
    reachable: bool = False
    first_frame_s: float | None = None
    width: int | None = None
    height: int | None = None
    frames: int = 0
    error: str | None = None
    #: the sub-stream (辅码流) checked the same way, or None for a single-stream camera
    substream: StreamHealth | None = None

    def as_dict(self) -> dict:
        d = asdict(self)
        if self.substream is not None:
            sub = d["substream"]
            for key in ("code", "department", "substream"):
                sub.pop(key)
        return d

    @property
    def healthy(self) -> bool:
        """Main stream, and the sub-stream if there is one, both decode."""
        return self.reachable and (self.substream is None or self.substream.reachable)


def _ffmpeg() -> str:
    path = shutil.which("ffmpeg")
    if path is None:
        raise RuntimeError("ffmpeg is not installed (Debian package ffmpeg; `bash gridcc setup`)")
    return path


def _input_args(url: str, timeout_s: float) -> list[str]:
    us = str(int(max(timeout_s, 0.5) * 1_000_000))
    if url.startswith("file:"):
        # a clip plays at its own rate and loops, as it does on the wall
        return ["-re", "-stream_loop", "-1", "-i", url]
    # a camera is judged by how soon it shows a picture, as on the wall: probe briefly
    # (ffmpeg's default is 5 s of stream analysis before the first decoded frame)
    probe = ["-analyzeduration", "500000", "-probesize", "500000"]
    if url.startswith(("rtsp:", "rtsps:")):
        return [*probe, "-timeout", us, "-i", url]  # UDP first, then TCP, as players do
    return [*probe, "-rw_timeout", us, "-i", url]


def probe_stream(url: str, timeout_s: float = 3.0) -> tuple[bool, float | None, int | None,
                                                         int | None, int, str | None]:
    """Decode ``url`` for ``timeout_s`` seconds: (reachable, first frame s, w, h, frames, error)."""
    cmd = [_ffmpeg(), "-nostdin", "-hide_banner", "-v", "info",
           *_input_args(url, timeout_s), "-t", f"{timeout_s:.3f}", "-map", "0:v:0?",
           "-an", "-f", "null", "-progress", "pipe:1", "-stats_period", "0.1", "-"]
    start = time.monotonic()
    first: list[float] = []
    frames = [0]
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL,
                                text=True)

        def read_progress() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("frame="):
                    n = int(line[6:].strip() or 0)
                    if n > 0 and not first:
                        first.append(time.monotonic() - start)
                    frames[0] = max(frames[0], n)

        reader = threading.Thread(target=read_progress, daemon=True)
        reader.start()
        # hard limit: connect time plus decode time plus slack; a hung server is killed
        try:
            proc.wait(timeout=2 * timeout_s + 5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(timeout=2)
        if proc.stdout is not None:
            proc.stdout.close()
        err.seek(0)
        log = err.read()
    m = _VIDEO_SIZE.search(log)
    w, h = (int(m.group(1)), int(m.group(2))) if m else (None, None)
    error = None
    if frames[0] == 0:
        lines = [ln.strip() for ln in log.splitlines()
                 if ln.strip() and not any(n in ln for n in _NOISE)]
        error = lines[-1] if lines else f"no video frame within {timeout_s:g} s"
        if m is None and proc.returncode == 0:
            error = "stream has no video"
    return frames[0] > 0, (first[0] if first else None), w, h, frames[0], error


def check_camera(cam: Camera, timeout_s: float = 3.0) -> StreamHealth:
    """Open one camera's main stream and sub-stream (if any), one after the other."""
    h = check_stream(cam, cam.stream_url, timeout_s)
    if cam.substream_url:
        h.substream = check_stream(cam, cam.substream_url, timeout_s)
    return h


def check_stream(cam: Camera, url: str, timeout_s: float = 3.0) -> StreamHealth:
    """Open one of a camera's streams; demo cameras marked offline are unreachable."""
    h = StreamHealth(cam.code, cam.department, url)
    if is_demo(url) and not cam.online:
        # the demo district marks some cameras offline; there is no stream to open
        h.error = "demo camera marked offline"
        return h
    try:
        url = resolve_stream(url, kind=cam.kind)
    except StreamUrlError as exc:
        h.error = str(exc)
        return h
    (h.reachable, h.first_frame_s, h.width, h.height, h.frames,
     h.error) = probe_stream(url, timeout_s)
    return h


def check_cameras(cameras: Iterable[Camera], timeout_s: float = 3.0, jobs: int = 4,
                  progress: Callable[[StreamHealth], None] | None = None) -> list[StreamHealth]:
    """Check cameras' main and sub-streams in parallel (``jobs`` ffmpeg processes at
    once); results in input order, ``progress`` called as each camera is done."""
    cams = list(cameras)
    _ffmpeg()  # fail once, clearly, before starting any work
    lock = threading.Lock()
    results: dict[int, StreamHealth] = {}
    pending = {i: 2 if cam.substream_url else 1 for i, cam in enumerate(cams)}

    def one(task: tuple[int, bool]) -> None:
        i, sub = task
        cam = cams[i]
        r = check_stream(cam, cam.substream_url if sub else cam.stream_url, timeout_s)
        with lock:
            if sub:
                results.setdefault(i, StreamHealth(cam.code, cam.department, cam.stream_url))
                results[i].substream = r
            else:
                r.substream = results[i].substream if i in results else None
                results[i] = r
            pending[i] -= 1
            done = pending[i] == 0
        if done and progress is not None:
            progress(results[i])

    tasks = [(i, sub) for i, cam in enumerate(cams)
             for sub in ((False, True) if cam.substream_url else (False,))]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(one, tasks))
    return [results[i] for i in range(len(cams))]


def online_rates(results: Iterable[StreamHealth]) -> dict[str, dict]:
    """Online rate (在线率) per owner department: {dept: {checked, online, rate}}."""
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        acc[r.department][0] += 1
        acc[r.department][1] += int(r.reachable)
    return {d: {"checked": n, "online": k, "rate": round(k / n, 4) if n else 0.0}
            for d, (n, k) in sorted(acc.items())}
