"""F1 help (帮助): the keyboard shortcuts, the workspaces, what the mouse does on the map,
and where to find more.

The shortcut table is read from the window's own actions each time the help opens, so
it lists what the keys really do now, including what plugins added.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui import theme
from ui.i18n import translate

if TYPE_CHECKING:
    from ui.main_window import MainWindow

#: keys that are not actions of the window (handled by the map, the cards, the big screen)
OTHER_KEYS = [
    ("Esc", QT_TRANSLATE_NOOP("Help", "关闭案件卡片、人员卡片；退出大屏模式；取消测距、测面")),
    ("Home", QT_TRANSLATE_NOOP("Help", "缩放到全区")),
]
#: what each workspace is for (its name comes from ui.workspaces)
WORKSPACE_USES = {
    "duty": QT_TRANSLATE_NOOP("Help", "值班：地图、吹哨调度、网格查询"),
    "dispatch": QT_TRANSLATE_NOOP("Help", "调度：案件受理派遣、督办、吹哨"),
    "wall": QT_TRANSLATE_NOOP("Help", "大屏：地图与图例、红黑榜，适合上墙"),
    "video": QT_TRANSLATE_NOOP("Help", "视频：视频墙与摄像头点位"),
}
MOUSE = [
    (QT_TRANSLATE_NOOP("Help", "单击案件"), QT_TRANSLATE_NOOP("Help", "打开案件卡片：类别、来源、每个环节及时间")),
    (QT_TRANSLATE_NOOP("Help", "单击巡查人员"), QT_TRANSLATE_NOOP("Help", "打开人员卡片：所属网格、今日巡查（电话已脱敏）")),
    (QT_TRANSLATE_NOOP("Help", "单击哨令"), QT_TRANSLATE_NOOP("Help", "在吹哨调度面板中选中该哨令")),
    (QT_TRANSLATE_NOOP("Help", "单击网格"), QT_TRANSLATE_NOOP("Help", "选中网格，网格查询面板显示其社区、人员与案件")),
    (QT_TRANSLATE_NOOP("Help", "滚轮 / 拖动"), QT_TRANSLATE_NOOP("Help", "缩放 / 平移地图")),
    (QT_TRANSLATE_NOOP("Help", "右键"), QT_TRANSLATE_NOOP("Help", "地图菜单：在此吹哨、在此登记案件、复制坐标等")),
    (QT_TRANSLATE_NOOP("Help", "回放时间轴"), QT_TRANSLATE_NOOP("Help", "单击跳到该时刻，拖动浏览，悬停显示时刻")),
    (QT_TRANSLATE_NOOP("Help", "面板标题栏"), QT_TRANSLATE_NOOP("Help", "拖动调整布局；双击浮动；面板菜单可恢复默认布局")),
]


def _key_text(seq: QKeySequence) -> str:
    return seq.toString(QKeySequence.SequenceFormat.NativeText)


#: a trailing "(F10，Esc 返回)" of a tooltip: the key, said again
_TRAILING_KEYS = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")  # i18n: no (a pattern)


def _action_name(action: QAction, key: str) -> str:
    """What the action does: its tooltip when that says more than its name (without the
    key the tooltip repeats at its end), else its name."""
    name = action.text().replace("&", "").rstrip("…").strip()
    tip = action.toolTip().strip()
    tail = _TRAILING_KEYS.search(tip)
    if tail and key.lower() in tail.group(0).lower():
        tip = tip[:tail.start()].strip()
    return tip if tip and tip != name and len(tip) <= 60 else name


def shortcut_rows(window: QWidget, *, skip: set[str] | None = None) -> list[tuple[str, str]]:
    """(key, what it does) for every action of ``window`` with a shortcut, then the keys
    handled elsewhere; each key once, in the order found (none of ``skip``)."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set(skip or ())
    for action in window.findChildren(QAction):
        for seq in action.shortcuts():
            key = _key_text(seq)
            name = _action_name(action, key)
            if key and name and key not in seen:
                seen.add(key)
                rows.append((key, name))
    for key, what in OTHER_KEYS:
        if key not in seen:
            seen.add(key)
            rows.append((key, translate("Help", what)))
    return rows


def workspace_rows() -> list[tuple[str, str]]:
    """(Ctrl+n, the workspace and what it is for) of every workspace."""
    try:
        from ui.workspaces import WORKSPACES
    except ImportError:  # a build without workspaces
        return []
    rows = []
    for i, key in enumerate(WORKSPACES, start=1):
        use = WORKSPACE_USES.get(key)
        name = translate("workspace", WORKSPACES[key].name)
        rows.append((_key_text(QKeySequence(f"Ctrl+{i}")), translate("Help", use) if use else name))
    return rows


def help_html(window: QWidget) -> str:
    """The help page for ``window``."""

    def table(rows: list[tuple[str, str]]) -> str:
        cells = "".join(f'<tr><td style="padding:2px 18px 2px 0; color:{theme.ACCENT}">'
                        f"<b>{html.escape(a)}</b></td><td>{html.escape(b)}</td></tr>"
                        for a, b in rows)
        return f"<table>{cells}</table>"

    def heading(text: str) -> str:
        return f'<h3 style="color:{theme.ACCENT}">{html.escape(text)}</h3>'

    more = [translate("Help", "用户手册：安装目录下的 README.md（数据导入、多席位服务器、考核指标口径）"),
            translate("Help", "命令行：gridcc --help（演示数据、案件与哨令、账号、审计）"),
            translate("Help", "账号、权限与服务器问题：请联系本单位系统管理员")]
    ws = workspace_rows()
    parts = [heading(translate("Help", "键盘快捷键")),
             table(shortcut_rows(window, skip={k for k, _ in ws}))]
    if ws:
        parts += [heading(translate("Help", "工作区")), table(ws),
                  "<p>" + html.escape(translate(
                      "Help", "每个工作区按屏幕大小记住自己的布局；面板菜单中的“恢复默认布局”可还原。")) + "</p>"]
    parts += [heading(translate("Help", "鼠标操作")),
              table([(translate("Help", a), translate("Help", b)) for a, b in MOUSE]),
              heading(translate("Help", "更多帮助")),
              "<ul>" + "".join(f"<li>{html.escape(m)}</li>" for m in more) + "</ul>"]
    return "".join(parts)


class HelpWindow(QDialog):
    """The help window (not modal: the map stays usable beside it)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("HelpWindow")
        self.setWindowTitle(self.tr("帮助 — 快捷键与操作"))
        self.setModal(False)
        self._window = window
        s = theme.ui_scale()
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setFont(theme.ui_font(round(16 * s)))
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addLayout(buttons)
        # a fixed least size: one that followed the layout would change with every text
        # (and platforms without propagateSizeHints warn each time)
        self.setMinimumSize(round(420 * s), round(360 * s))
        self.resize(round(720 * s), round(760 * s))

    def refresh(self) -> None:
        self.browser.setHtml(help_html(self._window))

    def text(self) -> str:
        return self.browser.toPlainText()


def open_help(window: MainWindow) -> HelpWindow:
    """Show the help window (one per main window), current and in front."""
    dlg = getattr(window, "help_window", None)
    if dlg is None:
        dlg = HelpWindow(window)
        window.help_window = dlg
    dlg.refresh()
    if dlg.isVisible():  # already open behind the map: to the front
        dlg.raise_()
        dlg.activateWindow()
    else:
        dlg.show()
    return dlg


def install_help(window: MainWindow) -> QAction:
    """F1 opens the help window; the action (``window.help_action``) for menus.  Once
    per window (a second call returns the first action: two F1s would be ambiguous)."""
    existing = getattr(window, "help_action", None)
    if existing is not None:
        return existing
    action = QAction(translate("Help", "帮助"), window)
    action.setObjectName("help")
    action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    if action.shortcut().isEmpty():  # (platforms without a help key)
        action.setShortcut(QKeySequence(Qt.Key.Key_F1))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.setToolTip(translate("Help", "快捷键、工作区与鼠标操作 (F1)"))
    action.triggered.connect(lambda: open_help(window))
    window.addAction(action)
    window.help_action = action
    return action
