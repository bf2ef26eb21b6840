"""红黑榜: the best and the worst of the period from the engine, painted in type that
reads across the room on a 3840×2160 wall, as a dock and over the map in big-screen mode."""

from __future__ import annotations

from PySide6.QtGui import QColor

from app.appraisal import area_scores, department_scores, latest_complete_month, red_black_list


def _reddish(c: QColor) -> bool:
    return c.red() > 150 and c.green() < 80 and c.blue() < 90


def test_board_lists_the_red_and_black_lists(store, themed_app, qtbot):
    from ui.appraisal.red_black_panel import RedBlackPanel

    panel = RedBlackPanel(store)
    qtbot.addWidget(panel)
    panel.resize(1200, 700)
    assert not panel.loaded
    panel.refresh()
    assert panel.busy() and panel.busy_label.isVisibleTo(panel)
    qtbot.waitUntil(lambda: not panel.busy())
    assert not panel.busy_label.isVisibleTo(panel) and panel.board.graphicsEffect() is None
    scores = department_scores(store, latest_complete_month(store))
    red, black = red_black_list(scores, 5)
    lines = panel.board.lines()
    assert lines["红榜"] == [f"{s.rank} {s.name} {s.score:.2f}" for s in red]
    assert lines["黑榜"] == [f"{s.rank} {s.name} {s.score:.2f}" for s in black]
    assert lines["红榜"][0].startswith("1 ")
    assert red[0].score >= black[0].score
    # streets: the board follows the subject choice
    panel.subject.setCurrentIndex(panel.subject.findData("street"))
    qtbot.waitUntil(lambda: not panel.busy())
    streets = red_black_list(area_scores(store, latest_complete_month(store), "street"), 5)
    assert panel.board.lines()["红榜"] == [f"{s.rank} {s.name} {s.score:.2f}" for s in streets[0]]
    assert panel.board.lines()["黑榜"] == [f"{s.rank} {s.name} {s.score:.2f}" for s in streets[1]]
    assert "街道" in panel.board.title


def test_board_type_reads_from_across_the_room_at_4k(store, themed_app, qtbot):
    from ui.appraisal.red_black_board import RedBlackBoard
    from ui.appraisal.red_black_panel import fill_board

    board = RedBlackBoard()
    qtbot.addWidget(board)
    fill_board(board, store, latest_complete_month(store))
    board.resize(3840, 2160)
    image = board.grab().toImage()
    assert image.width() == 3840
    # the red list's header band is red, the black list's is near black
    assert _reddish(image.pixelColor(200, 360))
    black_head = image.pixelColor(3840 - 200, 360)
    assert max(black_head.red(), black_head.green(), black_head.blue()) < 70
    # the glyph rows are tall: find the rank badge text height on the first row
    rows_px = []
    for y in range(300, 2160):
        row_has_ink = any(image.pixelColor(x, y).lightness() > 200 for x in range(300, 900, 3))
        rows_px.append(row_has_ink)
    # at least one run of bright pixels (a name) taller than 60 px: readable from ~10 m
    longest, run = 0, 0
    for on in rows_px:
        run = run + 1 if on else 0
        longest = max(longest, run)
    assert longest >= 60


def test_board_over_the_map_in_big_screen_mode(window, qtbot):
    overlay = window.docks["red_black"].widget().big_screen_board
    window.big_screen.enter()
    try:
        qtbot.waitUntil(lambda: overlay.board is not None and overlay.board.isVisible())
        board = overlay.board
        assert board is not None and board.isVisible()
        assert board.lines()["红榜"] and board.parent() is window.canvas
        assert board.x() > window.canvas.width() // 2  # at the right of the map
        assert board.y() >= window.big_screen.strip.height()
    finally:
        window.big_screen.leave()
    assert not overlay.board.isVisible()
