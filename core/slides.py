"""The slide deck for the board (PowerPoint, python-pptx): title, summary with a chart, one slide per kill-list
project up to a limit, an appendix table of the rest, and the decisions and actions.

Every text box is filled through core.fit, so long names wrap, shrink or are cut with an ellipsis, never run
off their box; charts are PNGs from the isolated renderer (core.render). Roadmap text is cleaned of control
characters (a slide file cannot hold them).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from core import board, charts, labels, render, text
from core.fit import FONT_NAME, fit
from core.numbers import BLANK, counted, is_blank, money, money_column
from core.palette import VERDICT_TEXT_COLORS

PROJECT_SLIDES = 15  # kill-list projects with a slide of their own; the rest go to the appendix table
APPENDIX_ROWS = 12  # rows per appendix slide
ACTION_ROWS = 10  # rows per decisions-and-actions slide
MAX_TABLE_ROWS = 240  # beyond this the appendix says how many more are in the spreadsheet download
W, H = 13.333, 7.5  # 16:9, inches
MARGIN = 0.5
PAD = 0.05  # each text box's inner margin, inches
INK, MUTED, WARN = RGBColor(0x11, 0x13, 0x18), RGBColor(0x4A, 0x4F, 0x57), RGBColor(0xA3, 0x15, 0x15)


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _clean(value: object) -> str:
    return BLANK if is_blank(value) else " ".join(text.clean(value).split())


def _box(slide, x: float, y: float, w: float, h: float, words: str, max_pt: int, min_pt: int | None = None,
         bold: bool = False, colour: RGBColor = INK, align: PP_ALIGN = PP_ALIGN.LEFT, max_lines: int | None = None,
         fill: RGBColor | None = None):
    """A text box whose text has been wrapped and sized to fit it (core.fit)."""
    fitted = fit(words, w - 2 * PAD, h - 2 * PAD, max_pt, min_pt, bold, max_lines)
    shape = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
    if fill is not None:
        shape.fill.solid()
        shape.fill.fore_color.rgb = fill
    tf = shape.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.vertical_anchor = MSO_ANCHOR.TOP
    tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = Inches(PAD)
    para = tf.paragraphs[0]
    para.alignment = align
    # The lines are broken here (vertical tab = a line break in python-pptx), so no renderer re-wraps them.
    para.text = "\v".join(fitted.lines)
    for run in para.runs:
        run.font.name = FONT_NAME
        run.font.size = Pt(fitted.size_pt)
        run.font.bold = bold
        run.font.color.rgb = colour
    return shape


def _title(slide, words: str, sub: str = "") -> None:
    _box(slide, MARGIN, 0.3, W - 2 * MARGIN, 0.9, words, 30, 16, bold=True, max_lines=2)
    if sub:
        _box(slide, MARGIN, 1.2, W - 2 * MARGIN, 0.45, sub, 16, 10, colour=MUTED, max_lines=1)


def _table(slide, frame: pd.DataFrame, widths: Sequence[float], top: float, size_pt: int = 12) -> None:
    """A table whose every cell is fitted to its column at one size (two lines at most, then an ellipsis)."""
    row_h = 2 * size_pt * 1.2 / 72 + 2 * PAD + 0.04
    head_h = size_pt * 1.2 / 72 * 2 + 2 * PAD + 0.04
    shape = slide.shapes.add_table(len(frame) + 1, len(frame.columns), Inches(MARGIN), Inches(top),
                                   Inches(sum(widths)), Inches(head_h + row_h * len(frame)))
    table = shape.table
    for j, w in enumerate(widths):
        table.columns[j].width = Inches(w)
    table.rows[0].height = Emu(int(Inches(head_h)))
    for i in range(1, len(frame) + 1):
        table.rows[i].height = Emu(int(Inches(row_h)))
    for i, row in enumerate([list(frame.columns), *frame.itertuples(index=False)]):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.margin_left = cell.margin_right = cell.margin_top = cell.margin_bottom = Inches(PAD)
            fitted = fit(_clean(value), widths[j] - 2 * PAD - 0.02, row_h, size_pt, size_pt, bold=i == 0,
                         max_lines=2)
            para = cell.text_frame.paragraphs[0]
            cell.text_frame.word_wrap = True
            para.text = "\v".join(fitted.lines)
            if j > 0 and str(frame.columns[j]) in _RIGHT:
                para.alignment = PP_ALIGN.RIGHT
            for run in para.runs:
                run.font.name = FONT_NAME
                run.font.size = Pt(size_pt)
                run.font.bold = i == 0
                if i == 0:
                    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)


_RIGHT = {"Savings", "Projected savings"}


def _chart_png(scored: pd.DataFrame) -> bytes | None:
    # Axis and legend text large enough to read from the back of a room once the picture is scaled to its box.
    chart = charts.savings_by_team(scored).properties(width=420, height=320).configure_axis(
        labelFontSize=13, titleFontSize=13).configure_legend(labelFontSize=13, titleFontSize=13).configure_title(
        fontSize=16)
    spec = chart.to_json()
    return render.to_png([spec], scale=2.0)[0]


def _picture(slide, png: bytes, x: float, y: float, w: float, h: float) -> None:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        pw, ph = img.size
    scale = min(w / pw, h / ph)
    slide.shapes.add_picture(io.BytesIO(png), Inches(x), Inches(y), Inches(pw * scale), Inches(ph * scale))


def _blank(prs):
    return prs.slides.add_slide(prs.slide_layouts[6])


def _title_slide(prs, pack: board.Pack) -> None:
    s = _blank(prs)
    what = f"Meeting: {pack.meeting}" if pack.meeting else "Kill list for the board"
    _box(s, MARGIN, 2.0, W - 2 * MARGIN, 1.6, f"AI roadmap review: {_clean(pack.portfolio)}", 40, 20, bold=True,
         max_lines=2)
    _box(s, MARGIN, 3.7, W - 2 * MARGIN, 0.6, what, 24, 14, colour=MUTED, max_lines=1)
    day = (pack.held_on or pack.made_on).isoformat()
    _box(s, MARGIN, 4.4, W - 2 * MARGIN, 1.2,
         f"{day} · Scenario: {_clean(pack.scenario)} · Horizon {counted(pack.horizon, 'year')} · "
         f"Roadmap file {_clean(pack.source)}", 18, 11, colour=MUTED, max_lines=3)


def _summary_slide(prs, pack: board.Pack) -> None:
    s = _blank(prs)
    sm = pack.summary
    h = counted(pack.horizon, "year")
    _title(s, "Summary", f"Custom models judged against the build-trap criteria, priced over {h}")
    agreed = board.agreed(pack)
    _box(s, MARGIN, 1.75, 6.1, 0.5, f"{sm.projects:,} projects, {sm.custom:,} custom models · "
         f"{labels.verdict('kill')} {sm.kill:,} · {labels.verdict('prove')} {sm.prove:,} · "
         f"{labels.verdict('keep')} {sm.keep:,}", 18, 11, max_lines=2)
    cards = [("Savings proposed", board.total(pack.kill), f"{counted(len(pack.kill), 'project')} on the kill list"),
             ("Savings agreed", board.total(agreed), f"{counted(len(agreed), 'project')} decided kill or rescope")]
    for i, (label, value, note) in enumerate(cards):
        x = MARGIN + i * 3.1
        _box(s, x, 2.4, 2.95, 0.4, label, 14, 10, colour=MUTED, max_lines=1)
        _box(s, x, 2.75, 2.95, 0.75, money(value), 36, 16, bold=True, max_lines=1)
        _box(s, x, 3.5, 2.95, 0.6, note, 12, 9, colour=MUTED, max_lines=2)
    y = 4.1
    proposed, done = board.split(pack.kill), board.split(agreed)
    if proposed is not None and done is not None:
        # One money style for the whole table ($0.5M beside $17.1M, not $476K beside $17.1M).
        shown = money_column([*proposed.values(), *done.values()])
        parts = pd.DataFrame({"Part": list(proposed), "Proposed": shown[:len(proposed)],
                              "Agreed": shown[len(proposed):]})
        _table(s, parts, [2.6, 1.7, 1.7], y, size_pt=14)
    else:
        _box(s, MARGIN, y, 6.0, 0.8, "The split of the savings into people, serving, API and other needs "
             "the v3 money model's scores.", 12, 10, colour=MUTED, max_lines=3)
    png = _chart_png(pack.scored)
    if png is not None:
        _picture(s, png, 6.9, 1.8, W - 6.9 - MARGIN, 5.2)
    else:
        _box(s, 6.9, 3.5, 5.9, 0.6, "The chart could not be drawn.", 14, colour=MUTED)


def _project_slide(prs, pack: board.Pack, rank: int, r: pd.Series) -> None:
    s = _blank(prs)
    verdict = str(r["verdict"])
    _box(s, MARGIN, 0.3, 9.0, 1.05, f"{rank}. {_clean(r['project'])}", 30, 14, bold=True, max_lines=2)
    _box(s, 9.7, 0.3, W - 9.7 - MARGIN, 0.7, money(r["projected_savings_usd"], "needs volume"), 32, 14, bold=True,
         align=PP_ALIGN.RIGHT, max_lines=1)
    _box(s, 9.7, 0.95, W - 9.7 - MARGIN, 0.4, f"projected savings, {counted(pack.horizon, 'year')}", 12, 9,
         colour=MUTED, align=PP_ALIGN.RIGHT, max_lines=1)
    team = _clean(r.get("team"))
    _box(s, MARGIN, 1.4, W - 2 * MARGIN, 0.45,
         f"{labels.verdict(verdict)} · Team {team} · Build-trap score {int(r['build_trap_score'])} of 100",
         18, 11, bold=True, colour=_rgb(VERDICT_TEXT_COLORS.get(verdict, "#111318")), max_lines=1)
    y = 1.95
    if r.get("came_back"):
        said = _clean(r.get("came_back_text")) if r.get("came_back_text") else (
            "Came back: an earlier review killed this project and it returns as a custom model.")
        _box(s, MARGIN, y, W - 2 * MARGIN, 0.6, said, 16, 10, bold=True, colour=RGBColor(0xFF, 0xFF, 0xFF),
             fill=WARN, max_lines=2)
        y += 0.7
    decision = labels.label("decisions", r["decision"])
    if r["decision_note"]:
        decision += f": {_clean(r['decision_note'])}"
    due = r["revisit_on"] + (" (passed)" if r["revisit_passed"] else "") if r["revisit_on"] else "no date set"
    rows = [("Why", board.reason(r)),
            ("Recommended", _clean(r.get("recommendation"))),
            ("What would change it", _clean(board.would_change(r))),
            ("Decision", decision),
            ("Owner and due date", f"{_clean(board.owner(r)) if board.owner(r) else 'no owner named'} · {due}")]
    row_h = (7.2 - y) / len(rows)
    for label, value in rows:
        _box(s, MARGIN, y, 2.6, row_h, label, 16, 11, bold=True, colour=MUTED, max_lines=2)
        _box(s, 3.2, y, W - 3.2 - MARGIN, row_h, value, 18, 10)
        y += row_h


def _appendix(prs, pack: board.Pack, rest: pd.DataFrame, first_rank: int) -> None:
    shown = rest.head(MAX_TABLE_ROWS)
    table = pd.DataFrame({
        "#": range(first_rank, first_rank + len(shown)),
        "Project": shown["project"].to_numpy(),
        "Team": shown["team"].to_numpy(),
        "Verdict": [labels.verdict(v) for v in shown["verdict"]],
        "Savings": [money(v, "needs volume") for v in shown["projected_savings_usd"]],
        "Decision": [labels.label("decisions", d) for d in shown["decision"]],
    })
    pages = max(1, -(-len(table) // APPENDIX_ROWS))
    for p in range(pages):
        s = _blank(prs)
        part = f" ({p + 1} of {pages})" if pages > 1 else ""
        _title(s, f"Appendix: the rest of the kill list{part}",
               f"{counted(len(rest), 'project')} without a slide of their own")
        _table(s, table.iloc[p * APPENDIX_ROWS:(p + 1) * APPENDIX_ROWS], [0.6, 4.6, 2.2, 1.4, 1.6, 1.9], 1.8)
    if len(rest) > len(shown):
        _box(prs.slides[-1], MARGIN, 7.0, W - 2 * MARGIN, 0.4,
             f"… and {len(rest) - len(shown):,} more: every project is in the spreadsheet download.", 12,
             colour=MUTED, max_lines=1)


def _actions_slides(prs, pack: board.Pack) -> None:
    acts = board.actions(pack)
    undecided = int((pack.kill["decision"] == "open").sum())
    if acts.empty:
        s = _blank(prs)
        _title(s, "Decisions and actions")
        _box(s, MARGIN, 2.0, W - 2 * MARGIN, 1.2, f"No decision recorded yet: all {counted(undecided, 'project')} "
             "on the kill list are open.", 24, 14, max_lines=2)
        return
    table = pd.DataFrame({
        "Project": acts["project"], "Decision": [labels.label("decisions", d) for d in acts["decision"]],
        "Action": acts["action"], "Owner": [o or "not named" for o in acts["owner"]],
        "Due": [(d + " (passed)" if p else d) or "no date" for d, p in zip(acts["due"], acts["passed"], strict=True)],
    }).head(MAX_TABLE_ROWS)
    pages = -(-len(table) // ACTION_ROWS)
    agreed = board.agreed(pack)
    for p in range(pages):
        s = _blank(prs)
        part = f" ({p + 1} of {pages})" if pages > 1 else ""
        _title(s, f"Decisions and actions{part}",
               f"{counted(len(acts), 'decision')}, {money(board.total(agreed))} of savings agreed · "
               f"{counted(undecided, 'project')} still open")
        _table(s, table.iloc[p * ACTION_ROWS:(p + 1) * ACTION_ROWS], [3.3, 1.6, 4.0, 1.8, 1.6], 1.8)


def build_deck(pack: board.Pack, project_slides: int = PROJECT_SLIDES) -> bytes:
    """The deck as .pptx bytes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(W), Inches(H)
    _title_slide(prs, pack)
    _summary_slide(prs, pack)
    n = max(0, int(project_slides))
    for rank, (_, r) in enumerate(pack.kill.head(n).iterrows(), start=1):
        _project_slide(prs, pack, rank, r)
    rest = pack.kill.iloc[n:]
    if len(rest):
        _appendix(prs, pack, rest, n + 1)
    _actions_slides(prs, pack)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def slide_count(kill_rows: int, decided: int, project_slides: int = PROJECT_SLIDES) -> int:
    """How many slides build_deck makes: what the PDF page-count test checks against."""
    n = max(0, int(project_slides))
    rest = min(max(0, kill_rows - n), MAX_TABLE_ROWS)
    appendix = -(-rest // APPENDIX_ROWS) if kill_rows > n else 0
    actions = max(1, -(-min(decided, MAX_TABLE_ROWS) // ACTION_ROWS))
    return 2 + min(n, kill_rows) + appendix + actions
