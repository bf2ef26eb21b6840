"""One playback tile (视频窗格): a QMediaPlayer decoding into a QVideoSink.

The tile paints the decoded frames itself (no QVideoWidget: it needs no native
window, so it also decodes and renders under QT_QPA_PLATFORM=offscreen and in
screenshots), with the camera name, owner, state and time on top.

States: idle → connecting → live; live → stalled (no frame for a while) → lost;
an error or the end of a live stream is "lost" with the reason, and the tile
reconnects with back-off (1, 2, 4 … 30 s) on a timer, never blocking the window.
A tile that is not visible (hidden dock, other page, maximised neighbour) stops
its player, so it costs no decoding.
"""

from __future__ import annotations

import time
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QRectF, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.clock import Clock, district_clock
from app.video.registry import Camera
from app.video.streams import StreamUrlError, is_demo, resolve_stream
from ui import theme
from ui.video.ffmpeg_log import quiet_multimedia

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QMediaPlayer, QVideoSink

CAMERA_MIME = "application/x-gridcc-camera"
BACKOFF_S = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
PULL_MS = 40  # newest frame taken up to 25 times a second
STATE_COLOURS = {"idle": "#6b7785", "connecting": "#f0b429", "live": "#3ccf6e",
                 "stalled": "#f08c29", "lost": "#e5484d", "paused": "#6b7785"}
ALARM_COLOUR, ALARM_DIM = "#e5484d", "#7a1d22"
STATE_TEXT = {"idle": QT_TRANSLATE_NOOP("VideoTile", "空闲"),
              "connecting": QT_TRANSLATE_NOOP("VideoTile", "连接中"),
              "live": QT_TRANSLATE_NOOP("VideoTile", "实时"),
              "stalled": QT_TRANSLATE_NOOP("VideoTile", "卡顿"),
              "lost": QT_TRANSLATE_NOOP("VideoTile", "断开"),
              "paused": QT_TRANSLATE_NOOP("VideoTile", "暂停")}


class VideoTile(QWidget):
    """A camera tile: plays the stream, shows its state, reconnects, takes snapshots."""

    stateChanged = Signal(str, str)  # state, reason
    doubleClicked = Signal()
    interacted = Signal()  # the operator touched the tile (pauses the tour)
    cameraDropped = Signal(str)  # a camera code dragged onto the tile

    def __init__(self, index: int = 0, parent: QWidget | None = None, *,
                 stall_s: float = 2.0, lost_s: float = 6.0, connect_s: float = 10.0,
                 backoff_s: tuple[float, ...] = BACKOFF_S) -> None:
        super().__init__(parent)
        self.index = index
        self.stall_s, self.lost_s, self.backoff_s = stall_s, lost_s, backoff_s
        # the first picture of an RTSP or MPEG-TS stream takes a few seconds of probing:
        # a longer limit while connecting than once pictures flow
        self.connect_s = connect_s
        self.setAcceptDrops(True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(120, 68)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.camera: Camera | None = None
        self.url: str | None = None
        #: play the camera's sub-stream (辅码流) if it has one: the wall asks for it in
        #: the small tiles of dense layouts, where the main stream's pixels are wasted
        self.prefer_substream = False
        self._explicit_url = False
        self.state, self.reason = "idle", ""
        self.frames = 0  # frames decoded since the camera was set
        self.shown = 0  # frames converted and painted (at most one per pull)
        self.image: QImage | None = None
        self.first_frame_s: float | None = None
        self.selected = False
        self.alarm: str | None = None  # an urgent case took the tile: red frame and label
        #: the time in the caption (the wall gives its own; never the machine's UTC)
        self.clock: Clock = district_clock()
        self._attempt = 0
        self._opened_at = 0.0
        self._last_frame = 0.0
        self._seek_fraction: float | None = None
        self._player: QMediaPlayer | None = None
        self._sink: QVideoSink | None = None
        self._retry = QTimer(self, singleShot=True, timeout=self._reconnect)
        self._watchdog = QTimer(self, interval=250, timeout=self._check_flow)
        # Frames are produced on the decoder's thread. Queuing every one to the GUI
        # thread (videoFrameChanged) piles them up without bound once the GUI cannot
        # keep up (16 tiles of 720p25 grew by 5 GB in 10 s on this machine), and a
        # direct connection would run Python on the decoder thread (GIL deadlock on
        # stop): so the GUI pulls the sink's newest frame on a timer, dropping the rest.
        self._last_key: int | None = None
        self._pull = QTimer(self, interval=PULL_MS, timeout=self._pull_frame)

    # -- public ------------------------------------------------------------------------
    def set_camera(self, camera: Camera | None, url: str | None = None) -> None:
        """Show ``camera`` (its stream_url, or an explicit ``url``); None empties the tile."""
        self._close_player()
        self.camera = camera
        self._explicit_url = url is not None
        self.url = url if url is not None else self._camera_url()
        self.frames, self.shown, self.image, self.first_frame_s, self._attempt = 0, 0, None, None, 0
        if self.url is None:
            self._set_state("idle", "")
        elif self.isVisible():
            self._open()
        else:
            self._set_state("paused", self.tr("窗格不可见"))
        self.update()

    def _camera_url(self) -> str | None:
        cam = self.camera
        if cam is None:
            return None
        return cam.substream_url if self.prefer_substream and cam.substream_url else cam.stream_url

    @property
    def on_substream(self) -> bool:
        return (self.camera is not None and self.camera.substream_url is not None
                and self.url == self.camera.substream_url)

    def set_substream(self, on: bool) -> None:
        """Prefer the sub-stream (small tile) or the main stream (big tile, full size);
        a camera being shown switches over at once."""
        if on == self.prefer_substream:
            return
        self.prefer_substream = on
        if self.camera is not None and not self._explicit_url and self._camera_url() != self.url:
            self.set_camera(self.camera)

    def set_alarm(self, text: str | None) -> None:
        """Mark the tile as taken by an alarm (red frame, label) or clear the mark."""
        if text != self.alarm:
            self.alarm = text
            self.update()

    def set_display_rate(self, fps: float) -> None:
        """At most ``fps`` pictures a second are converted and painted (the wall lowers
        it for many small tiles: the GUI thread converts every shown frame)."""
        self._pull.setInterval(max(10, int(1000 / max(1.0, fps))))

    def snapshot(self, path: str | Path) -> bool:
        """Save the last decoded frame as PNG (evidence for a case); False if none yet."""
        if self.image is None or self.image.isNull():
            return False
        return self.image.save(str(path), "PNG")

    @property
    def decoding(self) -> bool:
        return self._player is not None

    def sizeHint(self) -> QSize:
        return QSize(320, 180)

    # -- player --------------------------------------------------------------------------
    def _open(self) -> None:
        if self.url is None:
            return
        try:
            source = resolve_stream(self.url, kind=self.camera.kind if self.camera else None)
        except StreamUrlError as exc:
            if self.on_substream and self.camera.stream_url:
                self.url = self.camera.stream_url  # no sub-stream to be had: the main one
                self._open()
                return
            self._set_state("lost", str(exc))
            return  # a bad address does not get better by retrying
        self._close_player()
        # imported on first playback: loading QtMultimedia probes the platform's audio
        # (PipeWire) and warns where there is none, which windows without video need not do
        quiet_multimedia()  # Qt's rules before the first player loads the FFmpeg plugin
        from PySide6.QtMultimedia import QMediaPlayer, QVideoSink

        self._sink = QVideoSink(self)
        self._last_key = None
        self._player = QMediaPlayer(self)
        quiet_multimedia()  # FFmpeg's own log level, now that its library is loaded
        self._player.setVideoSink(self._sink)
        self._player.errorOccurred.connect(self._on_error)
        self._player.mediaStatusChanged.connect(self._on_status)
        if source.startswith("file:"):
            self._player.setLoops(QMediaPlayer.Loops.Infinite)  # demo clips loop forever
        # demo cameras sharing a clip start at different moments of it, as real ones would
        self._seek_fraction = ((zlib.crc32(self.url.encode()) % 997) / 997
                               if is_demo(self.url) else None)
        self._opened_at = time.monotonic()
        self._last_frame = 0.0
        self._set_state("connecting", self.tr("第{n}次").format(n=self._attempt + 1)
                        if self._attempt else "")
        self._player.setSource(QUrl(source))
        self._player.play()
        self._watchdog.start()
        self._pull.start()

    def _close_player(self) -> None:
        self._retry.stop()
        self._watchdog.stop()
        self._pull.stop()
        if self._player is not None:
            p, s = self._player, self._sink
            self._player = self._sink = None
            p.errorOccurred.disconnect(self._on_error)
            p.mediaStatusChanged.disconnect(self._on_status)
            p.stop()
            p.setVideoSink(None)
            p.deleteLater()
            s.deleteLater()

    def _pull_frame(self) -> None:
        """GUI thread: take the sink's newest frame, if it is a new one, and show it."""
        if self._sink is None or self._player is None:
            return
        frame = self._sink.videoFrame()
        if not frame.isValid():
            return
        # a new frame has a new presentation time; a stream without times falls back
        # on the playback position
        start = frame.startTime()
        key = start if start >= 0 else -1 - self._player.position()
        if key == self._last_key:
            return
        self._last_key = key
        now = time.monotonic()
        self.frames += 1
        self._last_frame = now
        if self.first_frame_s is None:
            self.first_frame_s = now - self._opened_at
        self._attempt = 0
        if self.state != "live":
            self._set_state("live", "")
        # converting costs CPU: only for tiles someone can see
        if self.isVisible():
            self.image = frame.toImage()
            self.shown += 1
            self.update()

    def _on_error(self, error: QMediaPlayer.Error, text: str) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if error != QMediaPlayer.Error.NoError:
            self._lose(text or error.name)

    def _on_status(self, status: QMediaPlayer.MediaStatus) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if status == QMediaPlayer.MediaStatus.LoadedMedia and self._seek_fraction is not None:
            if self._player is not None and self._player.duration() > 0:
                self._player.setPosition(int(self._player.duration() * self._seek_fraction))
            self._seek_fraction = None
        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            self._lose(self.tr("视频流结束"))
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            self._lose(self.tr("无效的视频流"))

    def _check_flow(self) -> None:
        """Stalled after ``stall_s`` without a frame, lost (and reconnect) after ``lost_s``;
        lost if no first frame within ``connect_s``."""
        if self._player is None:
            return
        now = time.monotonic()
        if not self._last_frame:
            if now - self._opened_at >= self.connect_s:
                self._lose(self.tr("连接超时"))
            return
        since = now - self._last_frame
        if since >= self.lost_s:
            self._lose(self.tr("{seconds} 秒无画面").format(seconds=f"{since:.0f}"))
        elif since >= self.stall_s and self.state == "live":
            self._set_state("stalled", self.tr("{seconds} 秒无新画面").format(seconds=f"{since:.0f}"))

    def _lose(self, reason: str) -> None:
        if self._player is None:
            return
        self._close_player()
        delay = self.backoff_s[min(self._attempt, len(self.backoff_s) - 1)]
        self._attempt += 1
        self._set_state("lost", self.tr("{reason}，{seconds} 秒后重连").format(
            reason=reason, seconds=f"{delay:g}"))
        self._retry.start(int(delay * 1000))

    def _reconnect(self) -> None:
        if self.camera is not None or self.url is not None:
            if self.isVisible():
                self._open()

    def _set_state(self, state: str, reason: str) -> None:
        if (state, reason) != (self.state, self.reason):
            self.state, self.reason = state, reason
            self.stateChanged.emit(state, reason)
            self.update()

    # -- visibility: invisible tiles do not decode ------------------------------------------
    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if self.url is not None and self._player is None and not self._retry.isActive():
            self._open()

    def hideEvent(self, ev) -> None:
        super().hideEvent(ev)
        if self._player is not None or self._retry.isActive():
            self._close_player()
            self._set_state("paused", self.tr("窗格不可见"))

    # -- painting ------------------------------------------------------------------------
    def paintEvent(self, ev) -> None:
        p = QPainter(self)
        r = QRectF(self.rect())
        p.fillRect(r, QColor("#05080c"))
        # the captions sit on the picture itself, not on the black letterbox bands
        area = r
        if self.image is not None and not self.image.isNull():
            img = self.image.size().scaled(self.rect().size(), Qt.AspectRatioMode.KeepAspectRatio)
            area = QRectF((r.width() - img.width()) / 2, (r.height() - img.height()) / 2,
                          img.width(), img.height())
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawImage(area, self.image)
        self._paint_captions(p, area)
        if self.alarm:
            self._paint_alarm(p, area)
        elif self.selected:
            p.setPen(QPen(QColor("#4cc3ff"), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(r.adjusted(1, 1, -1, -1))
        p.end()

    def _paint_captions(self, p: QPainter, area: QRectF) -> None:
        """Camera and owner on top; state, reason and time at the bottom."""
        k = theme.ui_scale()  # a 4K wall reads from across the room: scale with the UI
        fs = max(round(9 * k), min(round(15 * k), int(area.height() // 14)))
        font = QFont(self.font())
        font.setPixelSize(fs)
        p.setFont(font)
        fm = p.fontMetrics()
        bar = fs + round(8 * k)
        x0, w = area.left(), area.width()
        top, bottom = area.top(), area.bottom() - bar
        if area.height() < 5 * bar:
            self._paint_compact_caption(p, area, bar)  # two bars would hide the picture
            return
        p.fillRect(QRectF(x0, top, w, bar), QColor(0, 0, 0, 140))
        p.fillRect(QRectF(x0, bottom, w, bar), QColor(0, 0, 0, 140))
        p.setPen(QColor("#e8eef5"))
        if self.camera is not None:
            title = f"{self.camera.name} · {self.camera.department}"
            if self.on_substream:
                title += self.tr(" · 辅码流")
        else:
            title = (self.tr("{n} 拖入摄像头").format(n=f"{self.index + 1:02d}")
                     if self.url is None else self.url)
        left = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        p.drawText(QRectF(x0 + 6, top, w - 12, bar), left,
                   fm.elidedText(title, Qt.TextElideMode.ElideRight, int(w - 12)))
        colour = QColor(STATE_COLOURS.get(self.state, "#6b7785"))
        p.setBrush(colour)
        p.setPen(Qt.PenStyle.NoPen)
        d = fs * 0.7
        p.drawEllipse(QRectF(x0 + 6, bottom + bar / 2 - d / 2, d, d))
        clock = self.caption_time()
        tw = fm.horizontalAdvance(clock) + 12
        state = self.tr(STATE_TEXT[self.state]) if self.state in STATE_TEXT else self.state
        text = state + (f" {self.reason}" if self.reason else "")
        p.setPen(colour)
        room = w - d - 18 - tw
        p.drawText(QRectF(x0 + d + 12, bottom, room, bar), left,
                   fm.elidedText(text, Qt.TextElideMode.ElideRight, int(room)))
        p.setPen(QColor("#e8eef5"))
        p.drawText(QRectF(x0 + w - tw, bottom, tw - 6, bar),
                   Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, clock)

    def caption_time(self) -> str:
        """The time the caption shows: the district clock's, to the second."""
        return f"{self.clock.now():%H:%M:%S}"

    def _paint_alarm(self, p: QPainter, r: QRectF) -> None:
        """A red frame round the picture, brighter every other second, and the alarm's
        label below the caption bar."""
        on = int(time.monotonic()) % 2 == 0
        w = max(3.0, min(8.0, r.height() / 60))
        p.setPen(QPen(QColor(ALARM_COLOUR if on else ALARM_DIM), w))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(r.adjusted(w / 2, w / 2, -w / 2, -w / 2))
        k = theme.ui_scale()
        fs = max(round(10 * k), min(round(18 * k), int(r.height() // 12)))
        font = QFont(self.font())
        font.setPixelSize(fs)
        font.setBold(True)
        p.setFont(font)
        text = f"⚠ {self.alarm}"
        fm = p.fontMetrics()
        bw = min(r.width() - 2 * w, fm.horizontalAdvance(text) + 16)
        caption = max(round(9 * k), min(round(15 * k), int(r.height() // 14))) + round(8 * k)
        box = QRectF(r.left() + w, r.top() + max(w, caption), bw, fs + round(10 * k))
        p.fillRect(box, QColor(ALARM_COLOUR))
        p.setPen(QColor("#ffffff"))
        p.drawText(box.adjusted(8, 0, -4, 0),
                   Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   fm.elidedText(text, Qt.TextElideMode.ElideRight, int(box.width() - 12)))

    def _paint_compact_caption(self, p: QPainter, area: QRectF, bar: float) -> None:
        """One bar for a small tile: state dot and camera name."""
        bottom = area.bottom() - bar
        p.fillRect(QRectF(area.left(), bottom, area.width(), bar), QColor(0, 0, 0, 150))
        colour = QColor(STATE_COLOURS.get(self.state, "#6b7785"))
        d = bar * 0.45
        p.setBrush(colour)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(QRectF(area.left() + 4, bottom + bar / 2 - d / 2, d, d))
        p.setPen(QColor("#e8eef5"))
        name = self.camera.name if self.camera else f"{self.index + 1:02d}"
        room = area.width() - d - 12
        p.drawText(QRectF(area.left() + d + 8, bottom, room, bar),
                   Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   p.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, int(room)))

    # -- interaction ---------------------------------------------------------------------
    def mousePressEvent(self, ev) -> None:
        self.interacted.emit()
        super().mousePressEvent(ev)

    def mouseDoubleClickEvent(self, ev) -> None:
        self.interacted.emit()
        self.doubleClicked.emit()

    def dragEnterEvent(self, ev) -> None:
        if ev.mimeData().hasFormat(CAMERA_MIME):
            ev.acceptProposedAction()

    def dropEvent(self, ev) -> None:
        code = bytes(ev.mimeData().data(CAMERA_MIME)).decode("utf-8").strip()
        if code:
            ev.acceptProposedAction()
            self.interacted.emit()
            self.cameraDropped.emit(code)

    def closeEvent(self, ev) -> None:
        self._close_player()
        super().closeEvent(ev)
