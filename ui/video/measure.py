"""Measure the wall on this machine: tiles decoding at once, GUI latency, memory per tile.

    QT_QPA_PLATFORM=offscreen python -m ui.video.measure [--clip FILE] [--counts 1,4,9,16]
        [--substream] [--reconnect]

For each tile count it plays the clip (looped, through the same tiles as the wall)
for a few seconds and reports the frames shown per second against the clip's rate,
the event-loop latency (a 10 ms timer's worst and 95th-percentile lateness: what
an operator feels as stutter) and resident memory per tile.  ``--substream`` plays
the demo clips' sub-stream copies (what small tiles of dense layouts play).
``--reconnect`` serves a live HTTP MPEG-TS stream from ffmpeg on loopback, kills it
and brings it back, and reports how long a tile takes to notice and to recover.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def measure(urls: list[str], counts: list[int], seconds: float = 6.0,
            rate: float | None = None) -> list[dict]:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QGridLayout, QWidget

    from ui.video.tile import VideoTile
    from ui.video.wall import display_rate

    app = QApplication.instance() or QApplication(["measure"])
    results = []
    for n in counts:
        host = QWidget()
        grid = QGridLayout(host)
        side = max(1, int(-(-n ** 0.5 // 1)))
        host.resize(1280, 720)
        host.setMinimumSize(320, 200)
        tiles = [VideoTile(i) for i in range(n)]
        for i, t in enumerate(tiles):
            grid.addWidget(t, i // side, i % side)
            t.set_display_rate(rate if rate is not None else display_rate(n))
        host.show()
        app.processEvents()
        rss0 = _rss_mb()
        for i, t in enumerate(tiles):
            t.set_camera(None, urls[i % len(urls)])
        # warm up until every tile shows pictures
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not all(t.frames > 0 for t in tiles):
            app.processEvents()
            time.sleep(0.005)
        gaps: list[float] = []
        last = [time.monotonic()]

        def beat(gaps=gaps, last=last) -> None:
            now = time.monotonic()
            gaps.append(now - last[0] - 0.010)
            last[0] = now

        timer = QTimer(interval=10, timeout=beat)
        f0 = sum(t.frames for t in tiles)
        s0 = sum(t.shown for t in tiles)
        c0, w0 = _cpu_s(), time.monotonic()
        last[0] = w0
        timer.start()
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()  # a real event loop: the timer's lateness is what a user would feel
        timer.stop()
        wall_s = time.monotonic() - w0
        frames = sum(t.frames for t in tiles) - f0
        shown = sum(t.shown for t in tiles) - s0
        rss1 = _rss_mb()
        gaps.sort()
        results.append({
            "tiles": n,
            "live": sum(t.state == "live" for t in tiles),
            "decoded_fps_per_tile": round(frames / wall_s / n, 1),
            "shown_fps_per_tile": round(shown / wall_s / n, 1),
            "cpu_percent": round(100 * (_cpu_s() - c0) / wall_s),
            "latency_p95_ms": round(1000 * gaps[int(0.95 * (len(gaps) - 1))], 1) if gaps else None,
            "latency_max_ms": round(1000 * gaps[-1], 1) if gaps else None,
            "rss_mb": round(rss1, 1),
            "mb_per_tile": round((rss1 - rss0) / n, 1),
        })
        for t in tiles:
            t.set_camera(None)
        host.close()
        host.deleteLater()
        app.processEvents()
        time.sleep(0.5)
    return results


def measure_reconnect(down_s: float = 3.0, rounds: int = 3) -> list[dict]:
    """Kill a live loopback stream under a playing tile, restart it after ``down_s``:
    seconds until the tile shows stalled/lost, and until pictures flow again."""
    import shutil
    import socket
    import subprocess

    from PySide6.QtWidgets import QApplication

    from ui.video.tile import VideoTile

    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise SystemExit("ffmpeg is not installed")
    app = QApplication.instance() or QApplication(["measure"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/live.ts"

    def serve() -> subprocess.Popen:
        proc = subprocess.Popen(
            [ffmpeg, "-nostdin", "-v", "error", "-re", "-f", "lavfi", "-i",
             "testsrc2=size=640x360:rate=25", "-c:v", "mpeg2video", "-q:v", "6", "-g", "25",
             "-f", "mpegts", "-listen", "1", url],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.3)  # listening (ffmpeg's HTTP server takes one client: no probing)
        return proc

    def wait(cond, limit: float) -> float | None:
        t0 = time.monotonic()
        while time.monotonic() - t0 < limit:
            app.processEvents()
            if cond():
                return time.monotonic() - t0
            time.sleep(0.01)
        return None

    tile = VideoTile(0)
    tile.resize(640, 360)
    tile.show()
    server = serve()
    tile.set_camera(None, url)
    out = []
    try:
        if wait(lambda: tile.state == "live", 20) is None:
            raise SystemExit("the loopback stream never played")
        for _ in range(rounds):
            wait(lambda: False, 1.0)  # play a moment
            server.kill()
            server.wait()
            stalled = wait(lambda: tile.state in ("stalled", "lost"), 15)
            lost = wait(lambda: tile.state == "lost", 15)
            wait(lambda: False, down_s)
            server = serve()
            t_up = time.monotonic()
            frames = tile.frames
            back = wait(lambda f=frames: tile.state == "live" and tile.frames > f, 60)
            out.append({"down_s": down_s, "noticed_s": round(stalled, 2) if stalled else None,
                        "lost_after_s": round((stalled or 0) + (lost or 0), 2),
                        "reconnected_s": round(back, 2) if back is not None else None,
                        "since_restart_s": round(time.monotonic() - t_up, 2)})
    finally:
        tile.set_camera(None)
        server.kill()
        server.wait()
    return out


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clip", action="append", help="video file or URL (repeatable)")
    p.add_argument("--counts", default="1,4,9,16")
    p.add_argument("--seconds", type=float, default=6.0)
    p.add_argument("--rate", type=float, default=None,
                   help="pictures per second per tile (default: what the wall uses)")
    p.add_argument("--substream", action="store_true",
                   help="play the demo clips' sub-stream copies")
    p.add_argument("--reconnect", action="store_true",
                   help="measure noticing a dead stream and reconnecting instead")
    a = p.parse_args()
    from app.video.streams import SUB_DIR, demo_clips

    if a.reconnect:
        for r in measure_reconnect():
            print(json.dumps(r), flush=True)
        return
    urls = [c if "://" in c else Path(c).resolve().as_uri() for c in (a.clip or [])]
    clips = demo_clips()
    if a.substream:
        clips = [c.parent / SUB_DIR / c.name for c in clips if (c.parent / SUB_DIR / c.name).is_file()]
    urls = urls or [c.resolve().as_uri() for c in clips]
    if not urls:
        raise SystemExit("no clips: run `python -m app demo-media` or pass --clip")
    counts = [int(c) for c in a.counts.split(",")]
    for r in measure(urls, counts, a.seconds, a.rate):
        print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
