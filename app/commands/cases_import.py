"""``python -m app cases import FILE``: historical cases from CSV or JSON, all or nothing
(see app/appraisal/case_import.py for the fields)."""

from __future__ import annotations

from pathlib import Path

#: how many of a refused file's problems are printed (the rest counted)
SHOWN_PROBLEMS = 200


def register(sub, add_db_arg) -> dict:
    from app.commands.workflow import common_args

    p = sub.add_parser("cases", help="bulk operations on cases (import history)")
    ops = p.add_subparsers(dest="op", metavar="OP", required=True)
    q = ops.add_parser("import", help="import historical cases from CSV or JSON (all or nothing)")
    common_args(q, add_db_arg)
    q.add_argument("file", type=Path, metavar="FILE", help="a .csv or .json file, one case a row")
    return {"cases": cmd_cases}


def cmd_cases(args) -> int:
    import json
    import sys

    from app.appraisal.case_import import CaseImportError, import_cases
    from app.appraisal.import_files import shown_path
    from app.cli import UserError
    from app.commands.workflow import session

    with session(args) as (store, user, now):
        try:
            res = import_cases(store, user, args.file, at=now)
        except CaseImportError as exc:
            for line, reason in exc.problems[:SHOWN_PROBLEMS]:
                if line is not None:  # the file's own refusal is in the summary
                    print(f"{exc.path}:{line}: {reason}", file=sys.stderr)
            hidden = exc.unlisted + max(0, len(exc.problems) - SHOWN_PROBLEMS)
            if hidden:
                print(f"……另有 {hidden} 处问题未列出", file=sys.stderr)
            raise UserError(exc.summary) from None
    if args.json:
        print(json.dumps({"cases": res.cases, "transitions": res.transitions}))
    else:
        print(f"已从 {shown_path(args.file)} 导入 {res.cases} 件案件（{res.transitions} 个步骤）")
    return 0
