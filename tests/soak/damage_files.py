"""Damaged district files × ``info`` / ``check --full`` / ``screenshot`` (issue 13).

    .venv/bin/python -m tests.soak.damage_files [--limit N]

Makes ≥ 80 damaged copies of the small demo district — truncations, bytes flipped in
the header, in the data blocks of every table (found with ``pragma_storage_info``), in
the other blocks (metadata, indexes) and at the end, foreign, stale and garbage WALs, a
torn commit, a FIFO, a directory, a file this user may not read, an empty file, an empty
DuckDB database, a text file, another application's database, a newer schema, no file —
and runs the three commands on each in a probe process (``--probe``, the commands through
``app.cli.main``), which the parent kills after 120 s (a hang).  Counted: tracebacks,
hangs, files changed by the read-only commands (bytes of the file and its WAL, and the
names beside it), checksum damage ``check --full`` missed, messages not naming the
expected cause, commands that exited 0 on a file they could not read.  Prints JSON.
tests/store/test_damage.py runs a handful in the suite.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

PROBE_TIMEOUT_S = 120
BATCH = 12  # files per probe process
COMMANDS = ("info", "check", "screenshot")
#: the words a message must carry for each cause
CAUSES = {
    "damaged": ("已损坏",),
    "foreign_wal": ("不属于",),
    "torn": ("只恢复了一部分",),
    "not_regular": ("命名管道", "目录"),
    "unreadable": ("无法读取",),
    "not_district": ("不是 GridCC 区库", "not a GridCC database"),
    "missing": ("no database at",),
    "too_new": ("upgrade GridCC",),
}


# -- making damaged files ------------------------------------------------------------------
def _flip(path: Path, offset: int) -> None:
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0xFF]))


def _data_blocks(source: Path) -> tuple[dict[str, list[int]], int]:
    import duckdb

    con = duckdb.connect(str(source), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                            "WHERE table_schema = 'main'").fetchall()]
        blocks = {t: sorted({b for (b,) in con.execute(
            f"SELECT DISTINCT block_id FROM pragma_storage_info('{t}') WHERE block_id >= 0"
        ).fetchall()}) for t in tables}
        block_size = int(con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0])
    finally:
        con.close()
    return {t: b for t, b in blocks.items() if b}, block_size


HEADER = 3 * 4096  # the main header and the two database headers


def make_cases(source: Path, out: Path, other: Path) -> list[dict]:
    """Damaged copies of ``source`` in ``out``; ``other`` is another district (its WAL is
    foreign here).  Each case: name, path, kind (expected cause), checksum (real block damage)."""
    size = source.stat().st_size
    blocks, bsize = _data_blocks(source)
    used = sorted({b for bl in blocks.values() for b in bl})
    n_blocks = (size - HEADER) // bsize
    cases: list[dict] = []

    def copy(name: str, change: Callable[[Path], None], kind: str, checksum: bool = False):
        p = out / f"{name}.duckdb"
        shutil.copy(source, p)
        change(p)
        cases.append({"name": name, "path": str(p), "kind": kind, "checksum": checksum})

    for cut in (1, 11, 4096, 8192, HEADER, HEADER + 100, size // 4, size // 3, size // 2,
                2 * size // 3, 3 * size // 4, size - bsize, size - 4096, size - 1):
        copy(f"trunc-{cut}", lambda p, c=cut: os.truncate(p, c), "damaged")
    for off in (0, 7, 8, 9, 12, 20, 40, 100, 1000, 4096, 4096 + 8, 4096 + 16, 4096 + 40,
                8192, 8192 + 8, 8192 + 16, 8192 + 40):
        copy(f"header-{off}", lambda p, o=off: _flip(p, o), "damaged")
    for table, bl in sorted(blocks.items()):  # one flip in the data of every table ...
        for b in (bl[0], bl[len(bl) // 2], bl[-1])[: 1 if len(bl) < 3 else 3]:
            copy(f"data-{table}-{b}", lambda p, b=b: _flip(p, HEADER + b * bsize + 4000),
                 "damaged", checksum=True)
    others = [b for b in range(n_blocks) if b not in used]
    for b in others[:: max(1, len(others) // 10)]:  # ... and in metadata / index blocks
        copy(f"meta-block-{b}", lambda p, b=b: _flip(p, HEADER + b * bsize + 100), "damaged")
    for off in (size - 100, size - 5000, size - bsize // 2):
        copy(f"end-{off}", lambda p, o=off: _flip(p, o), "damaged")
    copy("wal-foreign", lambda p: shutil.copy(_wal_of(other, out / "other"), _wal(p)),
         "foreign_wal")
    copy("wal-stale", lambda p: _stale_wal(p), "foreign_wal")
    copy("wal-garbage", lambda p: _wal(p).write_bytes(os.urandom(3000)), "damaged")
    copy("torn", _torn, "torn")
    copy("newer-schema", _newer, "too_new")
    copy("no-cases-table", _drop_cases, "damaged")
    copy("foreign-db", _foreign_db, "not_district")

    def special(name: str, make: Callable[[Path], None], kind: str):
        p = out / f"{name}.duckdb"
        make(p)
        cases.append({"name": name, "path": str(p), "kind": kind, "checksum": False})

    special("fifo", lambda p: os.mkfifo(p), "not_regular")
    special("directory", lambda p: p.mkdir(), "not_regular")
    special("empty", lambda p: p.write_bytes(b""), "not_district")
    special("text", lambda p: p.write_text("编号,名称\n1,测试\n" * 100), "not_district")
    special("empty-duckdb", _empty_duckdb, "not_district")
    special("missing", lambda p: None, "missing")
    special("no-permission", lambda p: (shutil.copy(source, p), os.chmod(p, 0)), "unreadable")
    return cases


def _wal(p: Path) -> Path:
    return p.with_name(p.name + ".wal")


def _leave_wal(db: Path, sql: str) -> None:
    """Run ``sql`` on ``db`` in a process that exits without closing (its WAL stays)."""
    code = (f"import duckdb, os; c = duckdb.connect({str(db)!r}); c.execute({sql!r}); "
            "os._exit(0)")
    subprocess.run([sys.executable, "-c", code], check=True)


def _wal_of(district: Path, scratch: Path) -> Path:
    """The WAL of another district (made apart: a copy of the same file shares its
    identity and checkpoint, and DuckDB replays its WAL as its own)."""
    from app.store import open_store

    scratch.mkdir(exist_ok=True)
    db = scratch / "other.duckdb"
    if not _wal(db).exists():
        open_store(db, create=True).close()
        _leave_wal(db, "INSERT INTO meta VALUES ('other', 'x')")
    return _wal(db)


def _stale_wal(p: Path) -> None:
    """The file's own WAL from before a later checkpoint (a restore over a live file)."""
    _leave_wal(p, "INSERT INTO meta VALUES ('stale', 'x')")
    old = _wal(p).read_bytes()
    import duckdb

    duckdb.connect(str(p)).close()  # replayed and checkpointed
    _leave_wal(p, "INSERT INTO meta VALUES ('later', 'y')")
    duckdb.connect(str(p)).close()
    _wal(p).write_bytes(old)


def _torn(p: Path) -> None:
    """Rows of one table without the commit marks (what a partly replayed WAL leaves)."""
    _leave_wal(p, "INSERT INTO case_transitions SELECT case_id, seq + 1000, action, "
                  "from_status, to_status, occurred_at, actor_role, actor_id, note, approver, "
                  "actor_name FROM case_transitions LIMIT 500")


def _newer(p: Path) -> None:
    import duckdb

    con = duckdb.connect(str(p))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()


def _drop_cases(p: Path) -> None:
    import duckdb

    con = duckdb.connect(str(p))
    con.execute("DROP TABLE cases")
    con.close()


def _foreign_db(p: Path) -> None:
    import duckdb

    p.unlink()
    con = duckdb.connect(str(p))
    con.execute("CREATE TABLE sales AS SELECT range AS x FROM range(1000)")
    con.close()


def _empty_duckdb(p: Path) -> None:
    import duckdb

    duckdb.connect(str(p)).close()


# -- probing -------------------------------------------------------------------------------
def _fingerprint(path: Path) -> dict:
    out = {"names": sorted(x.name for x in path.parent.glob(path.name + "*"))}
    for p in (path, _wal(path)):
        try:
            out[p.name] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "special"
        except OSError:
            out[p.name] = "unreadable"
    return out


def probe(path: Path, png: Path, warm: Path | None = None) -> dict:
    """Run the three commands in this process; their exit codes and output.  With
    ``warm``: first on that good district (every module and Qt plugin loaded), then as
    user nobody (root reads a file of mode 000; nobody cannot)."""
    from app.cli import main

    if warm is not None:
        probe(warm, png)
        os.setgid(65534)
        os.setuid(65534)
    results = {}
    for command in COMMANDS:
        argv = {"info": ["info", "--db", str(path)],
                "check": ["check", "--full", "--db", str(path)],
                "screenshot": ["screenshot", str(png), "--db", str(path), "--size", "1280x720"]
                }[command]
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                rc = main(argv)
            except SystemExit as exc:
                rc = exc.code
            except BaseException:  # noqa: BLE001 - a traceback is the figure counted
                import traceback

                traceback.print_exc()
                rc = "traceback"
        results[command] = {"rc": rc, "out": out.getvalue()[-3000:], "err": err.getvalue()[-3000:]}
        png.unlink(missing_ok=True)
    return results


def _run_probes(paths: list[Path], png: Path, warm: Path | None = None) -> list[dict | str]:
    """Probe ``paths`` in one process (imports paid once); a batch that hangs is probed
    again one file at a time, so that the hang is pinned on its file."""
    cmd = [sys.executable, "-m", "tests.soak.damage_files", "--png", str(png),
           "--probe", *map(str, paths)]
    if warm is not None:
        cmd += ["--warm", str(warm)]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=PROBE_TIMEOUT_S * len(paths),
                           cwd=Path(__file__).resolve().parents[2])
    except subprocess.TimeoutExpired:
        if len(paths) == 1:
            return ["hang"]
        return [x for p in paths for x in _run_probes([p], png, warm)]
    lines = [x for x in r.stdout.decode().splitlines() if x.startswith("{")]
    if len(lines) != len(paths):
        if len(paths) > 1:
            return [x for p in paths for x in _run_probes([p], png, warm)]
        return [{"probe": {"rc": "traceback", "out": r.stdout.decode()[-2000:],
                           "err": r.stderr.decode()[-2000:]}}]
    return [json.loads(x) for x in lines]


def judge(case: dict, results: dict | str) -> list[str]:
    """What went wrong for one damaged file (empty: all as it should be)."""
    if results == "hang":
        return ["hang"]
    bad = []
    words = CAUSES[case["kind"]]
    for command, r in results.items():
        text = r["out"] + r["err"]
        if r["rc"] == "traceback" or "Traceback" in text:
            bad.append(f"{command}: traceback")
            continue
        if "already open by" in text:
            bad.append(f"{command}: says 'already open' for {case['kind']}")
        if r["rc"] == 0:
            # a flip DuckDB never reads (an unused header copy, free space) may leave a
            # usable file: then check --full passes too; info need not read every block
            harmless = case["kind"] == "damaged" and not case["checksum"] and \
                results.get("check", {}).get("rc") == 0
            if not (harmless or case["checksum"] and command == "info"):
                bad.append(f"{command}: exit 0 on a {case['kind']} file")
        elif r["rc"] != 0 and not any(w in text for w in words):
            bad.append(f"{command}: message does not name {case['kind']}: "
                       f"{text.strip().splitlines()[-1] if text.strip() else '(nothing)'}")
    if case["checksum"] and results.get("check", {}).get("rc") == 0:
        bad.append("check --full missed checksum damage")
    return bad


def run(workdir: Path, source: Path, limit: int | None = None) -> dict:
    out = workdir / "damaged"
    out.mkdir(exist_ok=True)
    other = workdir / "other-source.duckdb"
    shutil.copy(source, other)
    cases = make_cases(source, out, other)
    if limit:
        cases = cases[:: max(1, len(cases) // limit)][:limit]
    if os.geteuid() == 0:  # the probe of the unreadable file runs as nobody
        os.chmod(workdir, 0o777)
        os.chmod(out, 0o777)
    figures = {"files": len(cases), "commands_run": 0, "tracebacks": 0, "hangs": 0,
               "changed_by_read_only": 0, "checksum_damage": 0, "checksum_found_by_check_full": 0,
               "damaged_files_clean_by_check_full": 0, "wrong_or_missing_cause": 0,
               "exit_0_on_unusable": 0, "problems": []}
    fingerprints = [_fingerprint(Path(c["path"])) for c in cases]
    root = os.geteuid() == 0  # the unreadable file is probed as nobody
    plain = [i for i, c in enumerate(cases) if not (root and c["kind"] == "unreadable")]
    probed: dict[int, dict | str] = {}
    for k in range(0, len(plain), BATCH):
        batch = plain[k:k + BATCH]
        for i, res in zip(batch, _run_probes([Path(cases[i]["path"]) for i in batch],
                                             workdir / "shot.png"), strict=True):
            probed[i] = res
    for i in set(range(len(cases))) - set(plain):
        probed[i] = _run_probes([Path(cases[i]["path"])], workdir / "shot.png", source)[0]
    for i, case in enumerate(cases):
        path = Path(case["path"])
        before = fingerprints[i]
        results = probed[i]
        changed = _fingerprint(path) != before
        figures["commands_run"] += 3
        bad = judge(case, results)
        if changed:
            bad.append("changed by a read-only command")
        figures["hangs"] += bad == ["hang"]
        figures["tracebacks"] += sum("traceback" in b for b in bad)
        figures["changed_by_read_only"] += changed
        figures["wrong_or_missing_cause"] += sum("does not name" in b or "already open" in b
                                                 for b in bad)
        figures["exit_0_on_unusable"] += sum("exit 0" in b for b in bad)
        if case["checksum"]:
            figures["checksum_damage"] += 1
            figures["checksum_found_by_check_full"] += results != "hang" and \
                results.get("check", {}).get("rc") not in (0, "traceback", None)
        elif case["kind"] == "damaged" and results != "hang" and \
                results.get("check", {}).get("rc") == 0:
            figures["damaged_files_clean_by_check_full"] += 1  # a flip DuckDB never reads
        if bad:
            figures["problems"].append({case["name"]: bad})
    return figures


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.soak.damage_files")
    p.add_argument("--probe", nargs="+", metavar="DB", help=argparse.SUPPRESS)
    p.add_argument("--png", type=Path, default=None, help=argparse.SUPPRESS)
    p.add_argument("--warm", type=Path, default=None, help=argparse.SUPPRESS)
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--workdir", type=Path, default=None)
    args = p.parse_args(argv)
    os.environ.setdefault("GRIDCC_NOW", "2026-11-20T10:30:00")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.probe:
        for db in args.probe:
            print(json.dumps(probe(Path(db), args.png, args.warm), ensure_ascii=False), flush=True)
        return 0
    import tempfile

    from tests.soak.kill_writers import _source

    with tempfile.TemporaryDirectory(prefix="gridcc-damage-") as tmp:
        workdir = args.workdir or Path(tmp)
        t0 = time.monotonic()
        figures = run(workdir, _source(workdir), args.limit)
        figures["seconds"] = round(time.monotonic() - t0, 1)
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    ok = not (figures["tracebacks"] or figures["hangs"] or figures["changed_by_read_only"]
              or figures["wrong_or_missing_cause"] or figures["exit_0_on_unusable"]
              or figures["checksum_found_by_check_full"] < figures["checksum_damage"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
