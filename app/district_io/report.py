"""The import report: what was read, what is wrong, what was repaired, what changes.

Printed by ``district import`` (and ``--dry-run``), returned as JSON with ``--json``,
and the wizard's validation step (each problem may carry a place for the map).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.district_io.mapping import KIND_ZH
from app.district_io.problems import ERROR, REPAIR, WARNING, Findings

_LEVEL = {1: "区", 2: "街道", 3: "社区", 4: "网格"}


@dataclass
class ImportReport:
    files: list[dict]
    findings: Findings
    diff: dict | None = None
    counts: dict = field(default_factory=dict)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return self.findings.ok

    def as_dict(self) -> dict:
        diff = None
        if self.diff is not None:
            diff = {k: self.diff[k] for k in ("added", "changed", "removed", "unchanged")}
            diff["refiled"] = {t: [{"id": m[0], "key": m[2], "from": m[3], "to": m[4]} for m in moves]
                               for t, moves in self.diff.get("refiled", {}).items()}
        return {"ok": self.ok, "committed": self.committed, "files": self.files,
                "errors": [p.as_dict() for p in self.findings.of(ERROR)],
                "warnings": [p.as_dict() for p in self.findings.of(WARNING)],
                "repairs": [p.as_dict() for p in self.findings.of(REPAIR)],
                "counts": self.counts, "diff": diff}

    def text(self) -> str:
        lines = ["导入报告"]
        for f in self.files:
            lv = f" {_LEVEL[f['level']]}" if f.get("level") else ""
            lines.append(f"  {f['file']}{':' + f['layer'] if f['layer'] and not f['file'].endswith(f['layer'] + '.shp') else ''}"
                         f"  {KIND_ZH.get(f['kind'], f['kind'])}{lv}  {f['features']} 条"
                         f"  编码 {f['encoding'] or '-'}  坐标系 {f['crs'] or '-'}")
            if f["fields"]:
                lines.append("    字段：" + "，".join(f"{k}←{v}" for k, v in f["fields"].items()))
            lines.append(f"    SHA-256 {f['sha256']}")
        for sev, title in ((ERROR, "错误"), (WARNING, "警告"), (REPAIR, "修复")):
            items = self.findings.of(sev)
            if items:
                lines.append(f"{title}（{len(items)}）：")
                for p in items:
                    extra = ""
                    if p.place:
                        extra = f"  [位置 {p.place[0]:.6f}, {p.place[1]:.6f}]"
                    lines.append(f"  - {p.text().split('  ', 1)[1]}{extra}")
        if self.diff is not None:
            d = self.diff
            lines.append(f"与现有边界相比：新增 {len(d['added'])}，变化 {len(d['changed'])}，"
                         f"删除 {len(d['removed'])}，不变 {d['unchanged']}")
            for key, zh in (("added", "新增"), ("changed", "变化"), ("removed", "删除")):
                lines.extend(f"  {zh} {x}" for x in d[key][:50])
            for table, moves in d.get("refiled", {}).items():
                if moves:
                    lines.append(f"  {table}：{len(moves)} 条因网格变化重新归属")
                    lines.extend(f"    {m[2]}：{m[3]} → {m[4]}" for m in moves[:50])
        if self.counts:
            lines.append("写入：" if self.committed else "将写入：")
            lines.append("  " + "，".join(f"{k} {v:,}" for k, v in self.counts.items()))
        if not self.ok:
            lines.append(f"有 {len(self.findings.errors)} 个错误，没有写入任何数据。")
        elif self.committed:
            lines.append("导入完成（一个事务，已记入审计日志）。")
        else:
            lines.append("试运行（--dry-run）：没有写入任何数据。")
        return "\n".join(lines)
