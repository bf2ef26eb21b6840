"""``python -m app score``: appraisal figures, scores and reports (绩效考核), publishing,
the streets' surveys and the scoring scheme.

    score [--period 2026-10|2026Q3|2026|A..B] [--subject …] [--json|--csv F|--xlsx F|--pdf F]
    score publish --period P --user supervisor
    score survey --period P --street CODE --ratings CG=92,HW=88 --user sec01
    score scheme [--check FILE | --save FILE --user admin]
"""

from __future__ import annotations

import json
from pathlib import Path

from app.appraisal import (
    SUBJECTS,
    AppraisalError,
    SchemeError,
    current_scheme,
    latest_complete_month,
    load_scheme,
    parse_period,
    publish_period,
    record_survey,
    save_scheme,
)
from app.auth.permissions import PermissionDenied
from app.clock import FixedClock, store_clock

OPS = ("show", "publish", "survey", "scheme")


def _err(msg: str) -> Exception:
    from app.cli import UserError

    return UserError(msg)


def register(sub, add_db_arg) -> dict:
    from app.commands.workflow import common_args

    p = sub.add_parser("score", help="appraisal indicators, 下考上 scores and reports",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("op", nargs="?", default="show", choices=OPS,
                   help="show (default): figures of a period; publish: freeze a period; "
                        "survey: a street's survey; scheme: check or save a scoring scheme")
    common_args(p, add_db_arg, user_required=False)
    p.add_argument("--period", default=None,
                   help="2026-10 (month), 2026Q3, 2026 or 2026-10-01..2026-10-15 "
                        "(default: the latest complete month)")
    p.add_argument("--subject", default="department", choices=SUBJECTS)
    out = p.add_mutually_exclusive_group()
    for fmt in ("csv", "xlsx", "pdf"):
        out.add_argument(f"--{fmt}", type=Path, metavar="FILE",
                         help=f"write the report to FILE (a folder: score-PERIOD-SUBJECT.{fmt} "
                              "in it)")
    p.add_argument("--limit", type=int, default=None, help="rows in the terminal table")
    p.add_argument("--street", help="survey: the street's code or id")
    p.add_argument("--ratings", help="survey: department=score pairs, e.g. CG=92,HW=88.5")
    p.add_argument("--comment", help="survey: a comment")
    p.add_argument("--check", type=Path, metavar="FILE", help="scheme: validate a scheme file")
    p.add_argument("--save", type=Path, metavar="FILE",
                   help="scheme: save a scheme file as a new version (administrator)")
    return {"score": cmd_score}


def _period(store, text, clock=None):
    if not text:
        return latest_complete_month(store, clock)
    try:
        period = parse_period(text)
    except ValueError as exc:
        raise _err(str(exc)) from None
    now = (clock or store_clock(store)).now().replace(tzinfo=None)
    if period.start > now:  # nothing to count yet: say so rather than print an empty table
        raise _err(f"统计期 {period.label} 尚未开始（区内时间现在是 {now:%Y-%m-%d %H:%M}），"
                   "没有可统计的数据")
    return period


def _out_file(target: Path | None, period, subject: str, suffix: str) -> Path | None:
    """Where a report goes: ``target``, or into the folder ``target`` names under the
    report's default name (``score-2026-10-department.pdf``)."""
    if target is None or not target.is_dir():
        return target
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in period.label)
    return target / f"score-{safe}-{subject}{suffix}"


def cmd_score(args) -> int:
    try:
        if args.op == "show":
            return _show(args)
        if args.op == "scheme" and args.check:
            sch = load_scheme(args.check)
            print(f"{args.check}: scheme {sch.version} is valid")
            return 0
        if args.op == "scheme" and not args.save:
            return _print_scheme(args)
        return _write(args)
    except SchemeError as exc:
        raise _err("; ".join(exc.problems) if args.op == "scheme" else str(exc)) from None
    except (AppraisalError, PermissionDenied) as exc:
        raise _err(str(exc)) from None


def _show(args) -> int:
    from app.appraisal.report import build_report, render_text, write_csv, write_json, write_xlsx
    from app.store import open_store

    if args.pdf:
        from app.cli import _frontend

        frontend = _frontend()
        if not hasattr(frontend, "render_score_pdf"):
            raise _err("this front end cannot write PDF reports yet (no render_score_pdf)")
    store = open_store(args.db, read_only=True)
    try:
        clock = store_clock(store, override=args.now)
        period = _period(store, args.period, clock)
        pdf, csv, xlsx = (_out_file(t, period, args.subject, sfx) for t, sfx in
                          ((args.pdf, ".pdf"), (args.csv, ".csv"), (args.xlsx, ".xlsx")))
        if pdf:
            pdf.parent.mkdir(parents=True, exist_ok=True)
            frontend.render_score_pdf(store, period, args.subject, pdf, clock=clock)
            print(f"wrote {pdf}")
            return 0
        rep = build_report(store, period, args.subject)
        for target in (csv, xlsx):
            if target is not None and not target.parent.exists():
                raise _err(f"cannot write {target}: no directory {target.parent}")
        if csv:
            write_csv(rep, csv)
            print(f"wrote {csv} ({len(rep.rows)} rows)")
        elif xlsx:
            write_xlsx(rep, xlsx)
            print(f"wrote {xlsx} ({len(rep.rows)} rows)")
        elif args.json:
            print(write_json(rep))
        else:
            print(render_text(rep, args.limit))
    finally:
        store.close()
    return 0


def _print_scheme(args) -> int:
    from app.store import open_store

    with open_store(args.db, read_only=True) as store:
        sch = current_scheme(store)
    print(sch.to_json() if args.json else
          f"scheme in force: {sch.version} ({sch.name}); street weight {sch.street_weight:g}; "
          f"objective: " + ", ".join(f"{i.indicator} {i.weight:g} ({i.rule.describe()})"
                                     for i in sch.objective))
    return 0


def _write(args) -> int:
    from app.commands.workflow import session

    with session(args) as (store, user, now):
        if args.op == "scheme":
            sch = save_scheme(store, load_scheme(args.save), user, at=now)
            print(f"saved scheme {sch.version}")
            return 0
        period = _period(store, args.period, FixedClock(now))
        if args.op == "publish":
            publish_period(store, user, period, at=now)
            print(f"published {period.label}")
            return 0
        # survey
        if not args.street or not args.ratings:
            raise _err("录入评议需要 --street 街道编码 和 --ratings 部门代码=得分,…")
        street = store.rows("SELECT id FROM grid_units WHERE level = 2 AND (code = ? OR "
                            "CAST(id AS VARCHAR) = ?)", [args.street, args.street])
        if not street:
            raise _err(f"没有编码为 {args.street} 的街道")
        codes = dict(store.rows("SELECT code, id FROM departments"))
        ratings = {}
        for pair in args.ratings.replace("，", ",").split(","):
            if not pair.strip():
                continue
            code, sep, value = pair.partition("=")
            code = code.strip().upper()
            if not sep or code not in codes:
                raise _err(f"--ratings：“{pair.strip()}”不是“部门代码=得分”，或没有这个部门代码")
            try:
                ratings[codes[code]] = float(value)
            except ValueError:
                raise _err(f"--ratings：{code} 的得分“{value.strip()}”不是数") from None
        sv = record_survey(store, user, period, int(street[0][0]), ratings, args.comment, at=now)
        print(json.dumps({"period": sv.period, "street": sv.street_name,
                          "ratings": len(sv.ratings)}, ensure_ascii=False) if args.json
              else f"已录入{sv.street_name} {sv.period} 的评议（{len(sv.ratings)} 个部门）")
        return 0
