"""The appraisal's vocabulary from :mod:`app.appraisal` in the interface language.

The engine names its indicators and measures, defines them in words and heads the
drill-down's columns in Chinese (its source language); the tables below let lupdate
collect those terms (context ``domain``, where :func:`ui.texts.domain_text` looks
them up).  This is their one list: ui.texts.VOCABULARY does not repeat them, although
some (全区, 部门, 督办, 网格员) are shown elsewhere too.  tests/ui/test_appraisal_english.py
fails when the engine gains a term these tables lack.  Grade labels are the scheme's
data: the default scheme's are listed, an administrator's own show as written.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.appraisal import INDICATORS, MEASURES
from ui.i18n import translate
from ui.texts import domain_text

#: indicator and measure names (指标、计数)
NAMES = (
    QT_TRANSLATE_NOOP("domain", "受理数"),
    QT_TRANSLATE_NOOP("domain", "立案数"),
    QT_TRANSLATE_NOOP("domain", "应结案数"),
    QT_TRANSLATE_NOOP("domain", "结案数"),
    QT_TRANSLATE_NOOP("domain", "按期结案数"),
    QT_TRANSLATE_NOOP("domain", "结案率"),
    QT_TRANSLATE_NOOP("domain", "按期结案率"),
    QT_TRANSLATE_NOOP("domain", "按期处置率"),
    QT_TRANSLATE_NOOP("domain", "返工率"),
    QT_TRANSLATE_NOOP("domain", "回退率"),
    QT_TRANSLATE_NOOP("domain", "准确派遣率"),
    QT_TRANSLATE_NOOP("domain", "平均结案用时"),
    QT_TRANSLATE_NOOP("domain", "满意率"),
    QT_TRANSLATE_NOOP("domain", "接哨数"),
    QT_TRANSLATE_NOOP("domain", "报到及时率"),
    QT_TRANSLATE_NOOP("domain", "按时办结率"),
    QT_TRANSLATE_NOOP("domain", "督办数"),
    QT_TRANSLATE_NOOP("domain", "二次哨数"),
    QT_TRANSLATE_NOOP("domain", "哨令评分"),
    QT_TRANSLATE_NOOP("domain", "上报数"),
    QT_TRANSLATE_NOOP("domain", "有效上报率"),
    QT_TRANSLATE_NOOP("domain", "巡查覆盖率"),
    QT_TRANSLATE_NOOP("domain", "按期处置数"),
    QT_TRANSLATE_NOOP("domain", "处置数"),
    QT_TRANSLATE_NOOP("domain", "返工数"),
    QT_TRANSLATE_NOOP("domain", "派遣数"),
    QT_TRANSLATE_NOOP("domain", "回退数"),
    QT_TRANSLATE_NOOP("domain", "准确派遣数"),
    QT_TRANSLATE_NOOP("domain", "评价数"),
    QT_TRANSLATE_NOOP("domain", "满意数"),
    QT_TRANSLATE_NOOP("domain", "结案用时合计"),
    QT_TRANSLATE_NOOP("domain", "按时报到数"),
    QT_TRANSLATE_NOOP("domain", "按时办结数"),
    QT_TRANSLATE_NOOP("domain", "哨令评价数"),
    QT_TRANSLATE_NOOP("domain", "哨令评分合计"),
    QT_TRANSLATE_NOOP("domain", "有效上报数"),
    QT_TRANSLATE_NOOP("domain", "巡查天数"),
    QT_TRANSLATE_NOOP("domain", "有轨迹天数"),
)

#: what each indicator and measure counts (口径)
FORMULAS = (
    QT_TRANSLATE_NOOP("domain", "上报时间在周期内的案件数"),
    QT_TRANSLATE_NOOP("domain", "立案时间在周期内的案件数"),
    QT_TRANSLATE_NOOP("domain", "未作废、未挂账，且处置期限在周期内或在周期内结案的案件（延期、缓办暂停期间无期限）"),
    QT_TRANSLATE_NOOP("domain", "结案时间在周期内的案件数"),
    QT_TRANSLATE_NOOP("domain", "在周期内结案且结案时间不晚于处置期限的案件"),
    QT_TRANSLATE_NOOP("domain", "结案率 = 结案数 ÷ 应结案数"),
    QT_TRANSLATE_NOOP("domain", "按期结案率 = 按期结案数 ÷ 应结案数"),
    QT_TRANSLATE_NOOP("domain", "按期处置率 = 按期处置数 ÷ 应结案数"),
    QT_TRANSLATE_NOOP("domain", "返工率 = 返工数 ÷ 处置数"),
    QT_TRANSLATE_NOOP("domain", "回退率 = 回退数 ÷ 派遣数"),
    QT_TRANSLATE_NOOP("domain", "准确派遣率 = 准确派遣数 ÷ 派遣数"),
    QT_TRANSLATE_NOOP("domain", "平均结案用时 = 结案用时合计（受理→结案，工作小时）÷ 结案数"),
    QT_TRANSLATE_NOOP("domain", "满意率 = 满意数 ÷ 评价数"),
    QT_TRANSLATE_NOOP("domain", "吹哨时间在周期内、点名该部门的哨令（一哨多部门按部门计）"),
    QT_TRANSLATE_NOOP("domain", "报到及时率 = 按时报到数 ÷ 接哨数"),
    QT_TRANSLATE_NOOP("domain", "按时办结率 = 按时办结数 ÷ 接哨数"),
    QT_TRANSLATE_NOOP("domain", "接哨数中被区委督查室督办的"),
    QT_TRANSLATE_NOOP("domain", "接哨数中属二次吹哨的"),
    QT_TRANSLATE_NOOP("domain", "哨令评分 = 哨令评分合计 ÷ 哨令评价数（1-5 分）"),
    QT_TRANSLATE_NOOP("domain", "网格员上报、上报时间在周期内的案件"),
    QT_TRANSLATE_NOOP("domain", "有效上报率 = 有效上报数 ÷ 上报数"),
    QT_TRANSLATE_NOOP("domain", "巡查覆盖率 = 巡查天数 ÷ 有轨迹天数"),
    QT_TRANSLATE_NOOP("domain", "上报时间在周期内的案件"),
    QT_TRANSLATE_NOOP("domain", "立案时间在周期内的案件"),
    QT_TRANSLATE_NOOP("domain", "结案时间在周期内的案件"),
    QT_TRANSLATE_NOOP("domain", "应结案中处置（最后一次）时间不晚于处置期限的案件"),
    QT_TRANSLATE_NOOP("domain", "最后一次处置时间在周期内的案件"),
    QT_TRANSLATE_NOOP("domain", "处置数中曾因核查不通过而返工的案件"),
    QT_TRANSLATE_NOOP("domain", "（最后一次）派遣时间在周期内的案件"),
    QT_TRANSLATE_NOOP("domain", "派遣数中曾被回退（退回重派）的案件"),
    QT_TRANSLATE_NOOP("domain", "派遣数中从未被回退的案件"),
    QT_TRANSLATE_NOOP("domain", "评价时间在周期内且有满意度的案件"),
    QT_TRANSLATE_NOOP("domain", "评价数中满意度为 4 或 5（满意、非常满意）的案件"),
    QT_TRANSLATE_NOOP("domain", "周期内结案案件从受理到结案的工作小时之和"),
    QT_TRANSLATE_NOOP("domain", "接哨数中报到时间不晚于报到时限的"),
    QT_TRANSLATE_NOOP("domain", "接哨数中反馈办结时间不晚于办结时限的"),
    QT_TRANSLATE_NOOP("domain", "评价时间在周期内、街道已评分的部门报到"),
    QT_TRANSLATE_NOOP("domain", "街道对部门报到处置的评分（1-5）之和"),
    QT_TRANSLATE_NOOP("domain", "上报数中未被作废的"),
    QT_TRANSLATE_NOOP("domain", "周期内该网格员有 GPS 轨迹的天数"),
    QT_TRANSLATE_NOOP("domain", "周期内全区有 GPS 轨迹记录的天数"),
)

#: the drill-down's column headers (app.appraisal.drilldown) and its one literal cell
COLUMNS = (
    QT_TRANSLATE_NOOP("domain", "案件编号"),
    QT_TRANSLATE_NOOP("domain", "类别"),
    QT_TRANSLATE_NOOP("domain", "状态"),
    QT_TRANSLATE_NOOP("domain", "责任部门"),
    QT_TRANSLATE_NOOP("domain", "上报时间"),
    QT_TRANSLATE_NOOP("domain", "派遣时间"),
    QT_TRANSLATE_NOOP("domain", "处置期限"),
    QT_TRANSLATE_NOOP("domain", "处置时间"),
    QT_TRANSLATE_NOOP("domain", "结案时间"),
    QT_TRANSLATE_NOOP("domain", "返工次数"),
    QT_TRANSLATE_NOOP("domain", "满意度"),
    QT_TRANSLATE_NOOP("domain", "哨令编号"),
    QT_TRANSLATE_NOOP("domain", "标题"),
    QT_TRANSLATE_NOOP("domain", "轮次"),
    QT_TRANSLATE_NOOP("domain", "部门"),
    QT_TRANSLATE_NOOP("domain", "吹哨时间"),
    QT_TRANSLATE_NOOP("domain", "报到时限"),
    QT_TRANSLATE_NOOP("domain", "报到时间"),
    QT_TRANSLATE_NOOP("domain", "办结时限"),
    QT_TRANSLATE_NOOP("domain", "反馈时间"),
    QT_TRANSLATE_NOOP("domain", "评分"),
    QT_TRANSLATE_NOOP("domain", "督办"),
    QT_TRANSLATE_NOOP("domain", "网格员编号"),
    QT_TRANSLATE_NOOP("domain", "网格员"),
    QT_TRANSLATE_NOOP("domain", "日期"),
    QT_TRANSLATE_NOOP("domain", "全区"),
)

#: the grade labels of the default scheme (resources/appraisal/scheme-v1.json)
GRADES = (
    QT_TRANSLATE_NOOP("domain", "优秀"),
    QT_TRANSLATE_NOOP("domain", "良好"),
    QT_TRANSLATE_NOOP("domain", "一般"),
    QT_TRANSLATE_NOOP("domain", "较差"),
)


def indicator_name(code: str) -> str:
    """An indicator's name (结案率 …); an unknown code shows as itself."""
    ind = INDICATORS.get(code)
    return domain_text(ind.name_zh) if ind else code


def indicator_formula(code: str) -> str:
    ind = INDICATORS.get(code)
    return domain_text(ind.formula_zh) if ind else ""


def measure_name(code: str) -> str:
    m = MEASURES.get(code)
    return domain_text(m.name_zh) if m else code


def measure_formula(code: str) -> str:
    m = MEASURES.get(code)
    return domain_text(m.formula_zh) if m else ""


def rule_text(rule) -> str:
    """A points rule in words (app's ``Rule.describe``, in the interface language)."""
    if rule.type == "threshold":
        return translate("AppraisalReport", "≥{line}% 满分，每低 1 个百分点扣 {points} 分").format(
            line=f"{rule.full_at * 100:g}", points=f"{rule.minus_per_point:g}")
    if rule.type == "deduction":
        return translate("AppraisalReport", "≤{line}% 满分，每高 1 个百分点扣 {points} 分").format(
            line=f"{rule.free_up_to * 100:g}", points=f"{rule.minus_per_point:g}")
    return translate("AppraisalReport", "得分 = 权重 × 指标值")


def term(text: str) -> str:
    """A column header, a grade label or another term of the engine's."""
    return domain_text(text) if text else text
