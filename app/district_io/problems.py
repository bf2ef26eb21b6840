"""Findings of an import: a file, a feature (or line) and a reason, in Chinese.

Errors stop the import (nothing is written); warnings are reported and the import
goes on; repairs say what was changed and where.  Each may carry a place (lon/lat)
so that a wizard can show it on the map.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"
REPAIR = "repair"
SEVERITY_ZH = {ERROR: "错误", WARNING: "警告", REPAIR: "修复"}


@dataclass
class Problem:
    """One finding.  ``where`` is e.g. "第 3 条要素" or "第 12 行", empty for the file."""

    file: str
    reason: str
    where: str = ""
    severity: str = ERROR
    place: tuple[float, float] | None = None
    area_m2: float | None = None

    def text(self) -> str:
        parts = [self.file or "（导入）"]
        if self.where:
            parts.append(self.where)
        return f"{SEVERITY_ZH[self.severity]}  {'：'.join(parts)}：{self.reason}"

    def as_dict(self) -> dict:
        d = {"severity": self.severity, "file": self.file, "where": self.where,
             "reason": self.reason}
        if self.place is not None:
            d["place"] = [round(self.place[0], 6), round(self.place[1], 6)]
        if self.area_m2 is not None:
            d["area_m2"] = round(self.area_m2, 1)
        return d


@dataclass
class Findings:
    """The problems, warnings and repairs collected by the steps of one import."""

    items: list[Problem] = field(default_factory=list)

    def error(self, file: str, reason: str, where: str = "", **kw) -> None:
        self.items.append(Problem(file, reason, where, ERROR, **kw))

    def warn(self, file: str, reason: str, where: str = "", **kw) -> None:
        self.items.append(Problem(file, reason, where, WARNING, **kw))

    def repair(self, file: str, reason: str, where: str = "", **kw) -> None:
        self.items.append(Problem(file, reason, where, REPAIR, **kw))

    def extend(self, other: Findings) -> None:
        self.items.extend(other.items)

    def of(self, severity: str) -> list[Problem]:
        return [p for p in self.items if p.severity == severity]

    @property
    def errors(self) -> list[Problem]:
        return self.of(ERROR)

    @property
    def ok(self) -> bool:
        return not self.errors


class SourceError(Exception):
    """A file that cannot be read at all (missing, a directory, truncated …)."""

    def __init__(self, file: str, reason: str, where: str = "") -> None:
        super().__init__(f"{file}：{where + '：' if where else ''}{reason}")
        self.problem = Problem(file, reason, where)


def where_feature(n: int, label: str = "要素") -> str:
    """"第 n 条要素" (features) or "第 n 行" (table lines)."""
    return f"第 {n} 行" if label == "行" else f"第 {n} 条{label}"
