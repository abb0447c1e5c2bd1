"""What goes to the board from the app: the kill list as CSV and XLSX for people, the slide deck, the minutes
and the meeting brief, built from the same inputs and decisions as the page; `board_downloads` draws the buttons
(the Kill list page and the Meeting page call it)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from core import board, cfo_export, minutes, scenario
from core.board_cli import scenario_words
from ui.scoring import assumptions_for, download_for, kill_list_for, scored_for
from ui.storage import decision_frame

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _pack(data: bytes, name: str, mapping: tuple, overrides: tuple, tasks: tuple, evidence: tuple, decisions: tuple,
          scenario_name: str, portfolio_name: str) -> board.Pack:
    import pandas as pd

    from ui.storage import CURRENT_KEYS

    scored = scored_for(data, name, mapping, overrides, tasks, evidence)[1]
    current = pd.DataFrame([dict(zip(CURRENT_KEYS, d, strict=True)) for d in decisions],
                           columns=CURRENT_KEYS).set_index("project_id")
    words = scenario_words(dict(overrides))
    if scenario_name:
        words = f"{scenario_name}: {words}"
    return board.build(scored, int(assumptions_for(overrides).horizon_years), portfolio_name=portfolio_name,
                       source=name, scenario=words, current=current, today=date.today())


@st.cache_data(max_entries=16, show_spinner=False)
def board_file(kind: str, data: bytes, name: str, mapping: tuple, overrides: tuple, tasks: tuple, evidence: tuple,
               decisions: tuple, scenario_name: str = "", portfolio_name: str = "", came_back: tuple = ()) -> bytes:
    """One board download: "csv" or "xlsx" (the kill list for people), "pptx", "minutes_md" or "minutes_html";
    `came_back` holds the (project id, sentence) pairs of the projects that came back (ui.zombies)."""
    changed = dict(overrides)
    if kind in ("csv", "xlsx"):
        kill = kill_list_for(data, name, mapping, overrides, tasks, evidence).copy()
        back = dict(came_back)
        kill["came_back"] = [back.get(pid, "") for pid in kill["project_id"]]
        decided = decision_frame(kill["project_id"], decisions)
        for col in minutes.DECISION_COLUMNS:
            kill[col] = decided[col].to_numpy()
        # SPEC §4v3: every export names its discount rate; the owner's ops budget's savings stand beside ours.
        rate = assumptions_for(overrides).discount_rate
        kill["discount_rate"] = rate
        table = cfo_export.people_table(kill, scenario.tag(changed, scenario_name or None))
        if kind == "csv":
            return cfo_export.to_csv(table)
        notes = [("Made on", date.today().isoformat()), ("Roadmap file", name),
                 ("Scenario", scenario_name or ("baseline" if not changed else "unnamed")),
                 ("Changed assumptions", scenario.describe(changed)),
                 ("Discount rate", f"{rate:.0%} a year (money in today's dollars)")]
        return cfo_export.to_xlsx(table, scenario.assumptions_table(changed), notes)
    pack = _pack(data, name, mapping, overrides, tasks, evidence, decisions, scenario_name, portfolio_name or name)
    if kind == "pptx":
        from core import slides  # lazy: python-pptx and the chart renderer

        return slides.build_deck(pack)
    from core import minutes_doc

    if kind == "minutes_html":
        return minutes_doc.html_page(pack).encode("utf-8")
    return minutes_doc.markdown(pack).encode("utf-8")


def board_downloads(inputs: tuple, decisions: tuple, scenario_name: str, portfolio_name: str, stem: str,
                    key: str = "board", came_back: tuple = ()) -> None:
    """The board's downloads: the kill list (CSV, XLSX) and the minutes (Markdown, HTML) at a click; the brief and
    the slides, which draw charts, built once on request under a spinner, then offered."""
    args = (*inputs, decisions, scenario_name, portfolio_name, came_back)
    c = st.columns(4)
    c[0].download_button("Kill list (CSV)", lambda: board_file("csv", *args), file_name=f"{stem}.csv",
                         mime="text/csv", key=f"{key}_csv", on_click="ignore")
    c[1].download_button("Kill list (XLSX)", lambda: board_file("xlsx", *args), file_name=f"{stem}.xlsx",
                         mime=XLSX_MIME, key=f"{key}_xlsx", on_click="ignore")
    c[2].download_button("Minutes (Markdown)", lambda: board_file("minutes_md", *args),
                         file_name=f"{stem}_minutes.md", mime="text/markdown", key=f"{key}_minutes_md",
                         on_click="ignore")
    c[3].download_button("Minutes (HTML, printable)", lambda: board_file("minutes_html", *args),
                         file_name=f"{stem}_minutes.html", mime="text/html", key=f"{key}_minutes_html",
                         on_click="ignore")
    wanted = (key, hash(args))
    if st.button("Build the slides and the meeting brief", key=f"{key}_build",
                 help="Draws the charts: a few seconds.", disabled=st.session_state.get(f"{key}_built") == wanted):
        st.session_state[f"{key}_built"] = wanted
    if st.session_state.get(f"{key}_built") != wanted:
        return
    with st.spinner("Building the slides and the meeting brief…", show_time=True):
        deck = board_file("pptx", *args)
        brief = download_for("brief", *inputs, decisions, scenario_name, came_back)
    d = st.columns(2)
    d[0].download_button("Slides (PowerPoint)", deck, file_name=f"{stem}.pptx", mime=PPTX_MIME,
                         key=f"{key}_pptx", on_click="ignore", type="primary")
    d[1].download_button("Meeting brief (HTML)", brief, file_name=f"{stem}_brief.html", mime="text/html",
                         key=f"{key}_brief", on_click="ignore")
