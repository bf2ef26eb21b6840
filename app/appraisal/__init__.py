"""Performance appraisal (绩效考核, 下考上): indicators, department scores, surveys,
publishing.  Qt-free; DuckDB SQL over the district's cases and whistles.

Public API (the UI codes against it):

* periods — :class:`Period`, :func:`parse_period`, :func:`latest_complete_month`
* indicators — :data:`SUBJECTS`, :data:`INDICATORS`, :func:`compute_indicators`,
  :func:`drill_down`, :func:`format_rate`
* scheme — :class:`Scheme`, :class:`SchemeError`, :data:`DEFAULT_SCHEME_PATH`,
  :func:`load_scheme`, :func:`validate_scheme`, :func:`save_scheme`
* scores — :func:`department_scores`, :func:`area_scores`, :func:`red_black_list`,
  :func:`score_trend`
* surveys and publishing — :func:`record_survey`, :func:`surveys_for`,
  :func:`publish_period`, :func:`is_published`
"""

from app.appraisal.definitions import INDICATORS, MEASURES, SUBJECTS, Indicator, Measure
from app.appraisal.drilldown import drill_down
from app.appraisal.errors import AppraisalError
from app.appraisal.frozen import is_published
from app.appraisal.indicators import compute_indicators, format_rate
from app.appraisal.model import (
    AreaScore,
    DepartmentScore,
    DrillDown,
    IndicatorRow,
    IndicatorTable,
    Survey,
    TrendPoint,
)
from app.appraisal.periods import Period, latest_complete_month, parse_period, trailing_year
from app.appraisal.publish import publish_period
from app.appraisal.scheme import (
    DEFAULT_SCHEME_PATH,
    Scheme,
    SchemeError,
    current_scheme,
    load_scheme,
    save_scheme,
    validate_scheme,
)
from app.appraisal.scores import area_scores, department_scores, red_black_list, score_trend
from app.appraisal.surveys import record_survey, surveys_for

__all__ = [
    "DEFAULT_SCHEME_PATH", "INDICATORS", "MEASURES", "SUBJECTS", "AppraisalError", "AreaScore",
    "DepartmentScore", "DrillDown", "Indicator", "IndicatorRow", "IndicatorTable", "Measure",
    "Period", "Scheme", "SchemeError", "Survey", "TrendPoint", "area_scores",
    "compute_indicators", "current_scheme", "department_scores", "drill_down", "format_rate",
    "is_published", "latest_complete_month", "load_scheme", "parse_period", "publish_period",
    "record_survey", "red_black_list", "save_scheme", "score_trend", "surveys_for",
    "trailing_year", "validate_scheme",
]
