"""Real camera streams on loopback for the video tests: ffmpeg serving HTTP MPEG-TS.

Imported by the other video tests; its own test checks the helper itself.  Every
server binds 127.0.0.1 only and is killed by the fixture that started it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

FFMPEG = shutil.which("ffmpeg")
needs_ffmpeg = pytest.mark.skipif(FFMPEG is None, reason="Debian's ffmpeg is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    """True when something listens on 127.0.0.1:port, without connecting to it
    (ffmpeg's HTTP server accepts exactly one client: a probe would use it up)."""
    want = f":{port:04X}"
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[1].endswith(want) and parts[3] == "0A":
                return True
    return False


class LoopbackStream:
    """ffmpeg rendering a test pattern and serving it as HTTP MPEG-TS on 127.0.0.1."""

    def __init__(self, port: int | None = None, size: str = "320x180", rate: int = 15) -> None:
        self.port = port or free_port()
        self.size, self.rate = size, rate
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/live.ts"

    def start(self, wait_s: float = 10.0) -> LoopbackStream:
        assert FFMPEG is not None
        self.proc = subprocess.Popen(
            [FFMPEG, "-nostdin", "-hide_banner", "-v", "error", "-re",
             "-f", "lavfi", "-i", f"testsrc2=size={self.size}:rate={self.rate}",
             "-c:v", "mpeg2video", "-q:v", "6", "-g", str(self.rate),
             "-f", "mpegts", "-listen", "1", self.url],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + wait_s
        while not _listening(self.port):
            if self.proc.poll() is not None:
                raise RuntimeError(f"ffmpeg server exited with {self.proc.returncode}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("ffmpeg server did not listen in time")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self.proc = None


@pytest.fixture
def http_stream():
    """A live HTTP MPEG-TS stream on loopback for one test."""
    s = LoopbackStream().start()
    yield s
    s.stop()


@needs_ffmpeg
def test_loopback_server_serves_mpegts(http_stream):
    import urllib.request

    with urllib.request.urlopen(http_stream.url, timeout=5) as r:
        head = r.read(188 * 4)
    assert head[0] == 0x47 and head[188] == 0x47  # MPEG-TS sync bytes
