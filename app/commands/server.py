"""``python -m app server …``: the district database on a PostgreSQL server (服务器).

* ``server init --db postgresql://admin@host/district`` creates the database if
  needed, migrates its schema, installs PostGIS geometry, the security (groups,
  grants, row-level security, the append-only audit log) and the accounts' login
  roles; run again, it changes nothing and says so (app/store/pg_server.py).  It also
  creates the headless intake's login ``<database>_intake`` (app/store/pg_intake.py)
  and, when $GRIDCC_INTAKE_PASSWORD is set, sets its password.
* ``server status`` prints versions, the district's groups and members and the
  seats connected (``application_name`` gridcc).
* ``server password NAME`` sets an account's login password (from
  $GRIDCC_NEW_PASSWORD or a prompt): accounts moved from a file have none.
"""

from __future__ import annotations

import getpass
import json
import os
import sys

from app.store import StoreError

NEW_PASSWORD_ENV = "GRIDCC_NEW_PASSWORD"
INTAKE_PASSWORD_ENV = "GRIDCC_INTAKE_PASSWORD"


def register(sub, add_db_arg) -> dict:
    p = sub.add_parser("server", help="the district database on a PostgreSQL server")
    ops = p.add_subparsers(dest="op", metavar="OP", required=True)
    q = ops.add_parser("init", help="create or bring up to date the district database "
                                    "(schema, PostGIS, login roles, grants, row-level security)")
    add_db_arg(q)
    q.add_argument("--json", action="store_true")
    q = ops.add_parser("status", help="versions, groups, connected seats")
    add_db_arg(q)
    q.add_argument("--json", action="store_true")
    q = ops.add_parser("password", help="set an account's login password on the server")
    add_db_arg(q)
    q.add_argument("name", help="the account (its login role)")
    return {"server": cmd_server}


def _require_server(args) -> None:
    if not args.db.is_postgres:
        raise StoreError(f"server {args.op} 需要 PostgreSQL 地址（--db postgresql://…），"
                         f"不是文件 {args.db}")


def cmd_server(args) -> int:
    _require_server(args)
    if args.op == "init":
        return _init(args)
    if args.op == "status":
        return _status(args)
    return _password(args)


def _init(args) -> int:
    from app.store.pg_server import init_server

    def progress(text: str) -> None:
        if not args.json:
            print(f"  … {text}", flush=True)

    done = init_server(args.db, progress=progress)
    done["intake_role"] = _intake_login(args.db)
    if args.json:
        print(json.dumps(done, ensure_ascii=False, indent=2))
    elif done["changed"]:
        print(f"区库已就绪：{done['database']}")
    else:
        print(f"区库已是最新，无需改动：{done['database']}")
    if not args.json:
        print(f"接入服务账号：{done['intake_role']}"
              + ("（密码已设置）" if os.environ.get(INTAKE_PASSWORD_ENV) else ""))
    return 0


def _intake_login(target) -> str:
    """The intake's login role; its password set from $GRIDCC_INTAKE_PASSWORD if given."""
    from app.store import open_store
    from app.store.pg_intake import intake_role, set_intake_password
    from app.store.pg_security import role_prefix

    password = os.environ.get(INTAKE_PASSWORD_ENV)
    with open_store(target) as store:
        if password:
            return set_intake_password(store, password)
        return intake_role(role_prefix(store._conn.info.dbname))


def _status(args) -> int:
    from app.store.pg_server import server_status

    st = server_status(args.db)
    if args.json:
        print(json.dumps(st, ensure_ascii=False, indent=2))
        return 0
    print(f"{st['database']}  (as {st['user']})")
    print(f"  server          {st['server'].split(',')[0]}")
    print(f"  PostGIS         {st['postgis'] or '未安装'}")
    print(f"  schema version  {st['schema_version']}")
    print(f"  security        {'installed' if st['security'] else '未安装（server init）'}")
    for group, members in st["groups"].items():
        print(f"  {group:<15} {len(members):>3} accounts  {' '.join(members[:12])}"
              f"{' …' if len(members) > 12 else ''}")
    print(f"  seats connected {len(st['seats'])}")
    for seat in st["seats"]:
        print(f"    {seat['user']:<14} {seat['client']:<16} since {seat['since'][:19]}")
    return 0


def _password(args) -> int:
    from app.store import open_store
    from app.store.pg_server import set_password

    password = os.environ.get(NEW_PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise StoreError(f"没有新密码：请设置 ${NEW_PASSWORD_ENV}")
        password = getpass.getpass(f"{args.name} 的新密码：")
    with open_store(args.db) as store:
        set_password(store, args.name, password)
    print(f"账号 {args.name} 的登录密码已设置")
    return 0
