"""The English interface: every visible text marked, catalogues current and translated."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ui import i18n

ROOT = Path(__file__).resolve().parents[2]
#: the share of messages that must be translated into English
MIN_SHARE = 0.95


def _sources() -> list[Path]:
    return sorted([*ROOT.glob("ui/**/*.py"), *ROOT.glob("plugins/*.py")])


def test_every_source_file_has_exactly_one_catalogue():
    owner: dict[Path, list[str]] = {}
    for area in i18n.areas():
        for f in i18n.area_files(area, ROOT):
            owner.setdefault(f.resolve(), []).append(area)
    missing = [str(p.relative_to(ROOT)) for p in _sources() if p.resolve() not in owner]
    twice = {str(p.relative_to(ROOT)): a for p, a in owner.items() if len(a) > 1}
    assert not missing, f"files in no area of resources/i18n/areas.toml: {missing}"
    assert not twice, f"files in two areas: {twice}"


def test_the_lint_finds_what_is_not_marked(tmp_path):
    src = tmp_path / "m.py"
    src.write_text(
        '"""模块说明。"""\n'
        'from ui.i18n import translate\n'
        'A = translate("Ctx", "已标记")\n'
        'B = "未标记"\n'
        'C = f"共 {A} 件"\n'
        'D = "数据键"  # i18n: no\n'
        'log.warning("日志 %s", A)\n', encoding="utf-8")
    assert [line for line, _ in i18n.unmarked(src)] == [4, 5]


def test_every_visible_text_is_marked_for_translation():
    bad = [f"{p.relative_to(ROOT)}:{line}: {text!r}"
           for p in _sources() for line, text in i18n.unmarked(p)]
    assert not bad, "not marked for translation:\n" + "\n".join(bad)


@pytest.mark.parametrize("area", sorted(i18n.areas()))
def test_catalogue_is_current(area, tmp_path, monkeypatch):
    """lupdate over the area's sources finds no text the committed catalogue lacks."""
    committed = i18n.catalogue(area)
    assert committed.exists(), f"{committed.name} missing: python -m ui.i18n update {area}"
    fresh_dir = tmp_path / "i18n"
    fresh_dir.mkdir()
    shutil.copy(committed, fresh_dir / committed.name)
    monkeypatch.setattr(i18n, "catalogue", lambda a, lang="en": fresh_dir / f"{a}_{lang}.ts")
    i18n.update(area)
    want = {(c, s) for c, s, _ in i18n.messages(fresh_dir / committed.name)}
    have = {(c, s) for c, s, _ in i18n.messages(committed)}
    assert want - have == set(), f"run: python -m ui.i18n update {area}"
    assert have - want == set(), f"vanished texts; run: python -m ui.i18n update {area}"


def test_english_share():
    st = i18n.stats("en")
    assert st["messages"] > 500
    assert st["share"] >= MIN_SHARE, st


def test_placeholders_survive_translation():
    """A translation keeps every {name} of its source (else .format() raises or drops)."""
    import re

    bad = []
    for area in i18n.areas():
        for ctx, src, tr in i18n.messages(i18n.catalogue(area)):
            if tr is not None and set(re.findall(r"\{\w*\}", src)) != set(re.findall(r"\{\w*\}", tr)):
                bad.append((area, ctx, src, tr))
    assert not bad, bad


def test_language_names_normalise():
    assert i18n.normalise("en_US") == "en"
    assert i18n.normalise("zh") == "zh_CN"
    with pytest.raises(ValueError):
        i18n.normalise("fr")


def test_a_text_in_two_catalogues_is_translated_alike():
    """A term of the domain vocabulary may sit in several catalogues (each area marks
    what it shows); the catalogue installed last would win, so they must agree."""
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    clash = []
    for area in i18n.areas():
        for ctx, src, tr in i18n.messages(i18n.catalogue(area)):
            if tr is None:
                continue
            other = seen.setdefault((ctx, src), (area, tr))
            if other[1] != tr:
                clash.append(f"{ctx}|{src}: {other[0]} {other[1]!r} vs {area} {tr!r}")
    assert not clash, "\n".join(clash)
