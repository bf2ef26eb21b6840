"""Demo clips for the offline demonstration (演示视频), made with Debian's ffmpeg.

A handful of short synthetic street-like scenes — road, lane line, buildings and
moving vehicles drawn by ffmpeg's filters — with a scene label and a running clock
burned in, so that every tile visibly moves and different tiles show different
frames.  They are generated at set-up (``python -m app demo-media``) rather than
committed: a few hundred kilobytes each, H.264 in MP4, looped by the player.
Each clip also gets a smaller copy (``sub/``, 320×180, 44 % of the pixels) that demo
cameras serve as their sub-stream (辅码流) for the small tiles of dense wall layouts.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from app.video.streams import CLIP_SUFFIX, SUB_DIR, demo_clips, demo_media_dir

WIDTH, HEIGHT, FPS, SECONDS = 480, 270, 12, 10
SUB_WIDTH = 320  # the sub-stream copy (its burned-in label stays legible); height by aspect
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


class DemoMediaError(RuntimeError):
    """ffmpeg is missing or failed; the message is one line for the operator."""


@dataclass(frozen=True)
class Scene:
    """One synthetic scene: palette and traffic."""

    slug: str
    label: str  # burned into the picture
    ground: str  # road colour
    verge_top: str
    verge_bottom: str
    speeds: tuple[float, float]  # px/s of the two vehicles (sign = direction)
    cars: tuple[str, str]


SCENES: tuple[Scene, ...] = (
    Scene("street", "街面 主干道", "0x3a3f44", "0x556b5a", "0x6b6358", (70, -50), ("0xd04040", "0xe0e0e0")),
    Scene("crossing", "路口 卡口", "0x34383c", "0x5d5d66", "0x4d5a4a", (110, -85), ("0x3070d0", "0xf0c040")),
    Scene("school", "学校 校门", "0x44474a", "0x8a6b4a", "0x4f6a55", (35, -25), ("0xf0d000", "0xffffff")),
    Scene("hospital", "医院 门诊", "0x3d4145", "0xb0b8c0", "0x55606a", (45, -60), ("0xffffff", "0x40a060")),
    Scene("care_home", "养老院 院内", "0x4a4640", "0x6f8a5a", "0x7a6a55", (20, -15), ("0xa06030", "0xd0d0d0")),
    Scene("enterprise", "企业 厂区", "0x3b3b3b", "0x707070", "0x5a5048", (55, -40), ("0x20a0a0", "0xe07020")),
    Scene("kindergarten", "幼儿园 园内", "0x5a5048", "0xc08a5a", "0x5f8a4a", (18, -28), ("0xff6fa0", "0x50b0ff")),
    Scene("community", "社区 出入口", "0x404448", "0x7a6a60", "0x56655a", (30, -65), ("0x9050c0", "0xd0d0d0")),
    # the places of the cameras on buildings (app/demo/cameras.py): people, not traffic
    Scene("kindergarten_gate", "幼儿园 大门", "0x4d4a46", "0xd09a6a", "0x5f8a4a", (22, -16), ("0xff8fb0", "0x60c0ff")),
    Scene("kindergarten_corridor", "幼儿园 走廊", "0x8a7a66", "0xe8d8b8", "0xc8b898", (14, -10), ("0xff6fa0", "0x50b0ff")),
    Scene("school_yard", "学校 操场", "0x9a4a3a", "0x4f7a45", "0x4f7a45", (40, -35), ("0x2060d0", "0xf0f0f0")),
    Scene("school_corridor", "学校 教学楼走廊", "0x7a7468", "0xd8d0c0", "0xb8b0a0", (20, -18), ("0x2050a0", "0xe0e0e0")),
    Scene("market", "商业街 沿街商铺", "0x3e3a36", "0xa05a40", "0x6a5a48", (15, -25), ("0xe0a030", "0x40a040")),
)


def find_font() -> str | None:
    for p in FONT_CANDIDATES:
        if Path(p).is_file():
            return p
    return None


def _esc(text: str) -> str:
    """Escape a value for an ffmpeg filter-graph option."""
    return text.replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'")


def scene_command(ffmpeg: str, scene: Scene, index: int, out: Path,
                  seconds: int = SECONDS, font: str | None = None) -> list[str]:
    """The ffmpeg command line that renders one scene clip."""
    w, h = WIDTH, HEIGHT
    road_top, road_h = 70, 130
    s1, s2 = scene.speeds
    # a vehicle moving at speed v enters on one side and wraps around (mod) forever
    def x_expr(v: float, width: int, phase: int) -> str:
        v_abs = abs(v)
        fwd = f"mod(t*{v_abs}+{phase},W+{width})-{width}"
        return fwd if v > 0 else f"W-mod(t*{v_abs}+{phase},W+{width})"
    bg = (f"[0]drawbox=x=0:y=0:w=iw:h={road_top}:c={scene.verge_top}:t=fill,"
          f"drawbox=x=0:y={road_top + road_h}:w=iw:h=ih-{road_top + road_h}:c={scene.verge_bottom}:t=fill,"
          f"drawbox=x=0:y={road_top + road_h // 2 - 1}:w=iw:h=3:c=0xf0d060:t=fill")
    # buildings along the far verge: fixed blocks of alternating shade
    for i in range(0, w, 80):
        bh = 30 + (i * 7 + index * 13) % 30
        bg += f",drawbox=x={i + 6}:y={road_top - bh}:w=64:h={bh}:c=0x2f3438@0.55:t=fill"
    bg += "[bg]"
    graph = [bg,
             f"[bg][1]overlay=x='{x_expr(s1, 56, 40 * index)}':y={road_top + 20}:shortest=1[a]",
             f"[a][2]overlay=x='{x_expr(s2, 64, 90 * index)}':y={road_top + road_h // 2 + 18}[b]"]
    text = ""
    if font:
        label = _esc(f"演示 {scene.label} {index + 1:02d}")
        # below the tile's own caption bar (at most ~17 % of the height), so both show
        text = (f",drawtext=fontfile={font}:text='{label}':fontcolor=white:fontsize=16:"
                f"x=8:y=h*0.19:box=1:boxcolor=black@0.5,"
                f"drawtext=fontfile={font}:text='%{{pts\\:hms}}':fontcolor=white:fontsize=16:"
                f"x=w-tw-8:y=h*0.19:box=1:boxcolor=black@0.5")
    graph.append(f"[b]noise=alls=10:allf=t{text}[v]")
    return [ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-y",
            "-f", "lavfi", "-i", f"color=c={scene.ground}:s={w}x{h}:r={FPS}:d={seconds}",
            "-f", "lavfi", "-i", f"color=c={scene.cars[0]}:s=56x26:r={FPS}",
            "-f", "lavfi", "-i", f"color=c={scene.cars[1]}:s=64x28:r={FPS}",
            "-filter_complex", ";".join(graph), "-map", "[v]", "-t", str(seconds),
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "30", "-pix_fmt", "yuv420p",
            "-g", str(FPS * 2), "-movflags", "+faststart", str(out)]


def substream_command(ffmpeg: str, clip: Path, out: Path) -> list[str]:
    """The ffmpeg command line that scales a clip down to its sub-stream copy."""
    return [ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-y", "-i", str(clip),
            "-vf", f"scale={SUB_WIDTH}:-2,setsar=1", "-an", "-c:v", "libx264", "-preset", "veryfast",
            "-crf", "30", "-pix_fmt", "yuv420p", "-g", str(FPS * 2),
            "-movflags", "+faststart", str(out)]


def _render(cmd: list[str], out: Path) -> None:
    """Run ffmpeg into a temporary file and move it in place only when complete."""
    tmp = out.with_suffix(".part" + CLIP_SUFFIX)
    cmd = [*cmd[:-1], str(tmp)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        last = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
        raise DemoMediaError(f"ffmpeg failed on clip {out.name}: {last}")
    tmp.replace(out)  # atomic: a half-written clip is never picked by the player


def generate_demo_media(media_dir: Path | None = None, *, count: int = len(SCENES),
                        seconds: int = SECONDS, force: bool = False) -> list[Path]:
    """Render the demo clips into ``media_dir``; existing clips are kept unless ``force``."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise DemoMediaError("ffmpeg is not installed (Debian package ffmpeg; `bash gridcc setup`)")
    if not 1 <= count <= len(SCENES):
        raise DemoMediaError(f"clip count must be 1..{len(SCENES)}, not {count}")
    folder = media_dir if media_dir is not None else demo_media_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DemoMediaError(f"cannot create {folder}: {exc.strerror}") from None
    try:
        (folder / SUB_DIR).mkdir(exist_ok=True)
    except OSError as exc:
        raise DemoMediaError(f"cannot create {folder / SUB_DIR}: {exc.strerror}") from None
    font = find_font()
    made = []
    for i, scene in enumerate(SCENES[:count]):
        out = folder / f"demo-{i + 1:02d}-{scene.slug}{CLIP_SUFFIX}"
        sub = folder / SUB_DIR / out.name
        fresh = force or not (out.is_file() and out.stat().st_size > 0)
        if fresh:
            _render(scene_command(ffmpeg, scene, i, out, seconds, font), out)
        if fresh or not (sub.is_file() and sub.stat().st_size > 0):
            _render(substream_command(ffmpeg, out, sub), sub)
        made.append(out)
    return made


def substream_clips(media_dir: Path | None = None) -> list[Path]:
    """The sub-stream copies that exist, in clip order."""
    folder = media_dir if media_dir is not None else demo_media_dir()
    return [folder / SUB_DIR / p.name for p in demo_clips(folder)
            if (folder / SUB_DIR / p.name).is_file()]


def media_ready(media_dir: Path | None = None) -> bool:
    """True when at least one demo clip exists."""
    return bool(demo_clips(media_dir))
