"""Every malformed case file through the command line, with a time limit (run by hand).

    .venv/bin/python -m tests.soak.import_malformed [--limit-s 60]

Builds the small demo district, writes the malformed files of
tests/app/malformed_cases.py, and runs ``cases import FILE`` on each as the command
line does (``app.cli.main`` in a forked process: the interpreter's start-up once,
not 370 times), killed after ``--limit-s``.  Counts: tracebacks (a "Traceback" on
stderr or a signal), hangs (killed), silent acceptances (exit 0), refusals whose
message lacks the expected reason or the file's name, and whether the district's
cases and audit log stayed as they were.  Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import signal
import sys
import tempfile
import time
from pathlib import Path


def _run(args: list[str], limit_s: float) -> tuple[int | None, str, float]:
    """(exit status or None when killed, stderr, seconds) of app.cli.main(args) in a child."""
    from app.cli import main

    r, w = os.pipe()
    t = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: stderr into the pipe, stdout discarded
        os.close(r)
        os.dup2(w, 2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        code = 70
        try:
            code = main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # noqa: BLE001 - shown as a traceback, counted by the parent
            import traceback

            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(code)
    os.close(w)
    err = b""
    deadline = t + limit_s
    status = None
    while True:
        ready, _, _ = select.select([r], [], [], max(0.0, deadline - time.perf_counter()))
        if ready:
            chunk = os.read(r, 65536)
            if chunk:
                err += chunk
                continue
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(st)
            break
        if time.perf_counter() >= deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            break
    os.close(r)
    return status, err.decode("utf-8", "replace"), time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit-s", type=float, default=60.0)
    opts = ap.parse_args()
    import re

    from app.appraisal.import_files import shown_path
    from app.demo import generate_district
    from app.store import open_store
    from tests.app.malformed_cases import district_place, malformed_files
    from tests.conftest import TEST_NOW, TEST_SEED

    os.environ["GRIDCC_PASSWORD"] = "Operator#2026"
    tally = {"files": 0, "refused_as_expected": 0, "tracebacks": 0, "hangs": 0,
             "silent_acceptances": 0, "other_refusals": 0}
    wrong: dict[str, str] = {}
    slowest = (0.0, "")
    with tempfile.TemporaryDirectory(prefix="import-malformed-") as tmp:
        db = Path(tmp) / "district.duckdb"
        with open_store(db, create=True) as store:
            generate_district(store, scale="small", seed=TEST_SEED, now=TEST_NOW)
            place = district_place(store)
            before = (store.scalar("SELECT count(*) FROM cases"),
                      store.scalar("SELECT count(*) FROM audit_log WHERE action = 'case.import'"))
        files = malformed_files(Path(tmp) / "files", place)
        for m in files:
            tally["files"] += 1
            status, err, took = _run(["cases", "import", os.fsdecode(m.path), "--db", str(db),
                                      "--user", "operator", "--now", TEST_NOW.isoformat()],
                                     opts.limit_s)
            slowest = max(slowest, (took, m.name))
            if status is None:
                tally["hangs"] += 1
                wrong[m.name] = "killed after the time limit"
            elif "Traceback" in err or status < 0:
                tally["tracebacks"] += 1
                wrong[m.name] = err[-500:]
            elif status == 0:
                tally["silent_acceptances"] += 1
                wrong[m.name] = "accepted"
            elif re.search(m.reason, err) and shown_path(m.path) in err:
                tally["refused_as_expected"] += 1
            else:
                tally["other_refusals"] += 1
                wrong[m.name] = err[-300:]
        with open_store(db, read_only=True) as store:
            after = (store.scalar("SELECT count(*) FROM cases"),
                     store.scalar("SELECT count(*) FROM audit_log WHERE action = 'case.import'"))
    print(json.dumps({**tally, "district_unchanged": before == after,
                      "slowest_s": round(slowest[0], 2), "slowest": slowest[1],
                      "wrong": wrong}, ensure_ascii=False))
    return 0 if not wrong and before == after else 1


if __name__ == "__main__":
    sys.exit(main())
