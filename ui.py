"""Shared set-up for every page: page config, session state, the cached scored portfolio, formatting."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

from core import config, export, labels, portfolio, scenario
from core.decisions import Decision, DecisionStore, database_url
from core.loader import LoadReport, RoadmapError, load_roadmap
from core.numbers import BLANK, BLANK_HELP, money
from core.text import CleanLogRecords, escape_markdown

ROOT = Path(__file__).parent
SAMPLES_DIR = ROOT / "sample_portfolios"
DEFAULT_SAMPLE = "bank.csv"
# Verdicts are shown as their word on a badge in a theme colour (Streamlit picks text and background per
# light/dark mode), never as a colour or an icon alone: an icon name would be read aloud by a screen reader.
VERDICT_BADGE = {"kill": "red", "prove": "orange", "keep": "blue", "ok": "gray", "out_of_scope": "violet"}
# Page links carry no icons: Material icon names ("content_cut") are announced by screen readers.
PAGES = (("app.py", "Home"), ("pages/1_Portfolio.py", "Portfolio"), ("pages/2_Project_review.py", "Project review"),
         ("pages/3_Kill_list.py", "Kill list"), ("pages/4_Assumptions.py", "Assumptions"))
usd = money
log = logging.getLogger("airr")
log.addFilter(CleanLogRecords())


def safe(text: object) -> str:
    """Text from a roadmap file, escaped so Markdown shows it as typed: no emphasis, directives, HTML or
    links, not even the ones Streamlit makes of bare URLs and e-mail addresses (core.text)."""
    return escape_markdown(text)


def table_downloads(frame: pd.DataFrame, stem: str, key: str, what: str) -> None:
    """CSV and XLSX download buttons for a table, with formulas neutralized (core.export).

    The table toolbar's own download is switched off (client.disableDataExport in .streamlit/config.toml)
    because it writes cells as they are; every table a user can take away gets these buttons instead.
    The files are built when a button is clicked, not on every rerun.
    """
    c1, c2 = st.columns(2)
    c1.download_button(f"{what} (CSV)", partial(_csv_bytes, frame), file_name=f"{stem}.csv", mime="text/csv",
                       key=f"{key}_csv", on_click="ignore")
    c2.download_button(f"{what} (XLSX)", partial(_xlsx_bytes, frame, what), file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}_xlsx", on_click="ignore")


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    return export.to_csv(frame).encode("utf-8")


def _xlsx_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    return export.to_xlsx({sheet: frame})


def samples() -> list[str]:
    """The sample portfolios a user can pick (the template is not one)."""
    return sorted(p.name for p in SAMPLES_DIR.iterdir()
                  if p.suffix in (".csv", ".xlsx") and not p.name.startswith("template"))


def _init_state() -> None:
    # The few session keys the app uses, initialised in one place.
    ss = st.session_state
    if "source" not in ss:
        path = SAMPLES_DIR / DEFAULT_SAMPLE
        set_source(path.name, path.read_bytes(), "sample")
    ss.setdefault("mapping", {})
    ss.setdefault("overrides", {})
    ss.setdefault("scenarios", {})  # saved scenarios of this session: name -> overrides


def reset_scenario() -> None:
    """Back to the default assumptions (the Assumptions page's inputs follow)."""
    ss = st.session_state
    ss.overrides = {}
    for key in [k for k in ss if isinstance(k, str) and k.startswith("assume_")]:
        del ss[key]


def scenario_name() -> str:
    """The saved name of the current assumptions, or "" when they are unsaved (or the defaults)."""
    ss = st.session_state
    return next((name for name, saved in ss.scenarios.items() if saved == ss.overrides and saved), "")


def scenario_badge() -> None:
    """When any assumption differs from its default: a badge naming the changes, with a one-click reset."""
    ss = st.session_state
    if not ss.overrides:
        return
    name = scenario_name()
    with st.container(border=True, key="scenario_badge"):
        text, reset = st.columns([6, 1], vertical_alignment="center")
        title = f"Scenario {safe(name)}" if name else "Scenario"
        text.markdown(f":orange-badge[{title}] {md_text(scenario.describe(ss.overrides))}")
        reset.button("Reset to defaults", key="scenario_reset", on_click=reset_scenario)


def set_source(name: str, data: bytes, origin: str) -> None:
    """Make a file the current roadmap; the column mapping starts afresh for it."""
    st.session_state.source = {"name": name, "data": data, "origin": origin,
                               "key": hashlib.sha1(data).hexdigest()[:12]}
    st.session_state.mapping = {}


def setup(title: str) -> None:
    """First call on every page: page config, session state and the page links."""
    st.set_page_config(page_title=f"{title} · AI Roadmap Review", page_icon=":material/explore:", layout="wide",
                       initial_sidebar_state="collapsed")
    _init_state()
    # A row that wraps on a phone instead of stacking five lines of links.
    nav = st.container(horizontal=True, gap="medium", key="page_links")
    for path, label in PAGES:
        if label == title:
            # The current page as plain bold text: a disabled link is greyed below readable contrast.
            nav.markdown(f"**{label}**", width="content")
        else:
            nav.page_link(path, label=label)
    scenario_badge()


def _assumptions(overrides: tuple) -> config.Assumptions:
    # The shipped defaults need no validation, so a first visit does not wait for pydantic.
    return config.make(dict(overrides)) if overrides else config.defaults()


@dataclass
class Portfolio:
    """What every page reads: the load report, the scored projects and the assumptions used."""

    report: LoadReport | None
    scored: pd.DataFrame | None
    cfg: config.Assumptions
    error: str | None
    headers: list[str]
    name: str
    inputs: tuple  # (data, name, mapping, overrides): the cache key of everything derived from it


# A scored 100,000-row roadmap is about 100 MB in memory, so only a few are kept.
@st.cache_data(max_entries=8, show_spinner=False)
def scored_for(data: bytes, name: str, mapping: tuple, overrides: tuple) -> tuple:
    """(report, scored, error, headers) for a file, a mapping and assumption overrides; cached."""
    cfg = _assumptions(overrides)
    try:
        roadmap = load_roadmap(data, name=name, mapping=dict(mapping))
    except RoadmapError as exc:
        return None, None, str(exc), exc.headers
    return roadmap.report, portfolio.score(roadmap.projects, cfg), None, []


def _inputs() -> tuple:
    ss = st.session_state
    src = ss.source
    return src["data"], src["name"], tuple(sorted(ss.mapping.items())), tuple(sorted(ss.overrides.items()))


def current() -> Portfolio:
    """The current roadmap, loaded and scored with the current mapping and assumptions (cached)."""
    inputs = _inputs()
    overrides = inputs[3]
    cfg = _assumptions(overrides)
    src = st.session_state.source
    with st.spinner("Scoring the roadmap…"):
        try:
            report, scored, error, headers = scored_for(*inputs)
        except Exception:  # noqa: BLE001 - a user sees a sentence; the traceback goes to the log
            log.exception("scoring failed")
            report, scored, headers = None, None, []
            error = "Something went wrong while reading this file; it has been logged. Try another file or a sample."
    return Portfolio(report, scored, cfg, error, headers, src["name"], inputs)


@st.cache_data(max_entries=8, show_spinner=False)
def kill_list_for(data: bytes, name: str, mapping: tuple, overrides: tuple) -> pd.DataFrame:
    """The ranked kill list for the same inputs as scored_for; cached."""
    return portfolio.kill_list(scored_for(data, name, mapping, overrides)[1])


CARD_LIMIT = 50  # the list shown as readable cards; the grid below holds every row


def md_text(text: str) -> str:
    """Our own sentences inside Markdown: dollar signs escaped so two amounts never open a LaTeX formula."""
    return str(text).replace("$", "\\$")


def md_money(value: object) -> str:
    """Money inside Markdown: the dollar sign escaped, or two amounts in one line would open a LaTeX formula."""
    return money(value).replace("$", "\\$")


def kill_card(rank: int, row: pd.Series, decision: str, horizon: int) -> str:
    """One kill-list project as Markdown a person can read aloud: every sentence in full, nothing in a tooltip."""
    team = f"Team {safe(row['team'])}" if not pd.isna(row["team"]) else "No team given"
    lines = [
        f"**{rank}. {safe(row['project'])}** {verdict_badge(row['verdict'])} "
        f"**{md_money(row['projected_savings_usd'])}** projected savings over {horizon} years",
        f"{team} · Decision: {labels.label('decisions', decision)} · "
        f"Build-trap score {int(row['build_trap_score'])} of 100 · Risks: {labels.joined(row['flags'], 'flags')}",
        f"**Recommended alternative:** {safe(row['recommendation'])}.",
    ]
    if isinstance(row["evidence_needed"], str) and row["evidence_needed"]:
        lines.append(f"**Evidence needed:** {safe(row['evidence_needed'])}.")
    return "  \n".join(lines)


@dataclass
class KillView:
    """Everything the Kill list page shows, built once per inputs and decisions (one cache hit per rerun)."""

    cards: list[str]  # one Markdown card per project, in rank order
    table: pd.DataFrame  # the grid: ranked, verdict labels, savings as numbers, decisions in words
    project_ids: list[str]
    projects: list[str]
    teams: list[object]
    verdicts: list[str]
    decisions: list[str]  # machine values, "open" when none
    savings: list[float]
    summary: portfolio.Summary


@st.cache_data(max_entries=16, show_spinner=False)
def kill_view_for(data: bytes, name: str, mapping: tuple, overrides: tuple, decisions: tuple) -> KillView:
    """The Kill list page's cards, grid and filter columns for one set of inputs and decisions; cached."""
    kill = kill_list_for(data, name, mapping, overrides)
    decided = dict(decisions)
    status = [decided.get(i, "open") for i in kill["project_id"]]
    h = int(_assumptions(overrides).horizon_years)
    table = kill[["project", "team", "verdict", "build_trap_score", "projected_savings_usd",
                  "recommendation", "evidence_needed"]].copy()
    table.insert(0, "rank", range(1, len(table) + 1))
    table["verdict"] = verdict_badges(table["verdict"])
    table["team"] = table["team"].fillna(BLANK)
    table["evidence_needed"] = table["evidence_needed"].replace("", BLANK).fillna(BLANK)
    table["decision"] = [labels.label("decisions", d) for d in status]
    cards = [kill_card(i, row, d, h) for i, ((_, row), d) in enumerate(zip(kill.iterrows(), status, strict=True),
                                                                          start=1)]
    return KillView(cards, table, kill["project_id"].tolist(), kill["project"].tolist(),
                    kill["team"].astype(object).where(kill["team"].notna(), None).tolist(), kill["verdict"].tolist(),
                    status, kill["projected_savings_usd"].astype(float).tolist(), portfolio.summarize(kill))


@st.cache_data(max_entries=16, show_spinner=False)
def download_for(kind: str, data: bytes, name: str, mapping: tuple, overrides: tuple, decisions: tuple,
                 scenario_name: str = "") -> bytes:
    """One download ("csv", "xlsx" or "brief") for one set of inputs and decisions, stamped with the scenario."""
    scored = scored_for(data, name, mapping, overrides)[1]
    kill = kill_list_for(data, name, mapping, overrides)
    decided = dict(decisions)
    changed = dict(overrides)
    if kind == "brief":
        from core import brief  # lazy: the brief brings altair and the chart renderer

        cfg = _assumptions(overrides)
        return brief.build_brief(scored, kill, portfolio.summarize(scored), cfg, name, decided,
                                 scenario_name=scenario_name).encode("utf-8")
    machine = export.machine_table(kill)
    machine["decision"] = [decided.get(i, "open") for i in machine["project_id"]]
    # Every row names the assumptions it was computed under: a column, not a comment line, so CSV readers cope.
    machine["scenario"] = scenario.tag(changed, scenario_name or None)
    if kind == "csv":
        return export.to_csv(machine).encode("utf-8")
    notes = [("Made on", date.today().isoformat()), ("Roadmap file", name),
             ("Scenario", scenario_name or ("baseline" if not changed else "unnamed")),
             ("Changed assumptions", scenario.describe(changed))]
    return export.to_xlsx({"kill list": machine, "Assumptions": scenario.assumptions_table(changed)},
                          notes={"Assumptions": notes})


@st.cache_data(max_entries=8, show_spinner=False)
def sensitivity_for(data: bytes, name: str, mapping: tuple, overrides: tuple) -> pd.DataFrame:
    """The tornado table for the same inputs as scored_for; cached."""
    roadmap = load_roadmap(data, name=name, mapping=dict(mapping))
    return portfolio.sensitivity(roadmap.projects, _assumptions(overrides))


@st.cache_data(max_entries=8, show_spinner=False)
def _error_for(data: bytes, name: str, mapping: tuple, overrides: tuple) -> str | None:
    # A cached copy of a scored frame costs milliseconds to hand out; a page that only needs to know
    # whether the file scored asks this instead.
    report, scored, error, _ = scored_for(data, name, mapping, overrides)
    return None if scored is not None else error or "No roadmap is loaded."


@dataclass
class Inputs:
    """The assumptions and the cache key of everything derived from the current roadmap."""

    cfg: config.Assumptions
    inputs: tuple
    name: str


def require_inputs() -> Inputs:
    """Like require_portfolio, without fetching the scored frame (for pages that show cached views of it)."""
    inputs = _inputs()
    with st.spinner("Scoring the roadmap…"):
        try:
            error = _error_for(*inputs)
        except Exception:  # noqa: BLE001 - a user sees a sentence; the traceback goes to the log
            log.exception("scoring failed")
            error = "Something went wrong while reading this file; it has been logged. Try another file or a sample."
    if error:
        st.error(safe(error))
        st.page_link("app.py", label="Go to Home to load another roadmap or fix the column mapping")
        st.stop()
    return Inputs(_assumptions(inputs[3]), inputs, inputs[1])


def require_portfolio() -> Portfolio:
    """The scored portfolio, or a message and a stop when the current file could not be read."""
    p = current()
    if p.scored is None:
        st.error(safe(p.error or "No roadmap is loaded."))
        st.page_link("app.py", label="Go to Home to load another roadmap or fix the column mapping")
        st.stop()
    return p


def source_key() -> str:
    """A short fingerprint of the loaded file, so decisions stay attached to their roadmap."""
    src = st.session_state.source
    return src.get("key") or hashlib.sha1(src["data"]).hexdigest()[:12]


@st.cache_resource(max_entries=4)
def _store(url: str) -> DecisionStore:
    return DecisionStore(url)


def store() -> DecisionStore:
    """The shared decision log (one engine per database URL)."""
    return _store(database_url())


def record_decision(project_id: str, project: str, decision: str, note: str, reviewer: str,
                    revisit: date | None) -> None:
    """Append one decision to the log (append-only: earlier entries are never changed)."""
    store().append(Decision(source_key(), project_id, project, decision, reviewer, note, revisit))


def decision_history(project_id: str | None = None) -> pd.DataFrame:
    return store().history(source_key(), project_id)


def latest_decisions() -> dict[str, str]:
    """Project id -> its latest decision on the current roadmap."""
    return store().latest(source_key())


def verdict_label(verdict: str) -> str:
    """The verdict as plain words (for labels, help texts and anything a screen reader reads as a name)."""
    return labels.verdict(verdict)


def verdict_badge(verdict: str) -> str:
    """The verdict as Markdown: its word on a badge in the verdict's theme colour."""
    return f":{VERDICT_BADGE.get(verdict, 'gray')}-badge[{labels.verdict(verdict)}]"


def verdict_badges(verdicts: pd.Series) -> pd.Series:
    """Verdicts as one-item lists, the shape verdict_column() draws as a coloured label."""
    return verdicts.map(lambda v: [v])


def verdict_column() -> object:
    """A read-only column of verdict labels in the shared verdict colours."""
    return st.column_config.MultiselectColumn("Verdict", width="small", options=list(VERDICT_BADGE),
                                              color=list(VERDICT_BADGE.values()), format_func=labels.verdict)


def money_table(frame: pd.DataFrame, money_columns: list[str]) -> object:
    """A Styler that shows money as $1.2M and blanks as "—" while the numbers underneath still sort as money."""
    shown = frame.copy()
    for col in shown.columns:
        if col not in money_columns and (shown[col].dtype == object or pd.api.types.is_string_dtype(shown[col].dtype)):
            # Streamlit shows missing text as "None"; a dash (explained in the column help) reads as unknown.
            shown[col] = shown[col].fillna(BLANK)
    return shown.style.format({c: money for c in money_columns if c in shown.columns})


def blank_help(text: str = "") -> str:
    """A column's help text, with what a dash in it means."""
    return f"{text} {BLANK_HELP}".strip()


__all__ = ["BLANK", "usd"]
