"""``python -m app demo-media``: render the offline demo clips with Debian's ffmpeg."""

from __future__ import annotations

from pathlib import Path


def register(sub, add_db_arg) -> dict:
    p = sub.add_parser("demo-media", help="generate the demo camera clips (ffmpeg)")
    p.add_argument("--dir", type=Path, default=None, metavar="DIR",
                   help="where to put them (default: $GRIDCC_MEDIA_DIR or the data directory)")
    p.add_argument("--force", action="store_true", help="render again even if present")
    # every command takes --db; the clips serve every district on this machine
    add_db_arg(p)
    return {"demo-media": cmd_demo_media}


def cmd_demo_media(args) -> int:
    from app.cli import UserError
    from app.video.demo_media import DemoMediaError, generate_demo_media, substream_clips
    from app.video.streams import demo_media_dir

    folder = args.dir if args.dir is not None else demo_media_dir()
    try:
        clips = generate_demo_media(folder, force=args.force)
    except DemoMediaError as exc:
        raise UserError(str(exc)) from None
    subs = substream_clips(folder)
    size = sum(p.stat().st_size for p in [*clips, *subs])
    print(f"{len(clips)} demo clips and {len(subs)} sub-stream copies in {folder} "
          f"({size / 1e6:.1f} MB)")
    return 0
