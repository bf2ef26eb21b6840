"""Real camera streams on loopback for the video tests: ffmpeg serving HTTP MPEG-TS,
an RTSP server (Debian's librtsp-server-perl) fed by ffmpeg, and a live HLS stream
(ffmpeg writing an .m3u8 playlist and .ts segments, Python's http.server serving them).

Imported by the other video tests; its own test checks the helper itself.  Every
server binds 127.0.0.1 only and is killed by the fixture that started it.
"""

from __future__ import annotations

import functools
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

FFMPEG = shutil.which("ffmpeg")
needs_ffmpeg = pytest.mark.skipif(FFMPEG is None, reason="Debian's ffmpeg is not installed")
HAVE_RTSP_SERVER = shutil.which("perl") is not None and subprocess.run(
    ["perl", "-MRTSP::Server", "-e", "1"], capture_output=True).returncode == 0
needs_rtsp = pytest.mark.skipif(not HAVE_RTSP_SERVER,
                                reason="Debian's librtsp-server-perl is not installed")

# RTSP::Server relays what a source ANNOUNCEs/RECORDs on one port to players on another
_RTSP_SERVER = """
use strict; use AnyEvent; use RTSP::Server;
my ($cport, $sport, $rtp) = @ARGV;
my $srv = RTSP::Server->new(log_level => 0, client_listen_port => $cport,
    source_listen_port => $sport, rtp_start_port => $rtp,
    client_listen_address => '127.0.0.1', source_listen_address => '127.0.0.1');
$srv->listen;
AnyEvent->condvar->recv;
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_udp_pair() -> int:
    """An even UDP port whose successor is free too (RTP and RTCP of the relay)."""
    import random

    for _ in range(200):
        port = random.randrange(30000, 60000, 2)
        socks = []
        try:
            for p in (port, port + 1):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return port
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free UDP port pair")


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


#: HTTP camera formats: (path, ffmpeg codec and muxer arguments)
HTTP_FORMATS = {
    "mpegts": ("live.ts", ["-c:v", "mpeg2video", "-q:v", "6", "-f", "mpegts"]),
    "mjpeg": ("cam.mjpg", ["-c:v", "mjpeg", "-q:v", "6", "-f", "mpjpeg"]),  # multipart JPEG
}


def _kill(proc) -> None:
    """Stop a server process of a test (if it still runs) and reap it."""
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait(timeout=5)


class LoopbackStream:
    """ffmpeg rendering a test pattern and serving it over HTTP (MPEG-TS or MJPEG) on
    127.0.0.1."""

    def __init__(self, port: int | None = None, size: str = "320x180", rate: int = 15,
                 fmt: str = "mpegts") -> None:
        self.port = port or free_port()
        self.size, self.rate, self.fmt = size, rate, fmt
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{HTTP_FORMATS[self.fmt][0]}"

    def start(self, wait_s: float = 10.0) -> LoopbackStream:
        assert FFMPEG is not None
        self.proc = subprocess.Popen(
            [FFMPEG, "-nostdin", "-hide_banner", "-v", "error", "-re",
             "-f", "lavfi", "-i", f"testsrc2=size={self.size}:rate={self.rate}",
             "-g", str(self.rate), *HTTP_FORMATS[self.fmt][1], "-listen", "1", self.url],
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
        _kill(self.proc)
        self.proc = None


class LoopbackRtsp:
    """An RTSP camera on 127.0.0.1: the relay server plus ffmpeg pushing a test pattern."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.source_port = free_port()
        self.rtp_port = free_udp_pair()
        self.server: subprocess.Popen | None = None
        self.source: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"rtsp://127.0.0.1:{self.port}/live"

    def start(self, wait_s: float = 10.0) -> LoopbackRtsp:
        assert FFMPEG is not None
        self.server = subprocess.Popen(
            ["perl", "-e", _RTSP_SERVER, str(self.port), str(self.source_port),
             str(self.rtp_port)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + wait_s
        while not (_listening(self.port) and _listening(self.source_port)):
            if self.server.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("RTSP server did not start")
            time.sleep(0.05)
        self.source = subprocess.Popen(
            [FFMPEG, "-nostdin", "-hide_banner", "-v", "error", "-re",
             "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15",
             "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "15",
             "-f", "rtsp", f"rtsp://127.0.0.1:{self.source_port}/live"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)  # the source ANNOUNCEs the mount before players ask for it
        return self

    def stop(self) -> None:
        for proc in (self.source, self.server):
            _kill(proc)
        self.source = self.server = None


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *_args) -> None:  # no access log on the test output
        pass


class LoopbackHls:
    """A live HLS camera on 127.0.0.1: ffmpeg renders a test pattern into 1-second H.264
    segments and a sliding playlist; a thread of Python's http.server serves the folder."""

    def __init__(self, size: str = "320x180", rate: int = 15) -> None:
        self.size, self.rate = size, rate
        self.dir = Path(tempfile.mkdtemp(prefix="gridcc-hls-"))
        self.proc: subprocess.Popen | None = None
        self.httpd: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self.httpd is not None
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/live.m3u8"

    def segments(self) -> list[Path]:
        return sorted(self.dir.glob("*.ts"))

    def start(self, wait_s: float = 15.0) -> LoopbackHls:
        assert FFMPEG is not None
        self.proc = subprocess.Popen(
            [FFMPEG, "-nostdin", "-hide_banner", "-v", "error", "-re",
             "-f", "lavfi", "-i", f"testsrc2=size={self.size}:rate={self.rate}",
             "-c:v", "libx264", "-preset", "ultrafast", "-g", str(self.rate),
             "-f", "hls", "-hls_time", "1", "-hls_list_size", "6",
             "-hls_flags", "delete_segments", str(self.dir / "live.m3u8")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        handler = functools.partial(_QuietHandler, directory=str(self.dir))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + wait_s
        # a player starts a few segments from the live end: wait for three
        while len(self.segments()) < 3 or not (self.dir / "live.m3u8").is_file():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("ffmpeg did not write HLS segments in time")
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        _kill(self.proc)
        self.proc = None
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None
        shutil.rmtree(self.dir, ignore_errors=True)


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


@needs_ffmpeg
@needs_rtsp
def test_loopback_rtsp_server_describes_the_stream():
    s = LoopbackRtsp().start()
    try:
        with socket.create_connection(("127.0.0.1", s.port), timeout=5) as c:
            c.sendall(f"DESCRIBE {s.url} RTSP/1.0\r\nCSeq: 1\r\n\r\n".encode())
            reply = ""
            while "m=video" not in reply:  # headers and SDP body come in separate writes
                chunk = c.recv(4096).decode("latin-1")
                if not chunk:
                    break
                reply += chunk
    finally:
        s.stop()
    assert reply.startswith("RTSP/1.0 200") and "m=video" in reply


@needs_ffmpeg
def test_loopback_hls_serves_a_live_playlist():
    import urllib.request

    s = LoopbackHls().start()
    try:
        with urllib.request.urlopen(s.url, timeout=5) as r:
            playlist = r.read().decode()
        segment = next(ln for ln in playlist.splitlines() if ln.endswith(".ts"))
        with urllib.request.urlopen(s.url.replace("live.m3u8", segment), timeout=5) as r:
            head = r.read(188 * 2)
    finally:
        s.stop()
    assert playlist.startswith("#EXTM3U") and "#EXT-X-ENDLIST" not in playlist  # live
    assert head[0] == 0x47 and head[188] == 0x47
