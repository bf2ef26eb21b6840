"""``python -m app bench seats``: many seats on one server, measured with real processes.

Figures (JSON):

* ``latency``: a whistle blown at seat A (this process) → read by seat B (another
  process, woken by its change listener, reading the row as its model would); from the
  call at A to the row in B's hands.  Target p50 ≤ 100 ms, p95 ≤ 300 ms.
* ``contention``: ``seats`` processes each acting ``rate`` times a second for
  ``duration`` seconds on the same 200 cases and 30 whistles, every action carrying the
  version it read (a stale one is refused with StoreConflict).  The cases cycle
  处置 → 反馈 → 返工 (dispatched → handled → fed_back → dispatched), the whistles'
  departments 反馈 → 核查不通过 (reported → fed_back → reported), so nothing runs out.
  Checked afterwards: each case's and whistle's version grew by exactly the actions the
  seats say were accepted and the timelines have exactly those steps (0 lost updates),
  every refusal was a conflict, ``audit verify`` and ``check`` pass.  The server's own
  CPU time over the run gives actions per second per server core.
* ``restart``: ``restart_seats`` listening seats while the server restarts: from the
  restart to every seat holding a change committed right after it.  Target ≤ 10 s.

Without ``--db`` the bench starts a throwaway local cluster (app/store/pg_local.py),
loads the Hongqiao demo district into it and removes it afterwards; the restart figure
needs that local cluster.  ``bench server --scale jinhua|hongqiao`` measures the
district-scale figures (demo generation into the server, indicator queries, first map
paint).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

_SEAT_MODULE = "app.bench_seats"
TARGETS = {"latency_p50_ms": 100.0, "latency_p95_ms": 300.0, "restart_caught_up_s": 10.0,
           "indicator_query_ms": 500.0, "first_paint_s": 3.0, "demo_into_server_s": 120.0}


# -- the seats (separate processes) -------------------------------------------------------
def _bench_user(role: str, scope_kind: str, scope_id: int | None, name: str):
    from app.auth.accounts import User
    from app.auth.permissions import Role, Scope

    return User(0, name, name, Role(role), Scope(scope_kind, scope_id))


def _emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def seat_watch(url: str) -> int:
    """A watching seat: its listener wakes it, it reads each whistle named (as the model
    does) and says when it had it; runs until its stdin closes."""
    import threading

    from app.store import open_store
    from app.store.pg_changes import start_listener

    store = open_store(url)
    reader = store.cursor()
    lock = threading.Lock()

    def heard(changes) -> None:
        for c in changes:
            if c.entity == "whistle" and c.origin != "local":
                with lock:
                    rows = reader.rows("SELECT id, status, version FROM whistles WHERE id IN "
                                       f"({', '.join('?' * len(c.ids))})", list(c.ids))
                for r in rows:
                    _emit({"whistle": int(r[0]), "t": time.time(), "seq": c.seq})

    store.changes.subscribe(heard)
    listener = start_listener(store)
    _emit({"ready": True, "pid": os.getpid()})
    try:
        sys.stdin.read()  # until the bench closes our stdin
    finally:
        listener.close()
        reader.close()
        store.close()
    return 0


def seat_act(url: str, spec_path: str) -> int:
    """An acting seat: ``rate`` actions a second for ``duration`` seconds on the shared
    cases and whistles; prints its tally as JSON."""
    from app.store import StoreConflict, open_store
    from app.workflow import cases as wc
    from app.workflow import whistles as ww

    spec = json.loads(Path(spec_path).read_text())
    rnd = random.Random(spec["seed"])
    store = open_store(url)
    base_at = datetime.fromisoformat(spec["base_at"])
    t0 = spec["t0"]
    accepted_cases: Counter[int] = Counter()
    accepted_whistles: Counter[int] = Counter()
    tally: Counter[str] = Counter()
    period = 1.0 / spec["rate"]
    next_t = time.time()
    end = t0 + spec["duration"]
    while time.time() < end:
        # the moment is taken after reading: a step committed before the read is earlier
        def now() -> datetime:
            return base_at + timedelta(seconds=time.time() - t0)

        try:
            if rnd.random() < 0.8:
                cid = rnd.choice(spec["cases"])
                rec = wc.load_case(store, cid)
                at = now()
                action = _CYCLE.get(rec.state.status)
                if action is None:
                    tally["skipped"] += 1
                else:
                    tgt = wc.case_target(store, rec)
                    if action == "rework":
                        user = _bench_user("grid_worker", "community", tgt.community_id,
                                           f"bench_seat{spec['seat']}")
                    elif action == "register":
                        user = _bench_user("operator", "district", None,
                                           f"bench_seat{spec['seat']}")
                    elif action == "dispatch":
                        user = _bench_user("dispatcher", "district", None,
                                           f"bench_seat{spec['seat']}")
                    else:
                        user = _bench_user("department_handler", "department",
                                           rec.state.department_id, f"bench_seat{spec['seat']}")
                    wc.advance(store, user, cid, action, at=at, expected_version=rec.version,
                               reason="核查不通过（压测）" if action == "rework" else None,
                               department_id=rec.state.department_id
                               if action == "dispatch" else None)
                    accepted_cases[cid] += 1
                    tally["accepted"] += 1
            else:
                wid = rnd.choice(spec["whistles"])
                _, w = ww.load_whistle(store, wid)
                task = rnd.choice(w.tasks)
                at = now()
                name = f"bench_seat{spec['seat']}"
                if task.state == "reported":
                    user = _bench_user("department_handler", "department", task.department_id,
                                       name)
                    ww.feed_back(store, user, wid, at=at, department_id=task.department_id,
                                 note="已处理（压测）", expected_version=w.version)
                elif task.state == "fed_back":
                    user = _bench_user("street_secretary", "street", w.street_id, name)
                    ww.verify(store, user, wid, at=at, department_id=task.department_id,
                              passed=False, note="返工（压测）", expected_version=w.version)
                else:
                    tally["skipped"] += 1
                    continue
                accepted_whistles[wid] += 1
                tally["accepted"] += 1
        except StoreConflict:
            tally["conflict"] += 1
        except Exception as exc:  # every other refusal is a defect of the bench or the app
            tally[f"error:{type(exc).__name__}:{str(exc)[:80]}"] += 1
        next_t += period
        time.sleep(max(0.0, next_t - time.time()))
    store.close()
    _emit({"seat": spec["seat"], "tally": dict(tally),
           "cases": {str(k): v for k, v in accepted_cases.items()},
           "whistles": {str(k): v for k, v in accepted_whistles.items()}})
    return 0


#: a case's status -> the bench's next step (the loop 处置 → 反馈 → 返工 goes round)
_CYCLE = {"accepted": "register", "registered": "dispatch", "returned": "dispatch",
          "dispatched": "handle", "handled": "feed_back", "fed_back": "rework"}


def _spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", _SEAT_MODULE, *args], text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ})


def _read_json(proc: subprocess.Popen, timeout: float) -> dict | None:
    import select

    deadline = time.time() + timeout
    while time.time() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.time()))
        if not ready:
            return None
        line = proc.stdout.readline()
        if not line:
            return None
        try:
            return json.loads(line)
        except json.JSONDecodeError:
            continue
    return None


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        try:
            p.stdin.close()
        except OSError:
            pass
    for p in procs:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()


# -- the figures -----------------------------------------------------------------------------
def _pctl(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def _blower(store):
    """Blow a whistle in the first street's first grid, calling two bureaus."""
    from app.clock import store_clock
    from app.workflow import whistles as ww

    grid, street = store.rows(
        "SELECT g.id, cm.parent_id FROM grid_units g JOIN grid_units cm ON cm.id = g.parent_id "
        "WHERE g.level = 4 ORDER BY g.id LIMIT 1")[0]
    depts = [r[0] for r in store.rows(
        "SELECT id FROM departments WHERE kind = 'bureau' ORDER BY id LIMIT 2")]
    lon, lat = store.rows("SELECT label_lon, label_lat FROM grid_units WHERE id = ?", [grid])[0]
    user = _bench_user("street_secretary", "street", int(street), "bench_seatA")
    clock = store_clock(store)

    def blow(title: str) -> int:
        return ww.blow(store, user, grid_id=int(grid), department_ids=depts, title=title,
                       description=title, lon=float(lon), lat=float(lat), at=clock.now(),
                       report_hours=2, finish_hours=24)

    return blow, depts


def latency(url: str, n: int = 60) -> dict:
    from app.store import open_store

    store = open_store(url)
    watcher = _spawn("watch", url)
    try:
        if not (_read_json(watcher, 30) or {}).get("ready"):
            return {"error": "seat B did not start: " + watcher.stderr.read()[-300:]}
        blow, _ = _blower(store)
        lat: list[float] = []
        missed = 0
        for i in range(n):
            t0 = time.time()
            wid = blow(f"席位延迟测试 {i + 1}")
            got = None
            while True:
                got = _read_json(watcher, 5.0)
                if got is None or got.get("whistle") == wid:
                    break
            if got is None:
                missed += 1
            else:
                lat.append((got["t"] - t0) * 1000)
            time.sleep(0.1)
        return {"n": n, "missed": missed, "p50_ms": round(_pctl(lat, 0.5), 1),
                "p95_ms": round(_pctl(lat, 0.95), 1), "max_ms": round(max(lat), 1),
                "mean_ms": round(statistics.fmean(lat), 1)}
    finally:
        _stop([watcher])
        store.close()


def _server_cpu_s(store) -> float | None:
    """CPU seconds used so far by the server's processes (a local server only)."""
    try:
        pid = int(store.scalar("SELECT pg_backend_pid()"))
        ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError, TypeError):
        return None
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(d.name) == ppid or int(fields[1]) == ppid:
            # utime stime cutime cstime
            total += sum(int(x) for x in fields[11:15]) / tick
    return total


class _Records:
    """Versions and timeline lengths of the shared cases and whistles."""

    def __init__(self, versions: dict, steps: dict) -> None:
        self.versions, self.steps = versions, steps

    def grown(self, before: _Records, entity: str, i: int) -> tuple[int, int]:
        """(version growth, new timeline steps) of one record since ``before``."""
        return (self.versions[entity][i] - before.versions[entity][i],
                self.steps[entity].get(i, 0) - before.steps[entity].get(i, 0))


def _records(store, cases: list[int], whistles: list[int]) -> _Records:
    c, w = ", ".join(map(str, cases)), ", ".join(map(str, whistles))
    return _Records(
        {"case": dict(store.rows(f"SELECT id, version FROM cases WHERE id IN ({c})")),
         "whistle": dict(store.rows(f"SELECT id, version FROM whistles WHERE id IN ({w})"))},
        {"case": dict(store.rows(f"SELECT case_id, count(*) FROM case_transitions "
                                 f"WHERE case_id IN ({c}) GROUP BY 1")),
         "whistle": dict(store.rows(f"SELECT whistle_id, count(*) FROM whistle_events "
                                    f"WHERE whistle_id IN ({w}) GROUP BY 1"))})


def contention(url: str, *, seats: int = 20, rate: float = 2.0, duration: float = 300.0,
               n_cases: int = 200, n_whistles: int = 30, workdir: Path) -> dict:
    from app.audit.log import verify_log
    from app.checks import run_checks
    from app.clock import store_clock
    from app.store import open_store
    from app.workflow import whistles as ww

    store = open_store(url)
    try:
        cases = [int(r[0]) for r in store.rows(
            "SELECT id FROM cases WHERE status IN ('accepted', 'registered', 'returned', "
            "'dispatched', 'handled', 'fed_back') AND department_id IS NOT NULL "
            "ORDER BY id LIMIT ?", [n_cases])]
        blow, depts = _blower(store)
        clock = store_clock(store)
        whistles = []
        for i in range(n_whistles):
            wid = blow(f"并发压测 {i + 1}")
            for d in depts:
                ww.report_in(store, _bench_user("department_handler", "department", d,
                                                "bench_setup"), wid, at=clock.now(),
                             department_id=d, by="压测")
            whistles.append(wid)
        before = _records(store, cases, whistles)
        cpu0 = _server_cpu_s(store)
        t0 = time.time() + 3.0  # every seat starts at the same moment
        # the district time at t0, once for all seats: the seats' clocks must agree (taken
        # per seat, the clock's whole seconds put them up to 1 s apart, and a step could
        # then be dated before the step it follows)
        base_at = (clock.now() + timedelta(seconds=t0 - time.time())).isoformat()
        procs = []
        for s in range(seats):
            spec = workdir / f"seat{s}.json"
            spec.write_text(json.dumps({
                "seat": s, "seed": 1000 + s, "rate": rate, "duration": duration, "t0": t0,
                "base_at": base_at, "cases": cases, "whistles": whistles}))
            procs.append(_spawn("act", url, str(spec)))
        results = []
        for p in procs:
            got = _read_json(p, duration + 120)
            results.append(got or {"error": p.stderr.read()[-500:]})
        _stop(procs)
        wall = time.time() - t0
        cpu1 = _server_cpu_s(store)
        tally: Counter[str] = Counter()
        acc_c: Counter[int] = Counter()
        acc_w: Counter[int] = Counter()
        for r in results:
            tally.update(r.get("tally", {"seat_failed": 1}))
            acc_c.update({int(k): v for k, v in r.get("cases", {}).items()})
            acc_w.update({int(k): v for k, v in r.get("whistles", {}).items()})
        after = _records(store, cases, whistles)
        lost = sum(1 for c in cases if after.grown(before, "case", c) != (acc_c[c], acc_c[c]))
        lost += sum(1 for w in whistles
                    if after.grown(before, "whistle", w) != (acc_w[w], acc_w[w]))
        audit = verify_log(store)
        checks = run_checks(store)
        accepted = tally.get("accepted", 0)
        errors = {k: v for k, v in tally.items() if k.startswith("error") or k == "seat_failed"}
        out = {"seats": seats, "rate_per_seat": rate, "duration_s": duration,
               "cases": len(cases), "whistles": len(whistles),
               "attempted": sum(v for k, v in tally.items() if k != "skipped"),
               "accepted": accepted, "conflicts": tally.get("conflict", 0),
               "skipped": tally.get("skipped", 0), "other_errors": errors,
               "records_not_matching_accepted_actions": lost,
               "accepted_per_s": round(accepted / wall, 1),
               "audit_verify_ok": bool(audit.ok),
               "check_ok": bool(checks.ok)}
        if cpu0 is not None and cpu1 is not None and cpu1 > cpu0:
            out["server_cpu_s"] = round(cpu1 - cpu0, 1)
            out["accepted_per_server_core_s"] = round(accepted / (cpu1 - cpu0), 1)
        return out
    finally:
        store.close()


def restart(cluster, url: str, seats: int = 5) -> dict:
    from app.store import open_store

    watchers = [_spawn("watch", url) for _ in range(seats)]
    store = None
    try:
        for w in watchers:
            if not (_read_json(w, 30) or {}).get("ready"):
                return {"error": "a seat did not start: " + w.stderr.read()[-300:]}
        t0 = time.time()
        cluster.restart()
        up = time.time()
        store = open_store(url)
        blow, _ = _blower(store)
        wid = blow("服务器重启后的第一条")
        got = []
        for w in watchers:
            while True:
                m = _read_json(w, 30.0)
                if m is None or m.get("whistle") == wid:
                    break
            got.append(None if m is None else m["t"] - t0)
        ok = [g for g in got if g is not None]
        return {"seats": seats, "server_down_s": round(up - t0, 2),
                "seats_caught_up": len(ok),
                "caught_up_s": round(max(ok), 2) if len(ok) == seats else None}
    finally:
        _stop(watchers)
        if store is not None:
            store.close()


def run_seats_bench(*, db: str | None = None, seats: int = 20, rate: float = 2.0,
                    duration: float = 300.0, latency_n: int = 60, restart_seats: int = 5,
                    progress=None) -> dict:
    from app.demo_build import build_demo_on_server

    say = progress or (lambda m: None)
    out: dict = {"load_before": round(os.getloadavg()[0], 2)}
    cluster = None
    with tempfile.TemporaryDirectory(prefix="gridcc-seats-") as tmp:
        try:
            if db is None:
                from app.store.pg_local import Cluster

                cluster = Cluster()
                url = cluster.create_db("seats")
                # Hongqiao: 1,158 open cases, so that 200 can be shared by the seats
                say("loading the Hongqiao demo district into a local server")
                build_demo_on_server(url, scale="hongqiao")
            else:
                url = db
            say("latency")
            out["latency"] = latency(url, latency_n)
            say(f"contention: {seats} seats × {rate}/s × {duration:.0f} s")
            out["contention"] = contention(url, seats=seats, rate=rate, duration=duration,
                                           workdir=Path(tmp))
            if cluster is not None:
                say("server restart")
                out["restart"] = restart(cluster, url, restart_seats)
        finally:
            if cluster is not None:
                cluster.destroy()
    out["load_after"] = round(os.getloadavg()[0], 2)
    out["targets"] = _judge(out)
    return out


def run_server_bench(scale: str, *, progress=None) -> dict:
    """District-scale figures on a local server: demo generation into it, then the
    indicator queries (jinhua) or the first map paint (hongqiao)."""
    from app.demo_build import build_demo_on_server
    from app.store.pg_local import Cluster

    out: dict = {"scale": scale, "load_before": round(os.getloadavg()[0], 2)}
    cluster = Cluster()
    try:
        url = cluster.create_db(f"bench_{scale}")
        t = time.perf_counter()
        build_demo_on_server(url, scale=scale, progress=progress)
        out["demo_into_server_s"] = round(time.perf_counter() - t, 1)
        if scale == "jinhua":
            from app.appraisal.bench import appraisal_bench

            out["appraisal"] = appraisal_bench(url, runs=3)
        else:
            from app.bench import _first_paint

            with tempfile.TemporaryDirectory() as tmp:
                out["first_paint"] = _first_paint(url, Path(tmp))
    finally:
        cluster.destroy()
    out["load_after"] = round(os.getloadavg()[0], 2)
    out["targets"] = _judge(out)
    return out


def _judge(out: dict) -> dict:
    rows = {}
    if "p50_ms" in out.get("latency", {}):
        rows["latency_p50_ms"] = out["latency"]["p50_ms"]
        rows["latency_p95_ms"] = out["latency"]["p95_ms"]
    if (out.get("restart") or {}).get("caught_up_s") is not None:
        rows["restart_caught_up_s"] = out["restart"]["caught_up_s"]
    if "demo_into_server_s" in out:
        rows["demo_into_server_s"] = out["demo_into_server_s"]
    ind = (out.get("appraisal") or {}).get("indicators")
    if ind:
        rows["indicator_query_ms"] = max(v["query_ms"] for v in ind.values())
    fp = (out.get("first_paint") or {}).get("startup_to_first_paint_s")
    if fp is not None:
        rows["first_paint_s"] = fp
    judged = {k: {"measured": v, "target": TARGETS[k], "met": bool(v <= TARGETS[k])}
              for k, v in rows.items()}
    c = out.get("contention")
    if c:
        judged["lost_updates"] = {"measured": c["records_not_matching_accepted_actions"],
                                  "target": 0,
                                  "met": c["records_not_matching_accepted_actions"] == 0}
        judged["refusals_all_conflicts"] = {"measured": sum(c["other_errors"].values()),
                                            "target": 0, "met": not c["other_errors"]}
        judged["audit_and_check_pass"] = {"measured": c["audit_verify_ok"] and c["check_ok"],
                                          "target": True,
                                          "met": c["audit_verify_ok"] and c["check_ok"]}
    return judged


def main(argv: list[str]) -> int:
    if argv[:1] == ["watch"]:
        return seat_watch(argv[1])
    if argv[:1] == ["act"]:
        return seat_act(argv[1], argv[2])
    print("usage: python -m app.bench_seats watch URL | act URL SPEC.json", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
