"""The interface language (界面语言) through Qt's own tools.

Source texts are Chinese.  Every visible string is marked where it is written:
``self.tr("…")`` in a QObject subclass, ``translate("Context", "…")`` elsewhere
(``translate`` is ``QCoreApplication.translate``; pyside6-lupdate reads both), and
``QT_TRANSLATE_NOOP("Context", "…")`` for a table of texts translated where shown.
Placeholders are ``{name}`` filled with ``.format()`` after translation, never an
f-string (lupdate cannot read one).

The catalogues are ``resources/i18n/<area>_<lang>.ts``, one per area of the source
tree (``resources/i18n/areas.toml`` names the files of each).  ``python -m ui.i18n
update`` refreshes them with pyside6-lupdate (keeping every translation), ``stats``
prints the share translated.  At start the ``.ts`` files are compiled with
pyside6-lrelease into a cache (again only when a catalogue changed) and installed,
with Qt's own catalogue for its standard dialogs.
"""

from __future__ import annotations

import ast
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from ui.resources import resources_dir

log = logging.getLogger(__name__)

translate = QCoreApplication.translate

#: interface languages: code → its own name
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}  # i18n: no (each in its own language)
SOURCE_LANGUAGE = "zh_CN"
ENV_LANG = "GRIDCC_LANG"

_installed: list[QTranslator] = []
_current = SOURCE_LANGUAGE


def i18n_dir() -> Path:
    return resources_dir() / "i18n"


def areas() -> dict[str, list[str]]:
    """Area name → the glob patterns (relative to the project root) of its sources."""
    with open(i18n_dir() / "areas.toml", "rb") as f:
        return {name: list(spec["files"]) for name, spec in tomllib.load(f).items()}


def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def area_files(area: str, root: Path | None = None) -> list[Path]:
    root = root or project_root()
    files: set[Path] = set()
    for pattern in areas()[area]:
        files.update(p for p in root.glob(pattern) if p.suffix == ".py")
    return sorted(files)


def catalogue(area: str, lang: str = "en") -> Path:
    return i18n_dir() / f"{area}_{lang}.ts"


def normalise(lang: str | None) -> str:
    """``en``, ``en_US``, ``English`` → ``en``; ``zh``, ``zh_CN``, ``中文`` → ``zh_CN``."""
    if not lang:
        return SOURCE_LANGUAGE
    key = lang.strip().replace("-", "_").lower()
    if key.startswith("en") or key == "english":
        return "en"
    if key.startswith("zh") or key in ("中文", "简体中文", "chinese"):  # i18n: no
        return SOURCE_LANGUAGE
    raise ValueError(f"不支持的界面语言：{lang}（可选：zh_CN、en）")  # i18n: no (before install)


def current_language() -> str:
    return _current


def _tool(name: str) -> str:
    exe = Path(sys.executable).parent / name
    if exe.exists():
        return str(exe)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} not found (it comes with PySide6)")
    return found


def _cache_dir() -> Path:
    from ui.settings import config_dir

    return config_dir() / "i18n-cache"


def compiled(ts: Path) -> Path:
    """The ``.qm`` of ``ts``, compiled with pyside6-lrelease unless the cache has it."""
    digest = hashlib.sha256(ts.read_bytes()).hexdigest()[:16]
    qm = _cache_dir() / f"{ts.stem}-{digest}.qm"
    if not qm.exists():
        qm.parent.mkdir(parents=True, exist_ok=True)
        tmp = qm.with_suffix(f".tmp{os.getpid()}")
        subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(tmp)],
                       check=True, capture_output=True)
        os.replace(tmp, qm)
    return qm


def _preferred() -> str:
    from ui.settings import preferences

    return preferences().language


def install(app: QCoreApplication, lang: str | None) -> str:
    """Make ``lang`` the interface language of ``app`` (before any window is built);
    the language installed.  Without ``lang`` (``--lang``) nor $GRIDCC_LANG the
    operator's preference decides.  Chinese needs no catalogue."""
    global _current
    lang = normalise(lang or os.environ.get(ENV_LANG) or _preferred())
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    _current = lang
    if lang == SOURCE_LANGUAGE:
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        return lang
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    qt = QTranslator(app)
    if qt.load(QLocale(), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    for ts in sorted(i18n_dir().glob(f"*_{lang}.ts")):
        t = QTranslator(app)
        try:
            ok = t.load(str(compiled(ts)))
        except (OSError, subprocess.CalledProcessError) as exc:
            log.warning("catalogue %s not compiled: %s", ts.name, exc)
            continue
        if ok:
            app.installTranslator(t)
            _installed.append(t)
        else:
            log.warning("catalogue %s did not load", ts.name)
    return lang


# -- catalogue maintenance -------------------------------------------------------------
def update(area: str, lang: str = "en") -> None:
    """Refresh one area's catalogue from its sources (translations kept, vanished texts
    dropped)."""
    files = [str(p.relative_to(project_root())) for p in area_files(area)]
    ts = catalogue(area, lang)
    subprocess.run([_tool("pyside6-lupdate"), *files, "-no-obsolete", "-locations", "none",
                    "-source-language", SOURCE_LANGUAGE, "-target-language", lang,
                    "-ts", str(ts)], check=True, cwd=project_root(), capture_output=True)


def messages(ts: Path) -> list[tuple[str, str, str | None]]:
    """(context, source, translation or None when unfinished) of every message."""
    out = []
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            done = (tr is not None and (tr.text or "").strip()
                    and tr.get("type") not in ("unfinished", "obsolete", "vanished"))
            out.append((name, msg.findtext("source") or "", tr.text if done else None))
    return out


def fill(area: str, translations: dict[str, str], lang: str = "en") -> int:
    """Set translations in one area's catalogue: keys are a source text (every context)
    or ``"Context|source"`` (that context only); the number of messages set."""
    ts = catalogue(area, lang)
    tree = ET.parse(ts)
    n = 0
    for ctx in tree.getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            src = msg.findtext("source") or ""
            text = translations.get(f"{name}|{src}", translations.get(src))
            if text is None:
                continue
            tr = msg.find("translation")
            if tr is None:
                tr = ET.SubElement(msg, "translation")
            tr.text = text
            tr.attrib.pop("type", None)
            n += 1
    ET.indent(tree, space="    ")
    with open(ts, "wb") as f:
        f.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(f, encoding="utf-8", xml_declaration=False)
    return n


def untranslated(area: str, lang: str = "en") -> list[tuple[str, str]]:
    """(context, source) of every message of an area still without a translation."""
    return [(c, s) for c, s, t in messages(catalogue(area, lang)) if t is None]


def stats(lang: str = "en") -> dict:
    per = {}
    total = done = 0
    for area in areas():
        ts = catalogue(area, lang)
        ms = messages(ts) if ts.exists() else []
        d = sum(1 for m in ms if m[2] is not None)
        per[area] = {"messages": len(ms), "translated": d}
        total += len(ms)
        done += d
    return {"language": lang, "messages": total, "translated": done,
            "share": round(done / total, 4) if total else 0.0, "areas": per}


# -- the marking rule ----------------------------------------------------------------
_CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")
_MARKERS = {"tr", "translate", "QT_TRANSLATE_NOOP", "QT_TR_NOOP"}
_LOG_CALLS = {"debug", "info", "warning", "error", "exception", "critical"}
_LOGGERS = {"log", "logger", "logging", "_log"}
#: a line carrying this comment holds Chinese on purpose (data keys, a font sample …)
EXEMPT = "# i18n: no"


def unmarked(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every Chinese string literal in ``path`` that is neither marked
    for translation, nor a docstring, a log message, or on a line marked EXEMPT.  An
    f-string with Chinese is always reported: lupdate cannot read it."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines()
    ok: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ok.add(id(body[0].value))
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            owner = getattr(f.value, "id", "") if isinstance(f, ast.Attribute) else ""
            if name in _MARKERS or (name in _LOG_CALLS and owner in _LOGGERS):
                for arg in node.args:
                    if isinstance(arg, ast.Constant):
                        ok.add(id(arg))
    found = []
    for node in ast.walk(tree):
        text = None
        if isinstance(node, ast.JoinedStr):
            parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
            if any(_CJK.search(str(p)) for p in parts):
                text = "".join(str(p) if isinstance(v, ast.Constant) else "{…}"
                               for v, p in zip(node.values, [getattr(v, "value", "") for v in node.values]))
                for v in node.values:
                    ok.add(id(v))
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and _CJK.search(node.value) and id(node) not in ok):
            text = node.value
        if text is None:
            continue
        first, last = node.lineno, getattr(node, "end_lineno", node.lineno) or node.lineno
        if any(EXEMPT in lines[i - 1] for i in range(first, last + 1)):
            continue
        found.append((node.lineno, text))
    return sorted(set(found))


def lint(paths: list[Path]) -> int:
    bad = 0
    for p in paths:
        for line, text in unmarked(p):
            print(f"{p}:{line}: not marked for translation: {text!r}")
            bad += 1
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in ("update", "stats", "lint", "fill", "todo"):
        print("usage: python -m ui.i18n update [AREA…] | stats | lint FILE… | "
              "todo AREA | fill AREA FILE.json", file=sys.stderr)
        return 2
    if argv[0] == "todo":  # what is left to translate, as a JSON object to fill in
        print(json.dumps({f"{c}|{s}": "" for c, s in untranslated(argv[1])},
                         ensure_ascii=False, indent=1))
        return 0
    if argv[0] == "fill":
        with open(argv[2], encoding="utf-8") as f:
            table = {k: v for k, v in json.load(f).items() if v}
        print(f"{fill(argv[1], table)} translations set in {catalogue(argv[1]).name}")
        return 0
    if argv[0] == "lint":
        return lint([Path(a) for a in argv[1:]])
    if argv[0] == "update":
        for area in argv[1:] or list(areas()):
            update(area)
            print(area, json.dumps(stats()["areas"][area]))
        return 0
    print(json.dumps(stats(), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
