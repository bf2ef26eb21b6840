"""``python -m app info``: what the district holds, in counts."""

from __future__ import annotations

from datetime import datetime

from app.clock import Clock, is_live, store_clock, zone_name
from app.domain.statuses import CLOSED_STATUSES, ENDED_STATUSES, sql_list
from app.store import DistrictRepository

LEVEL_KEYS = {1: "district", 2: "street", 3: "community", 4: "grid"}
LEVEL_ZH = {1: "区", 2: "街道", 3: "社区", 4: "网格"}


def district_info(store: DistrictRepository, clock: Clock | None = None) -> dict:
    """Counts of every kind of thing in the district, as plain JSON-able data; today's
    counts at the ``clock``'s now (the district's clock by default)."""
    from app.demo.reanchor import staleness

    meta = store.meta()
    clock = clock or store_clock(store)
    now = clock.now()
    levels = dict(store.rows("SELECT level, count(*) FROM grid_units GROUP BY level"))
    area = store.scalar("SELECT area_m2 FROM grid_units WHERE level = 1") or 0.0
    totals = store.rows(
        "SELECT coalesce(sum(households), 0), coalesce(sum(residents), 0) FROM building_population"
    )[0]
    cases_total = store.scalar("SELECT count(*) FROM cases")
    closed = store.scalar(
        f"SELECT count(*) FROM cases WHERE status IN {sql_list(CLOSED_STATUSES)}"
    )
    ended = sql_list(ENDED_STATUSES)
    row = store.rows(
        f"""SELECT count(*) FILTER (WHERE reported_at >= date_trunc('day', ?::TIMESTAMP)
                                    AND reported_at <= ?::TIMESTAMP),
                   count(*) FILTER (WHERE status NOT IN {ended}),
                   count(*) FILTER (WHERE status NOT IN {ended} AND deadline_at < ?::TIMESTAMP)
            FROM cases""",
        [now, now, now],
    )[0]
    today = {"reported_today": row[0], "open": row[1], "overdue": row[2]}
    behind = staleness(store, now)
    closure = _closure(store, now)
    return {
        "database": store.path,
        "schema_version": store.schema_version(),
        "district": {
            "name": meta.get("district_name"),
            "code": meta.get("district_code"),
            "scale": meta.get("scale"),
            "seed": meta.get("seed"),
            "now": now.isoformat(timespec="seconds"),
            "time_zone": zone_name(meta),
            "clock": "live" if is_live(clock) else "fixed",
            # a demo's timeline this far behind now (brought to now when opened for use)
            "demo_behind_s": None if behind is None else int(behind.total_seconds()),
            "area_km2": round(area / 1e6, 2),
        },
        "grid_units": {LEVEL_KEYS[k]: int(levels.get(k, 0)) for k in LEVEL_KEYS},
        "buildings": store.scalar("SELECT count(*) FROM buildings"),
        "households": int(totals[0]),
        "residents": int(totals[1]),
        "merchants": _grouped(store, "SELECT CAST(hazard_class AS VARCHAR), count(*) FROM merchants GROUP BY 1"),
        "workers": _grouped(store, "SELECT role, count(*) FROM workers GROUP BY 1"),
        "departments": store.scalar("SELECT count(*) FROM departments"),
        "cameras": _grouped(
            store,
            """SELECT d.short_name, count(*) FROM cameras c
               LEFT JOIN departments d ON d.id = c.department_id GROUP BY 1""",
        ),
        "cases": {
            "total": cases_total,
            "closed": closed,
            "closed_pct": round(100.0 * closed / cases_total, 2) if cases_total else None,
            **today,
            "closure": closure,
            "by_status": _grouped(store, "SELECT status, count(*) FROM cases GROUP BY 1"),
            "by_kind": _grouped(
                store,
                """SELECT coalesce(k.kind, 'unknown'), count(*) FROM cases c
                   LEFT JOIN categories k ON k.code = c.category_code GROUP BY 1""",
            ),
            "by_source": _grouped(store, "SELECT source, count(*) FROM cases GROUP BY 1"),
        },
        "whistles": _grouped(store, "SELECT status, count(*) FROM whistles GROUP BY 1"),
        "gps_fixes": store.scalar("SELECT count(*) FROM gps_fixes"),
        "appraisal_ratings": store.scalar("SELECT count(*) FROM appraisal_ratings"),
    }


def _closure(store: DistrictRepository, now: datetime) -> dict:
    """结案率 over 近12个月 (the 365 complete days before 'now'), by the appraisal
    definition — the same figure and window as the big screen's headline."""
    from app.appraisal import compute_indicators, trailing_year

    window = trailing_year(now)
    row = compute_indicators(store, window, "overall", deltas=False).rows[0]
    rate = row.values["close_rate"]
    return {"window": window.label, "due": row.counts["due"], "closed": row.counts["closed"],
            "rate_pct": None if rate is None else round(100.0 * rate, 2)}


def _grouped(store: DistrictRepository, sql: str) -> dict:
    rows = store.rows(sql)
    out = {str(k): int(v) for k, v in sorted(rows, key=lambda r: (-r[1], str(r[0])))}
    out["total"] = sum(v for v in out.values())
    return out


def format_info(info: dict) -> str:
    """A readable summary for the terminal."""
    d = info["district"]
    g = info["grid_units"]
    c = info["cases"]
    lines = [
        f"{d['name'] or '?'} ({d['code'] or '?'}), {d['area_km2']} km², scale {d['scale']}, "
        f"seed {d['seed']}",
        f"  时间            {d['now'].replace('T', ' ')}（{d['time_zone']}，"
        f"{'实时时钟' if d['clock'] == 'live' else '指定时间 --now/GRIDCC_NOW'}）",
        *_behind_line(d.get("demo_behind_s")),
        f"  database        {info['database']} (schema v{info['schema_version']})",
        "  grid units      " + ", ".join(f"{g[LEVEL_KEYS[k]]} {LEVEL_ZH[k]}" for k in LEVEL_KEYS),
        f"  buildings       {info['buildings']:,}",
        f"  households      {info['households']:,}   residents {info['residents']:,}",
        f"  merchants       {_fmt(info['merchants'], 'hazard class ')}",
        f"  workers         {_fmt(info['workers'])}",
        f"  departments     {info['departments']}",
        f"  cameras         {_fmt(info['cameras'])}",
        f"  cases           {c['total']:,} total, {c['closed']:,} closed ({c['closed_pct']}% of all)"
        + f", today {c['reported_today']}, open {c['open']}, overdue {c['overdue']}",
        f"    结案率        {c['closure']['rate_pct']}% over 近12个月 {c['closure']['window']} "
        f"({c['closure']['closed']:,} closed of {c['closure']['due']:,} due to close)",
        f"    by kind       {_fmt(c['by_kind'])}",
        f"    by status     {_fmt(c['by_status'])}",
        f"    by source     {_fmt(c['by_source'])}",
        f"  whistles        {_fmt(info['whistles'])}",
        f"  gps fixes       {info['gps_fixes']:,}",
        f"  ratings         {info['appraisal_ratings']:,}",
    ]
    return "\n".join(lines)


def _behind_line(seconds: int | None) -> list[str]:
    """For a demo whose timeline is an hour or more behind: say so, and what fixes it."""
    from datetime import timedelta

    from app.demo.reanchor import MIN_GAP, gap_text

    if seconds is None or seconds < MIN_GAP.total_seconds():
        return []
    return [f"  演示时间线      落后 {gap_text(timedelta(seconds=seconds))}（以上今日数字按当前时间计；打开指挥中心或运行 "
            f"demo --if-missing 时平移到当前时间）"]


def _fmt(groups: dict, prefix: str = "") -> str:
    total = groups.get("total", 0)
    parts = [f"{prefix}{k} {v:,}" for k, v in groups.items() if k != "total"]
    return f"{total:,}" + (f" ({', '.join(parts)})" if parts else "")
