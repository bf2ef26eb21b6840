"""What keeps a whistle from being sent (吹哨表单的检查): a real title of at least four
characters, a description that says something, at least one department, limits within
the policy's presets.  Messages in the interface language."""

from __future__ import annotations

import re

from app.workflow import whistles
from ui.i18n import translate

MIN_TITLE = 4
#: what a tester types: not a problem anyone can act on
_JUNK = re.compile(r"^(test|testing|asdf|qwer|abcd?|xxx+|aaa+|测试|试试|测测|哈哈|啊+|无)+\d*$",  # i18n: no
                   re.IGNORECASE)


def _junk(text: str) -> bool:
    t = re.sub(r"\s+", "", text)
    return bool(_JUNK.match(t)) or len(set(t)) <= 1 or not re.search(r"[^\W\d_]", t)


def form_problems(title: str, description: str, departments: list[int], report_hours: float,
                  finish_hours: float) -> list[str]:
    """What keeps the form from being sent (empty: it may be sent)."""
    out = []
    title = title.strip()
    if len(title) < MIN_TITLE:
        out.append(translate("WhistlePanel", "事项至少 {n} 个字，说清是什么问题（如：闲置空地垃圾堆积）").format(
            n=MIN_TITLE))
    elif _junk(title):
        out.append(translate("WhistlePanel", "事项“{title}”不是一个问题的说明，请写清是什么问题")
                   .format(title=title))
    description = description.strip()
    if description and (len(description) < MIN_TITLE or _junk(description)):
        out.append(translate("WhistlePanel", "情况说明请写清现场情况，或留空（将用事项和地点）"))
    if not departments:
        out.append(translate("WhistlePanel", "请至少选择一个报到部门"))
    allowed = {(r, f) for r, f in whistles.PRESETS.values()}
    if (report_hours, finish_hours) not in allowed or not 0 < report_hours <= finish_hours:
        out.append(translate("WhistlePanel", "时限须为规定的时限之一"))
    return out


def hours_text(hours: float) -> str:
    """'8 个工作小时' in the interface language."""
    return translate("WhistlePanel", "{hours} 个工作小时").format(hours=f"{hours:g}")
