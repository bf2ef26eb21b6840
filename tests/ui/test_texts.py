"""The domain vocabulary (ui.texts): every display term app/ hands over is in the
catalogue with its English, and the tables read in the interface language."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from app.appraisal import definitions, drilldown, report
from app.auth import permissions
from app.domain import categories
from app.workflow import case_machine, whistle_machine
from tests.ui.english import english_language  # noqa: F401
from ui import i18n, texts
from ui.resources import resources_dir


def _app_terms() -> set[str]:
    """The Chinese display terms app/ hands to the interface."""
    scheme = json.loads((resources_dir() / "appraisal" / "scheme-v1.json").read_text("utf-8"))
    return {
        *categories.KIND_NAMES.values(),
        *(c.class_name for c in categories.CATEGORIES), *(c.name for c in categories.CATEGORIES),
        *case_machine.STATUS_NAMES.values(), *case_machine.ACTION_NAMES.values(),
        *whistle_machine.STATUS_NAMES.values(), *whistle_machine.ACTION_NAMES.values(),
        *whistle_machine.DEPT_STATE_NAMES.values(), *whistle_machine.DEPT_NEEDS.values(),
        *permissions.ROLE_NAMES.values(), *permissions.SCOPE_KIND_NAMES.values(),
        *(i.name_zh for i in definitions.INDICATORS.values()),
        *(m.name_zh for m in definitions.MEASURES.values()), *report.SUBJECT_ZH.values(),
        *(g["label"] for g in scheme["grades"]),
        *drilldown.CASE_COLUMNS, *drilldown.WHISTLE_COLUMNS, *drilldown.PATROL_COLUMNS,
    }


def _tables():
    return [texts.LEVEL_NAMES, texts.LAYER_TITLES, texts.CASE_KIND_NAMES,
            texts.CASE_STATUS_NAMES, texts.CASE_ACTION_NAMES, texts.CASE_SOURCE_NAMES,
            texts.ROLE_NAMES, texts.ACTOR_NAMES]


def _domain_messages() -> list[tuple[str, str | None]]:
    """(source, translation) of every ``domain`` term, whichever catalogue holds it (all
    are installed: ui.texts's in cards, the appraisal's in appraisal)."""
    return [(src, tr) for area in i18n.areas()
            for ctx, src, tr in i18n.messages(i18n.catalogue(area)) if ctx == "domain"]


def test_every_term_of_app_is_translated_in_the_catalogue():
    translated = {src for src, tr in _domain_messages() if tr}
    missing = sorted(_app_terms() - translated)
    assert not missing, ("add to ui.texts.VOCABULARY (the appraisal's terms: "
                         f"ui/appraisal/vocabulary.py) and translate: {missing}")
    tables = sorted({v for t in _tables() for v in t.source.values()} - translated)
    assert not tables, tables


def test_each_term_is_listed_in_one_vocabulary_only():
    """ui.texts and ui/appraisal/vocabulary.py do not list the same term twice."""
    listed = Counter(src for src, _tr in _domain_messages())
    assert [src for src, n in listed.items() if n > 1] == []


def test_tables_read_in_chinese_by_default(qapp):
    assert i18n.current_language() == "zh_CN"
    assert texts.CASE_STATUS_NAMES["closed"] == "已结案"
    assert texts.text_for(texts.LEVEL_NAMES, 2) == "街道"


def test_a_table_read_in_english_returns_english(english):
    assert texts.CASE_STATUS_NAMES["closed"] == "Closed"
    assert texts.LEVEL_NAMES.get(3) == "Community"
    assert texts.text_for(texts.ROLE_NAMES, "grid_leader") == "Grid leader"
    assert dict(texts.CASE_KIND_NAMES.items())["hazard"] == "Safety hazard"
    assert "Sanitation" in list(texts.CASE_KIND_NAMES.values())
    assert texts.domain_text(whistle_machine.DEPT_STATE_NAMES["blown"]) == "Not reported in"
    assert texts.domain_text(case_machine.STATUS_NAMES["parked"]) == "Parked"
    # listed once, by the appraisal's vocabulary, and read in English everywhere
    assert texts.domain_text(whistle_machine.ACTION_NAMES["supervise"]) == "Supervision"


@pytest.mark.parametrize("table", _tables(), ids=lambda t: next(iter(t.source)))
def test_every_table_reads_without_chinese_in_english(english, table):
    cjk = [v for v in table.values() if any("\u4e00" <= ch <= "\u9fff" for ch in v)]
    assert not cjk


def test_unknown_codes_show_as_themselves_and_the_source_stays_chinese(english):
    assert texts.text_for(texts.CASE_STATUS_NAMES, "new_status") == "new_status"
    assert texts.text_for(texts.CASE_STATUS_NAMES, "x", "—") == "—"
    assert "closed" in texts.CASE_STATUS_NAMES and "x" not in texts.CASE_STATUS_NAMES
    assert texts.CASE_STATUS_NAMES.source["closed"] == "已结案"
    with pytest.raises(KeyError):
        texts.CASE_STATUS_NAMES["x"]
