"""Quiet QtMultimedia's FFmpeg backend without hiding real errors.

Left alone, every stream a tile opens prints FFmpeg's stream dump ("Input #0, mov,mp4
… Stream #0:0 … Metadata …", av_dump_format at FFmpeg's INFO level, straight to
stderr), Qt logs an FFmpeg version banner and "No HW decoder found" as info, and
the audio probe warns that PipeWire is missing on a machine without sound.  On a
wall of 16 tiles that is hundreds of lines drowning whatever matters.

:func:`quiet_multimedia` is called once per process when the first player is made:

* Qt logging rules switch off exactly those info messages and the optional-library
  resolver's warnings (``qt.multimedia.symbolsresolver``: PipeWire for audio, which
  the wall never plays); every other multimedia warning still shows.
* FFmpeg's own log level goes to ERROR, so "Connection refused", "404 Not Found" or a
  broken stream still print, the per-stream dumps and warnings do not.

``GRIDCC_FFMPEG_LOG`` (quiet, error, warning, info, verbose, debug) overrides the
level; with ``QT_FFMPEG_DEBUG`` set (Qt's own switch for debugging its backend)
nothing is changed.
"""

from __future__ import annotations

import ctypes
import logging
import os

from PySide6.QtCore import QLoggingCategory

log = logging.getLogger(__name__)

ENV_LEVEL = "GRIDCC_FFMPEG_LOG"
#: FFmpeg's AV_LOG_* levels
AV_LEVELS = {"quiet": -8, "error": 16, "warning": 24, "info": 32, "verbose": 40, "debug": 48}
DEFAULT_LEVEL = "error"
QT_RULES = ("qt.multimedia.ffmpeg.info=false",  # "Using Qt multimedia with FFmpeg version …"
            "qt.multimedia.playbackengine.codec.info=false",  # "No HW decoder found"
            "qt.multimedia.symbolsresolver.warning=false")  # optional libs (PipeWire audio)
AVUTIL_SONAMES = ("libavutil.so.59", "libavutil.so.60", "libavutil.so.58")

_done = False
_rules_set = False


def ffmpeg_level() -> int:
    """The AV_LOG level asked for (``GRIDCC_FFMPEG_LOG``, else ERROR)."""
    name = os.environ.get(ENV_LEVEL, DEFAULT_LEVEL).strip().lower()
    if name not in AV_LEVELS:
        log.warning("%s=%r is not one of %s; using %s", ENV_LEVEL, name,
                    ", ".join(AV_LEVELS), DEFAULT_LEVEL)
        name = DEFAULT_LEVEL
    return AV_LEVELS[name]


def _avutil():
    """The libavutil QtMultimedia's FFmpeg plugin has loaded (None before it is)."""
    for soname in AVUTIL_SONAMES:
        try:  # RTLD_NOLOAD: only a library already in the process, never a second copy
            return ctypes.CDLL(soname, mode=os.RTLD_NOLOAD | os.RTLD_LAZY)
        except OSError:
            continue
    return None


def quiet_multimedia() -> bool:
    """Apply the Qt rules (call before the first QMediaPlayer: its plugin warns as it
    loads) and FFmpeg's log level (possible once the plugin is loaded: call again after
    making the player).  True once FFmpeg's level is set; cheap after that."""
    global _done, _rules_set
    if _done:
        return True
    if os.environ.get("QT_FFMPEG_DEBUG"):
        _done = True
        return False
    if not _rules_set:
        QLoggingCategory.setFilterRules("\n".join(QT_RULES))
        _rules_set = True
    lib = _avutil()
    if lib is None:
        return False  # the plugin is not loaded yet: try again with the next player
    lib.av_log_set_level(ctypes.c_int(ffmpeg_level()))
    _done = True
    return True


def current_ffmpeg_level() -> int | None:
    """FFmpeg's log level in this process (None if its library is not loaded)."""
    lib = _avutil()
    return None if lib is None else int(lib.av_log_get_level())
