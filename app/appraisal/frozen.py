"""The frozen figures of published periods (已发布考核结果), read back.

What :func:`app.appraisal.publish.publish_period` stored: whether a period is
published, by whom and with which scheme version, its frozen scores and indicator
tables.  Reading only; the scoring and indicator code asks here, never the publisher.
"""

from __future__ import annotations

import json
from dataclasses import fields

from app.appraisal.model import AreaScore, DepartmentScore
from app.appraisal.periods import Period

FROZEN_SUBJECTS = ("department", "street", "community")
#: indicator tables frozen with a publication (stored as subject "ind:<subject>")
FROZEN_INDICATORS = ("overall", "department", "street", "community")


def is_published(store, period: Period) -> bool:
    return bool(store.scalar("SELECT count(*) FROM appraisal_publications WHERE period = ?",
                             [period.label]))


def publication(store, period: Period) -> dict | None:
    rows = store.rows("SELECT scheme_version, published_at, published_by FROM "
                      "appraisal_publications WHERE period = ?", [period.label])
    if not rows:
        return None
    return {"scheme_version": rows[0][0], "published_at": rows[0][1], "published_by": rows[0][2]}


def frozen_scores(store, period: Period, subject: str):
    """The frozen scores of a published period (None if not published)."""
    if subject not in FROZEN_SUBJECTS or not is_published(store, period):
        return None
    cls = DepartmentScore if subject == "department" else AreaScore
    names = {f.name for f in fields(cls)}
    out = []
    for (body,) in store.rows("SELECT body FROM appraisal_frozen_scores WHERE period = ? "
                              "AND subject = ? ORDER BY rank", [period.label, subject]):
        data = {k: v for k, v in json.loads(body).items() if k in names}
        if subject == "department":
            data["published"] = True
        out.append(cls(**data))
    return out


def frozen_indicators(store, period: Period, subject: str):
    """The indicator table frozen when ``period`` was published (None if not published)."""
    from app.appraisal.definitions import indicators_for
    from app.appraisal.model import IndicatorRow, IndicatorTable

    if subject not in FROZEN_INDICATORS or not is_published(store, period):
        return None
    rows = []
    for (body,) in store.rows("SELECT body FROM appraisal_frozen_scores WHERE period = ? AND "
                              "subject = ? ORDER BY rank", [period.label, f"ind:{subject}"]):
        d = json.loads(body)
        rows.append(IndicatorRow(d["subject_id"], d["code"], d["name"], d["counts"],
                                 d["values"], d["mom"], d["yoy"]))
    return IndicatorTable(period, subject, indicators_for(subject), rows)
