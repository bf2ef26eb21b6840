"""Publishing a period (发布): freeze its figures and the scheme version.

After :func:`publish_period`, :func:`department_scores`, :func:`area_scores`
(street, community) and :func:`compute_indicators` (district, departments, streets,
communities) for that period return the stored figures (scores with
``published=True``) — whatever later happens to cases, surveys or the scheme.  The
drill-down lists the records as they are now.
Only the supervision office (``appraisal.publish``) publishes, once per period, and
only a period that has ended; audited.  Reading the frozen figures back is
:mod:`app.appraisal.frozen`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime

from app.appraisal.errors import AppraisalError
from app.appraisal.frozen import FROZEN_INDICATORS, is_published
from app.appraisal.periods import Period
from app.appraisal.scheme import Scheme, current_scheme
from app.auth.permissions import require
from app.clock import store_clock


def publish_period(store, session, period: Period, scheme: Scheme | None = None, *,
                   at: datetime | None = None) -> None:
    """Freeze ``period``'s department, street and community scores and the scheme version."""
    from app.appraisal.indicators import compute_indicators
    from app.appraisal.scores import area_scores, department_scores

    if session is None:
        from app.auth.session import current_user

        session = current_user()
    if session is None:
        raise AppraisalError("publishing needs the signed-in supervision office")
    require(session.role, session.scope, "appraisal.publish")
    if is_published(store, period):
        raise AppraisalError(f"period {period.label} is already published; published figures "
                             f"never change")
    now = at or store_clock(store).now()
    if period.end > now:
        raise AppraisalError(f"period {period.label} has not ended yet (it ends "
                             f"{period.end:%Y-%m-%d %H:%M}); publish complete periods only")
    scheme = scheme or current_scheme(store)
    depts = department_scores(store, period, scheme)
    areas = {lvl: area_scores(store, period, lvl, scheme) for lvl in ("street", "community")}
    tables = {subj: compute_indicators(store, period, subj, live=True)
              for subj in FROZEN_INDICATORS}
    saved = store.rows("SELECT body FROM appraisal_schemes WHERE version = ?", [scheme.version])
    if saved and json.loads(saved[0][0]) != scheme.data:
        raise AppraisalError(f"scheme version {scheme.version} is saved with other rules; "
                             f"save the changed scheme as a new version before publishing")
    with store.transaction():
        if not saved:
            # keep the exact rules used, even if the scheme file changes later
            store.rows("INSERT INTO appraisal_schemes (version, body, saved_at, saved_by) "
                       "VALUES (?, ?, ?, ?)", [scheme.version, scheme.to_json(), now,
                                               session.username])
        rows = [("department", s.department_id, s.rank, s.score,
                 {**asdict(s), "published": True}) for s in depts]
        for lvl, lst in areas.items():
            rows += [(lvl, s.id, s.rank, s.score, asdict(s)) for s in lst]
        for subj, table in tables.items():
            rows += [(f"ind:{subj}", r.subject_id or 0, n, None, asdict(r))
                     for n, r in enumerate(table.rows, 1)]
        if rows:
            store.bulk_insert("appraisal_frozen_scores", {
                "period": [period.label] * len(rows), "subject": [r[0] for r in rows],
                "subject_id": [int(r[1]) for r in rows], "rank": [int(r[2]) for r in rows],
                "score": [r[3] for r in rows],
                "body": [json.dumps(r[4], ensure_ascii=False, default=str) for r in rows]})
        store.rows("INSERT INTO appraisal_publications (period, starts_at, ends_at, "
                   "scheme_version, published_at, published_by) VALUES (?, ?, ?, ?, ?, ?)",
                   [period.label, period.start, period.end, scheme.version, now,
                    session.username])
        from app.audit import append as audit

        audit(store, at=now, username=session.username, role=session.role.value,
              action="appraisal.publish", entity="appraisal_period", entity_id=period.label,
              after={"scheme_version": scheme.version, "departments": len(depts),
                     "streets": len(areas["street"]), "communities": len(areas["community"])})
