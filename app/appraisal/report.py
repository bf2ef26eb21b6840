"""The appraisal report as data: one table per period and subject, written to the
terminal, JSON, CSV or an Excel workbook (openpyxl).  The PDF is the front end's
(``render_score_pdf``)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from app.appraisal.definitions import INDICATORS
from app.appraisal.frozen import is_published, publication
from app.appraisal.indicators import compute_indicators, format_value
from app.appraisal.periods import Period
from app.appraisal.scheme import Scheme, current_scheme, scheme_version
from app.privacy.demo import person_name

SUBJECT_ZH = {"overall": "全区", "street": "街道", "community": "社区", "grid": "网格",
              "department": "部门", "worker": "网格员"}
SCORED = ("department", "street", "community", "grid")


@dataclass
class Report:
    period: Period
    subject: str
    scheme_version: str | None
    published: bool
    headers: list[str]  # zh
    keys: list[str]  # machine keys of the columns
    kinds: list[str]  # text | int | score | rate | hours | delta
    rows: list[list] = field(default_factory=list)
    colours: list[str | None] = field(default_factory=list)  # grade colour per row

    def as_dict(self) -> dict:
        return {"period": self.period.label, "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(), "subject": self.subject,
                "scheme_version": self.scheme_version, "published": self.published,
                "columns": [{"key": k, "header": h, "kind": t}
                            for k, h, t in zip(self.keys, self.headers, self.kinds, strict=True)],
                "rows": [dict(zip(self.keys, r, strict=True)) for r in self.rows]}


def build_report(store, period: Period, subject: str, scheme: Scheme | None = None) -> Report:
    """Scores (for departments and areas) and every indicator of the subject."""
    from app.appraisal.scores import area_scores, department_scores

    published = is_published(store, period)
    if published:
        scheme = scheme_version(store, publication(store, period)["scheme_version"])
    scheme = scheme or current_scheme(store)
    table = compute_indicators(store, period, subject)
    ind_cols = [c for c in table.columns]
    keys, headers, kinds = [], [], []
    if subject in SCORED:
        keys += ["rank", "code", "name", "score", "grade", "delta"]
        headers += ["排名", "编码", "名称", "得分", "等级", "环比"]
        kinds += ["int", "text", "text", "score", "text", "delta"]
        if subject == "department":
            keys[4:4] = ["street_appraisal", "objective"]
            headers[4:4] = ["街道评价", "客观指标"]
            kinds[4:4] = ["score", "score"]
    else:
        keys += ["code", "name"]
        headers += ["编码", "名称"]
        kinds += ["text", "text"]
    for c in ind_cols:
        ind = INDICATORS[c]
        keys.append(c)
        headers.append(ind.name_zh + ("（工作小时）" if ind.kind == "hours" else ""))
        kinds.append(ind.kind if ind.kind != "score" else "hours")
    rep = Report(period, subject, scheme.version, published, headers, keys, kinds)
    by_id = {r.subject_id: r for r in table.rows}
    if subject in SCORED:
        scores = (department_scores(store, period, scheme) if subject == "department"
                  else area_scores(store, period, subject, scheme))
        seen = set()
        for s in scores:
            sid = s.department_id if subject == "department" else s.id
            seen.add(sid)
            r = by_id.get(sid)
            head = [s.rank, s.code, s.name, s.score]
            if subject == "department":
                head += [s.street_appraisal, s.objective]
            head += [s.grade_label, s.delta]
            rep.rows.append(head + [None if r is None else r.values.get(c) for c in ind_cols])
            rep.colours.append(s.grade_colour)
        for r in table.rows:  # subjects without a score (nothing to appraise) at the end
            if r.subject_id in seen or not any(r.counts.values()):
                continue
            head = [None, r.code, r.name, None] + ([None, None] if subject == "department"
                                                   else []) + [None, None]
            rep.rows.append(head + [r.values.get(c) for c in ind_cols])
            rep.colours.append(None)
    else:
        for r in table.rows:
            if subject == "worker" and not any(r.counts.values()):
                continue
            name = person_name(r.name) if subject == "worker" else r.name  # 演示模式
            rep.rows.append([r.code, name] + [r.values.get(c) for c in ind_cols])
            rep.colours.append(None)
    return rep


def cell_text(kind: str, key: str, value) -> str:
    if value is None:
        return "—"
    if kind in ("rate", "count", "hours") and key in INDICATORS:
        return format_value(key, value)
    if kind == "score":
        return f"{value:.2f}"
    if kind == "delta":
        return f"{value:+.2f}"
    return str(value)


def render_text(rep: Report, limit: int | None = None) -> str:
    """A readable table for the terminal (CJK characters count two columns)."""
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)

    cells = [rep.headers] + [[cell_text(t, k, v) for k, t, v in
                              zip(rep.keys, rep.kinds, row, strict=True)]
                             for row in rep.rows[:limit]]
    widths = [max(width(r[i]) for r in cells) for i in range(len(rep.headers))]

    def line(r):
        out = []
        for i, s in enumerate(r):
            pad = " " * (widths[i] - width(s))
            out.append(s + pad if rep.kinds[i] == "text" or i == 0 and r is cells[0]
                       else pad + s)
        return "  ".join(out).rstrip()

    title = (f"绩效考核 {SUBJECT_ZH[rep.subject]} · {rep.period.label} "
             f"({rep.period.start:%Y-%m-%d} – {rep.period.end:%Y-%m-%d} 前) · 方案 "
             f"{rep.scheme_version}{' · 已发布' if rep.published else ''}")
    body = [title, line(cells[0]), "  ".join("-" * w for w in widths)]
    body += [line(r) for r in cells[1:]]
    if limit is not None and len(rep.rows) > limit:
        body.append(f"… {len(rep.rows) - limit} more rows (use --csv/--xlsx/--json for all)")
    return "\n".join(body)


def _plain(kind: str, value):
    """CSV value: rates in percent with two decimals, other numbers rounded."""
    if value is None:
        return ""
    if kind == "rate":
        return f"{value * 100:.2f}"
    if kind in ("score", "hours", "delta"):
        return f"{value:.2f}"
    return value


def write_csv(rep: Report, path: Path) -> None:
    headers = [h + ("(%)" if t == "rate" else "") for h, t in zip(rep.headers, rep.kinds,
                                                                   strict=True)]
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8-sig") as fh:  # BOM: Excel reads UTF-8
        w = csv.writer(fh)
        w.writerow(headers)
        for row in rep.rows:
            w.writerow([_plain(t, v) for t, v in zip(rep.kinds, row, strict=True)])
    tmp.replace(path)


def write_json(rep: Report, path: Path | None = None) -> str:
    text = json.dumps(rep.as_dict(), ensure_ascii=False, indent=2, default=str)
    if path is not None:
        path.write_text(text + "\n", encoding="utf-8")
    return text


def write_xlsx(rep: Report, path: Path) -> None:
    """An Excel workbook: the table with grade colours, rates as percentages, and a
    sheet of the indicator definitions."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = f"{SUBJECT_ZH[rep.subject]}{rep.period.label}"[:31]
    title = (f"绩效考核（{SUBJECT_ZH[rep.subject]}） {rep.period.label}  方案 {rep.scheme_version}"
             f"{'  已发布' if rep.published else ''}")
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(rep.headers)
    for c in ws[2]:
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="1F3A5F")
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    formats = {"rate": "0.00%", "score": "0.00", "hours": "0.00", "delta": "+0.00;-0.00;0.00",
               "count": "#,##0", "int": "0"}
    grade_col = rep.keys.index("grade") + 1 if "grade" in rep.keys else None
    for row, colour in zip(rep.rows, rep.colours, strict=True):
        ws.append(row)
        r = ws.max_row
        for i, kind in enumerate(rep.kinds, 1):
            if kind in formats:
                ws.cell(r, i).number_format = formats[kind]
        if grade_col and colour:
            cell = ws.cell(r, grade_col)
            cell.fill = PatternFill("solid", fgColor=colour.lstrip("#").upper())
            cell.font = Font(bold=True, color="FFFFFF")
    for i, h in enumerate(rep.headers, 1):
        ws.column_dimensions[get_column_letter(i)].width = max(8, min(30, 2 * len(h) + 4))
    ws.freeze_panes = "A3"
    defs = wb.create_sheet("指标口径")
    defs.append(["指标", "代码", "口径"])
    for c in defs[1]:
        c.font = Font(bold=True)
    for k in rep.keys:
        if k in INDICATORS:
            defs.append([INDICATORS[k].name_zh, k, INDICATORS[k].formula_zh])
    defs.column_dimensions["A"].width = 16
    defs.column_dimensions["B"].width = 24
    defs.column_dimensions["C"].width = 80
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)
