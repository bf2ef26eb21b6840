"""The command line as operators and scripts use it (no Qt needed)."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from tests.backends import BACKENDS, district_copy
from tests.conftest import TEST_NOW, TEST_SEED

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=600, **kw,
    )


@pytest.fixture(scope="module", params=BACKENDS)
def small_db(request) -> str:
    """The small district to read: the session's DuckDB file, or a server copy."""
    if request.param == "duckdb":
        return str(request.getfixturevalue("small_db_path"))
    return district_copy(request, "postgres")


def test_info_json_reports_the_district(small_db, capsys):
    assert main(["info", "--db", small_db, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    g = info["grid_units"]
    assert g["district"] == 1 and g["street"] == 2 and g["community"] > 2 and g["grid"] > 20
    assert info["district"]["code"] == "120106"
    assert info["buildings"] > 1000 and info["cases"]["total"] > 1000
    assert info["cases"]["closed_pct"] >= 98.0
    assert info["cases"]["open"] > 0 and info["cases"]["overdue"] > 0
    assert set(info["cases"]["by_kind"]) >= {"enquiry", "suggestion", "hardship", "sanitation",
                                             "dispute", "hazard"}
    assert info["workers"]["total"] >= g["grid"] * 2


def test_info_text_is_readable(small_db, capsys):
    assert main(["info", "--db", small_db]) == 0
    out = capsys.readouterr().out
    assert "街道" in out and "buildings" in out and "closed" in out


def test_check_passes_on_a_generated_district(small_db, capsys):
    assert main(["check", "--db", small_db]) == 0
    out = capsys.readouterr().out
    assert "all checks passed" in out and "FAIL" not in out


def test_check_json_gives_tiling_figures(small_db, capsys):
    assert main(["check", "--db", small_db, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    tiling = next(c for c in report["checks"] if c["name"] == "tiling")
    assert tiling["ok"] and tiling["figures"]["gap_m2"] < 1 and tiling["figures"]["overlap_m2"] < 1


def test_missing_database_is_one_line_without_traceback(tmp_path):
    r = run_cli("info", "--db", str(tmp_path / "none.duckdb"))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0
    assert "no database at" in r.stderr and "python -m app demo" in r.stderr


def test_bad_option_is_a_usage_error(tmp_path):
    r = run_cli("screenshot", "x.png", "--size", "huge")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "size must look like 1920x1080" in r.stderr


def test_locked_database_names_the_holder(small_db_copy):
    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"import sys; from app.store import open_store; s = open_store({str(small_db_copy)!r});"
         "print('open', flush=True); sys.stdin.readline()"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        r = run_cli("info", "--db", str(small_db_copy))
        assert r.returncode == 1 and "Traceback" not in r.stderr
        assert f"already open by PID {holder.pid}" in r.stderr
    finally:
        holder.communicate("\n", timeout=30)


def test_demo_refuses_to_overwrite_without_force(small_db_copy, capsys):
    before = small_db_copy.read_bytes()
    assert main(["demo", "--db", str(small_db_copy), "--scale", "small"]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["demo", "--db", str(small_db_copy), "--scale", "small", "--if-missing"]) == 0
    assert small_db_copy.read_bytes() == before


def test_demo_is_deterministic_and_info_matches(small_db_path, tmp_path, capsys):
    out = tmp_path / "again.duckdb"
    assert main(["demo", "--db", str(out), "--scale", "small", "--seed", str(TEST_SEED),
                 "--now", TEST_NOW.isoformat()]) == 0
    capsys.readouterr()
    main(["info", "--db", str(out), "--json"])
    a = json.loads(capsys.readouterr().out)
    main(["info", "--db", str(small_db_path), "--json"])
    b = json.loads(capsys.readouterr().out)
    for key in ("grid_units", "buildings", "residents", "cases", "whistles", "cameras"):
        assert a[key] == b[key], key


def _limit_file_size():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
    resource.setrlimit(resource.RLIMIT_FSIZE, (2_000_000, 2_000_000))


def test_failed_generation_leaves_the_old_database_intact(small_db_copy):
    """A write failure mid-way (here: a 2 MB file-size limit) loses nothing."""
    before = small_db_copy.read_bytes()
    r = subprocess.run(
        [sys.executable, "-m", "app", "demo", "--db", str(small_db_copy), "--scale", "small",
         "--force"],
        cwd=ROOT, capture_output=True, text=True, preexec_fn=_limit_file_size, timeout=300,
    )
    assert r.returncode == 1, r.stderr
    assert "nothing was changed" in r.stderr and "Traceback" not in r.stderr
    assert small_db_copy.read_bytes() == before
    leftovers = [p.name for p in small_db_copy.parent.iterdir() if ".tmp-" in p.name]
    assert leftovers == []


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_full_disk_is_reported_and_leaves_nothing(tmp_path):
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)]).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        r = run_cli("demo", "--db", str(mnt / "d.duckdb"), "--scale", "small")
        assert r.returncode == 1
        assert "disk is full" in r.stderr and "nothing was changed" in r.stderr
        assert list(mnt.iterdir()) == []
    finally:
        subprocess.run(["umount", str(mnt)])
