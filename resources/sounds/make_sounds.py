"""Writes the alarm sounds (告警提示音) of ui/alarms.py: short 16-bit mono WAV files.

Run once when a sound changes (``python resources/sounds/make_sounds.py``); the WAV
files are committed beside this script.

* ``urgent_case.wav``: a new urgent case (紧急案件) - three rising two-tone chirps,
  hard to miss;
* ``whistle_overdue.wav``: a whistle going overdue (吹哨超时) - two lower, longer tones.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050


def tone(freq: float, seconds: float, volume: float = 0.6) -> list[float]:
    n = int(RATE * seconds)
    fade = int(RATE * 0.01)  # 10 ms in and out: no click
    out = []
    for i in range(n):
        env = min(1.0, i / fade, (n - 1 - i) / fade)
        s = math.sin(2 * math.pi * freq * i / RATE)
        s += 0.25 * math.sin(2 * math.pi * 2 * freq * i / RATE)  # a little edge
        out.append(volume * env * s / 1.25)
    return out


def silence(seconds: float) -> list[float]:
    return [0.0] * int(RATE * seconds)


def write(path: Path, samples: list[float]) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(struct.pack("<h", int(max(-1, min(1, s)) * 32767))
                               for s in samples))


def main() -> None:
    here = Path(__file__).resolve().parent
    urgent: list[float] = []
    for _ in range(3):
        urgent += tone(880, 0.09) + tone(1320, 0.09) + silence(0.06)
    write(here / "urgent_case.wav", urgent)
    write(here / "whistle_overdue.wav", tone(523, 0.28) + silence(0.1) + tone(392, 0.4))


if __name__ == "__main__":
    main()
