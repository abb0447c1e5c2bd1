"""Shared set-up for every page: page config, session state, the cached scored portfolio, formatting."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from core import config, export, labels, minutes, portfolio, scenario, task
from core.loader import LoadReport, RoadmapError, load_roadmap
from core.numbers import BLANK, BLANK_HELP, counted, money
from core.store import (
    Decision,
    Review,
    Scenario,
    Store,
    StoreError,
    clean_scenario_name,
    database_url,
    portfolio_name,
)
from core.text import CleanLogRecords, escape_markdown

ROOT = Path(__file__).parent
SAMPLES_DIR = ROOT / "sample_portfolios"
DEFAULT_SAMPLE = "bank.csv"
# Verdicts are shown as their word on a badge in a theme colour (Streamlit picks text and background per
# light/dark mode), never as a colour or an icon alone: an icon name would be read aloud by a screen reader.
VERDICT_BADGE = {"kill": "red", "prove": "orange", "keep": "blue", "ok": "gray", "out_of_scope": "violet"}
# Page links carry no icons: Material icon names ("content_cut") are announced by screen readers.
PAGES = (("app.py", "Home"), ("pages/1_Portfolio.py", "Portfolio"), ("pages/2_Project_review.py", "Project review"),
         ("pages/3_Kill_list.py", "Kill list"), ("pages/4_Assumptions.py", "Assumptions"),
         ("pages/5_Decisions.py", "Decisions"), ("pages/6_Compare.py", "Compare"))
usd = money
log = logging.getLogger("airr")
log.addFilter(CleanLogRecords())
CURRENT_KEYS = ["project_id", "decision", "reviewer", "note", "revisit"]


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
    ss.setdefault("mapping", {})
    ss.setdefault("overrides", {})
    ss.setdefault("tasks", {})  # tasks set on this review: project id -> {"task", "by", "at"} (core.store)
    ss.setdefault("review_id", None)  # the saved review on screen; None for the untouched default sample
    ss.setdefault("reviewer", "")  # remembered for the session once typed
    _return_after_login()
    wanted = st.query_params.get("review")
    # A store that cannot be reached is not asked again on every rerun for the same link.
    if wanted and wanted != ss.review_id and wanted != ss.get("review_failed"):
        open_review(wanted)
    if "source" not in ss:
        path = SAMPLES_DIR / DEFAULT_SAMPLE
        set_source(path.name, path.read_bytes(), "sample")
        ss.saved_state = _state()
    ss.setdefault("scenarios", {})  # the review's saved scenarios: name -> overrides (kept in the store)
    # Links that came without it (a bookmark of a page, the browser's back button) get it back.
    if ss.review_id and st.query_params.get("review") != ss.review_id:
        st.query_params["review"] = ss.review_id


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


def set_source(name: str, data: bytes, origin: str, portfolio: str | None = None) -> None:
    """Make a file the current roadmap; the column mapping starts afresh for it."""
    st.session_state.source = {"name": name, "data": data, "origin": origin,
                               "key": hashlib.sha1(data).hexdigest()[:12],
                               "portfolio": portfolio or portfolio_name(name)}
    st.session_state.mapping = {}
    # Task changes and saved scenarios belong to a review: another file starts without them.
    st.session_state.tasks = {}
    st.session_state.scenarios = {}


def _state() -> tuple:
    ss = st.session_state
    return tuple(sorted(ss.mapping.items())), tuple(sorted(ss.overrides.items()))


def _clear_assumption_widgets() -> None:
    # The Assumptions page seeds its widgets from the overrides once; another review brings other values.
    for key in [k for k in st.session_state if str(k).startswith("assume_")]:
        del st.session_state[key]


def open_review(review_id: str) -> bool:
    """Show a saved review (file, mapping, assumptions); one sentence and the sample when it cannot be found."""
    ss = st.session_state
    try:
        review = store().review(review_id)
    except StoreError as exc:
        log.warning("review store unavailable: %s", exc)
        ss.review_failed = review_id
        ss.review_notice = f"The review in this link could not be opened: {exc} Showing the sample portfolio."
        return False
    if review is None or review.data is None:
        ss.review_notice = ("No saved review matches this link (it may come from another installation, or be "
                            "incomplete); showing the sample portfolio instead.")
        st.query_params.pop("review", None)
        return False
    origin = "sample" if review.file_name in samples() and review.data == _sample_bytes(review.file_name) else "upload"
    set_source(review.file_name, review.data, origin, review.portfolio)
    ss.mapping = dict(review.mapping)
    ss.overrides, misfit = usable_overrides(review.overrides)
    # A task code this version's tasks.yaml no longer has would be ignored by the scoring without a word.
    ss.tasks = {pid: t for pid, t in review.tasks.items() if t["task"] in task.specs()}
    ss.review_id = review.id
    notices = [f"This review's saved {' and '.join(review.unreadable)} could not be read, so it opens without them; "
               "a new change saves over them."] if review.unreadable else []
    if unknown := [f"{pid}: {t['task']}" for pid, t in review.tasks.items() if pid not in ss.tasks]:
        verb = "names" if len(unknown) == 1 else "name"
        notices.append(f"{counted(len(unknown), 'task change')} on this review {verb} a task this version of the app "
                       f"does not have ({', '.join(unknown[:5])[:300]}); left out.")
    notices += [misfit] if misfit else []
    if problem := saved_scenarios()[1]:
        notices.append(problem)
    if notices:
        ss.review_notice = " ".join(notices)
    ss.saved_state = _state()
    _clear_assumption_widgets()
    st.query_params["review"] = review.id
    return True


def _sample_bytes(name: str) -> bytes:
    return (SAMPLES_DIR / name).read_bytes()


def current_user() -> tuple[str, str]:
    """(name, email) of the signed-in user when Streamlit's OIDC login is configured and used, else blanks."""
    try:
        if st.user.is_logged_in:
            return str(st.user.get("name") or st.user.get("email") or ""), str(st.user.get("email") or "")
    except Exception:  # noqa: BLE001 - no [auth] secrets: there is simply nobody signed in
        return "", ""
    return "", ""


class LoginReturns:
    """Where each browser was when it went to sign in, so it comes back to that review.

    After st.login the identity provider sends the browser to "/", in a new session that has lost the
    review. Only the browser's cookies survive the trip, so the way back is kept here, server-side, keyed
    by a hash of the browser's XSRF cookie (or its address and user agent), for a few minutes.
    """

    def __init__(self, ttl_s: float = 600.0, limit: int = 1000):
        self.ttl_s, self.limit = ttl_s, limit
        self._by_browser: dict[str, tuple[str, float]] = {}

    def remember(self, browser: str, review_id: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._by_browser = {k: v for k, v in self._by_browser.items() if now - v[1] < self.ttl_s}
        if len(self._by_browser) < self.limit:
            self._by_browser[browser] = (review_id, now)

    def recall(self, browser: str, now: float | None = None) -> str | None:
        """The review this browser left for sign-in (once), or None."""
        now = time.monotonic() if now is None else now
        entry = self._by_browser.pop(browser, None)
        return entry[0] if entry and now - entry[1] < self.ttl_s else None


@st.cache_resource
def _login_returns() -> LoginReturns:
    return LoginReturns()


def _browser_key() -> str:
    ctx = st.context
    cookie = ctx.cookies.get("_streamlit_xsrf") or ""
    basis = cookie or f"{ctx.ip_address}|{ctx.headers.get('User-Agent', '')}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def sign_in_panel() -> None:
    """Sign in / out when OIDC login is configured; the review on screen is where the browser comes back to."""
    if not login_configured():
        return
    name, email = current_user()
    if name:
        c1, c2 = st.columns([4, 1])
        c1.caption(safe(f"Signed in as {name} ({email}); decisions are recorded under this name."))
        if c2.button("Sign out", key="sign_out"):
            st.logout()
        return
    if st.button("Sign in", key="sign_in", help="Decisions are then recorded under your name and e-mail."):
        review_id = ensure_review() if st.session_state.get("source") else None
        if review_id:
            _login_returns().remember(_browser_key(), review_id)
        st.login()


def _return_after_login() -> None:
    # A new session straight after signing in, with no review in the URL: back to the one it left.
    ss = st.session_state
    if ss.get("login_checked") or st.query_params.get("review") or not login_configured():
        return
    ss.login_checked = True
    if current_user()[0] and (review_id := _login_returns().recall(_browser_key())):
        open_review(review_id)


def login_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def start_review(name: str, data: bytes, origin: str) -> None:
    """Show a file and save it as a new review (an upload or an explicit sample pick).

    A file whose default portfolio name is taken by other files starts as a portfolio of its own
    ("roadmap (2)"), and Home offers to join the existing one: histories merge only when the user says so.
    """
    ss = st.session_state
    set_source(name, data, origin)
    ss.pop("join_offer", None)
    wanted = portfolio_name(name)
    try:
        s = store()
        earlier = s.recent_reviews(limit=50, portfolio=wanted)
        sha1 = hashlib.sha1(data).hexdigest()
        chosen = wanted
        if earlier and not any(r.file_sha1 == sha1 for r in earlier):
            chosen = _free_name(wanted, s.portfolios())
            ss.join_offer = {"portfolio": wanted, "file_name": earlier[0].file_name,
                             "when": earlier[0].updated_at.strftime("%Y-%m-%d %H:%M")}
        review = s.create_review(chosen, name, data, ss.mapping, ss.overrides, current_user()[1])
        _decisions_changed()  # a new review may adopt decisions recorded for its file before reviews existed
    except StoreError as exc:
        log.warning("review not saved: %s", exc)
        ss.review_id = None
        ss.review_notice = f"This roadmap is open but was not saved as a review, so a refresh will lose it: {exc}"
        st.query_params.pop("review", None)
    else:
        ss.source["portfolio"] = review.portfolio
        ss.review_id = review.id
        st.query_params["review"] = review.id
    ss.saved_state = _state()


def _free_name(name: str, taken: list[str]) -> str:
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


def ensure_review() -> str:
    """The id of the review on screen, saving the default sample as one first if needed (raises StoreError)."""
    ss = st.session_state
    if ss.review_id is None:
        src = ss.source
        review = store().create_review(src["portfolio"], src["name"], src["data"], ss.mapping, ss.overrides,
                                       current_user()[1], ss.tasks)
        _decisions_changed()
        ss.review_id = review.id
        ss.saved_state = _state()
        st.query_params["review"] = review.id
    return ss.review_id


def rename_portfolio(name: str) -> None:
    """Move the review on screen to another portfolio (joining it when that name exists)."""
    ss = st.session_state
    review_id = ensure_review()
    store().update_review(review_id, portfolio=name)
    _decisions_changed()
    ss.source["portfolio"] = " ".join(name.split())
    ss.pop("join_offer", None)


def _save_state() -> None:
    """Keep the review's mapping and assumptions in step with the screen, so a refresh or a link shows the same."""
    ss = st.session_state
    state = _state()
    if state == ss.get("saved_state"):
        return
    ss.saved_state = state
    try:
        if ss.review_id is None:
            ensure_review()
        else:
            store().update_review(ss.review_id, mapping=dict(ss.mapping), overrides=dict(ss.overrides))
    except StoreError as exc:
        log.warning("review state not saved: %s", exc)
        st.warning(f"Your change applies here but was not saved with the review, so a refresh will lose it: {exc}")


def set_task(project_id: str, new_task: str | None) -> str | None:
    """Set a project's task on the review on screen (None: back to the roadmap's own), saving the default sample
    as a review first. The change always applies on screen; returns a sentence when it could not be saved."""
    ss = st.session_state
    who = current_user()[0] or ss.reviewer
    try:
        ss.tasks = store().set_task(ensure_review(), project_id, new_task, who)
    except StoreError as exc:
        log.warning("task not saved: %s", exc)
        tasks = {k: v for k, v in ss.tasks.items() if k != project_id}
        if new_task is not None:
            tasks[project_id] = {"task": new_task, "by": who, "at": ""}
        ss.tasks = tasks
        return f"The task applies here but was not saved with the review, so a refresh will lose it: {exc}"
    return None


def _misfit(overrides: dict) -> str | None:
    try:
        _assumptions(tuple(sorted(overrides.items())))
    except (config.ConfigError, TypeError) as exc:  # TypeError: a value that cannot be compared or hashed
        return str(exc) if isinstance(exc, config.ConfigError) else "a value is not a number or a word"
    return None


def usable_overrides(overrides: dict) -> tuple[dict, str | None]:
    """Saved assumption overrides that today's assumptions accept (a config change can leave a saved value out of
    range or a key unknown), and one sentence naming what was left out."""
    if not _misfit(overrides):
        return dict(overrides), None
    kept = {k: v for k, v in overrides.items() if not _misfit({k: v})}
    if _misfit(kept):
        kept = {}
    left_out = ", ".join(sorted(str(k) for k in overrides if k not in kept))[:200]
    return kept, (f"Saved assumptions that no longer fit this version of the app are left out ({left_out}): "
                  f"{_misfit(overrides)}")


def saved_scenarios() -> tuple[list[Scenario], str | None]:
    """The review's saved scenarios, read again from the store (a colleague may have saved one), and a sentence
    when the store cannot be read: the scenarios of this session are then shown instead."""
    ss = st.session_state
    in_session = [Scenario(n, o, "", None) for n, o in ss.get("scenarios", {}).items()]
    if ss.get("review_id") is None:
        return in_session, None
    try:
        found = store().scenarios(ss.review_id)
    except StoreError as exc:
        log.warning("scenarios unavailable: %s", exc)
        return in_session, f"Saved scenarios cannot be read right now: {exc}"
    usable, left_out = [], []
    for saved in found:
        problem = "its saved assumptions cannot be read" if saved.unreadable else _misfit(saved.overrides)
        if problem:
            left_out.append((saved.name, problem))
        else:
            usable.append(saved)
    ss.scenarios = {s.name: s.overrides for s in usable}
    if not left_out:
        return usable, None
    names = ", ".join(name for name, _ in left_out[:5]) + (f" and {len(left_out) - 5:,} more" if len(left_out) > 5 else "")
    return usable, (f"Saved scenarios that no longer fit this version of the app are left out ({names}); they stay "
                    f"in the database. The first: {left_out[0][1]}")


def save_scenario(name: str, overrides: dict) -> str | None:
    """Save the assumptions under a name with the review (creating it for the default sample); kept for the
    session when the store fails, with a sentence saying so. Raises ValueError for a name that will not do."""
    ss = st.session_state
    who = current_user()[0] or ss.reviewer
    try:
        saved = store().save_scenario(ensure_review(), name, overrides, who)
    except StoreError as exc:
        log.warning("scenario not saved: %s", exc)
        ss.scenarios = {**ss.scenarios, clean_scenario_name(name): dict(overrides)}
        return f"The scenario is kept for this session only, so a refresh will lose it: {exc}"
    ss.scenarios = {**ss.scenarios, saved.name: saved.overrides}
    return None


def delete_scenario(name: str) -> str | None:
    """Remove a saved scenario from the review; a sentence when the store cannot."""
    ss = st.session_state
    if ss.review_id is not None:
        try:
            store().delete_scenario(ss.review_id, name)
        except StoreError as exc:
            log.warning("scenario not deleted: %s", exc)
            return f"The scenario could not be deleted: {exc}"
    ss.scenarios = {k: v for k, v in ss.scenarios.items() if k != name}
    return None


def link_params(project: str | None = None) -> dict[str, str]:
    """The query parameters every link carries: the review, and the project where there is one."""
    params = {"review": st.session_state.get("review_id")}
    params["project"] = project
    return {k: v for k, v in params.items() if v}


def page_link(page: str, label: str, icon: str | None = None, project: str | None = None,
              container: object = None, **kwargs: object) -> None:
    """st.page_link that keeps ?review= (and ?project=): in 1.67 a page link drops query params not passed."""
    target = container or st
    target.page_link(page, label=label, icon=icon, query_params=link_params(project), **kwargs)


def switch_page(page: str, project: str | None = None) -> None:
    """st.switch_page keeping ?review= (and ?project=), for the same reason as page_link."""
    st.switch_page(page, query_params=link_params(project))


def setup(title: str) -> None:
    """First call on every page: page config, session state and the page links."""
    st.set_page_config(page_title=f"{title} · AI Roadmap Review", page_icon=":material/explore:", layout="wide",
                       initial_sidebar_state="collapsed")
    _init_state()
    # A row that wraps on a phone instead of stacking five lines of links.
    nav = st.container(horizontal=True, gap="medium", vertical_alignment="center", key="page_links")
    for path, label in PAGES:
        if label == title:
            # The current page as plain bold text: a disabled link is greyed below readable contrast.
            nav.markdown(f"**{label}**", width="content")
        else:
            page_link(path, label, container=nav)
    if notice := st.session_state.pop("review_notice", None):
        st.warning(safe(notice))
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
    inputs: tuple  # (data, name, mapping, overrides, tasks): the cache key of everything derived from it


# A scored 100,000-row roadmap is about 100 MB in memory, so only a few are kept.
@st.cache_data(max_entries=8, show_spinner=False)
def scored_for(data: bytes, name: str, mapping: tuple, overrides: tuple, tasks: tuple) -> tuple:
    """(report, scored, error, headers) for a file, a mapping, assumption overrides and tasks set on the review;
    cached."""
    cfg = _assumptions(overrides)
    try:
        roadmap = load_roadmap(data, name=name, mapping=dict(mapping))
    except RoadmapError as exc:
        return None, None, str(exc), exc.headers
    return roadmap.report, portfolio.score(task.set_on_review(roadmap.projects, dict(tasks)), cfg), None, []


def task_key(tasks: dict[str, dict[str, str]]) -> tuple:
    """A review's task changes as part of a cache key: (project id, task) pairs, who and when left out."""
    return tuple(sorted((pid, t["task"]) for pid, t in tasks.items()))


def _inputs() -> tuple:
    _save_state()
    ss = st.session_state
    src = ss.source
    return (src["data"], src["name"], tuple(sorted(ss.mapping.items())), tuple(sorted(ss.overrides.items())),
            task_key(ss.tasks))


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
def kill_list_for(data: bytes, name: str, mapping: tuple, overrides: tuple, tasks: tuple) -> pd.DataFrame:
    """The ranked kill list for the same inputs as scored_for; cached."""
    return portfolio.kill_list(scored_for(data, name, mapping, overrides, tasks)[1])


CARD_LIMIT = 50  # the list shown as readable cards; the grid below holds every row


def md_text(text: str) -> str:
    """Our own sentences inside Markdown: dollar signs escaped so two amounts never open a LaTeX formula."""
    return str(text).replace("$", "\\$")


def md_money(value: object) -> str:
    """Money inside Markdown: the dollar sign escaped, or two amounts in one line would open a LaTeX formula."""
    return money(value).replace("$", "\\$")


def decision_detail(decided: pd.Series) -> str:
    """Who decided, the revisit date (flagged when passed) and the note, as one escaped line; blank when open."""
    parts = [decided["decision_reviewer"]]
    if decided["revisit_on"]:
        parts.append(f"revisit {decided['revisit_on']}" + (" (passed)" if decided["revisit_passed"] else ""))
    parts.append(decided["decision_note"])
    return safe(" · ".join(p for p in parts if p))


def kill_card(rank: int, row: pd.Series, decision: str, horizon: int, detail: str = "") -> str:
    """One kill-list project as Markdown a person can read aloud: every sentence in full, nothing in a tooltip."""
    team = f"Team {safe(row['team'])}" if not pd.isna(row["team"]) else "No team given"
    lines = [
        f"**{rank}. {safe(row['project'])}** {verdict_badge(row['verdict'])} "
        f"**{md_money(row['projected_savings_usd'])}** projected savings over {counted(horizon, 'year')}",
        f"{team} · Decision: {labels.label('decisions', decision)}" + (f" ({detail})" if detail else "") + " · "
        f"Build-trap score {int(row['build_trap_score'])} of 100 · Risks: {labels.joined(row['flags'], 'flags')}",
        f"**Recommended alternative:** {safe(row['recommendation'])}.",
    ]
    if isinstance(row["evidence_needed"], str) and row["evidence_needed"]:
        lines.append(f"**Evidence needed:** {safe(labels.sentences(row['evidence_needed']))}")
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
def kill_view_for(data: bytes, name: str, mapping: tuple, overrides: tuple, tasks: tuple,
                  decisions: tuple) -> KillView:
    """The Kill list page's cards, grid and filter columns for one set of inputs and decisions; cached."""
    kill = kill_list_for(data, name, mapping, overrides, tasks)
    decided = _decision_frame(kill["project_id"], decisions)
    status = decided["decision"].tolist()
    h = int(_assumptions(overrides).horizon_years)
    table = kill[["project", "team", "verdict", "build_trap_score", "projected_savings_usd",
                  "recommendation", "evidence_needed"]].copy()
    table.insert(0, "rank", range(1, len(table) + 1))
    table["verdict"] = verdict_badges(table["verdict"])
    table["team"] = table["team"].fillna(BLANK)
    table["evidence_needed"] = table["evidence_needed"].replace("", BLANK).fillna(BLANK)
    table["decision"] = [labels.label("decisions", d) for d in status]
    table["decision_reviewer"] = decided["decision_reviewer"].replace("", BLANK).to_numpy()
    table["decision_note"] = decided["decision_note"].replace("", BLANK).to_numpy()
    table["revisit_on"] = [(f"{d} (passed)" if p else d) or BLANK
                           for d, p in zip(decided["revisit_on"], decided["revisit_passed"], strict=True)]
    details = [decision_detail(r) for _, r in decided.iterrows()]
    cards = [kill_card(i, row, d, h, detail) for i, ((_, row), d, detail)
             in enumerate(zip(kill.iterrows(), status, details, strict=True), start=1)]
    return KillView(cards, table, kill["project_id"].tolist(), kill["project"].tolist(),
                    kill["team"].astype(object).where(kill["team"].notna(), None).tolist(), kill["verdict"].tolist(),
                    status, kill["projected_savings_usd"].astype(float).tolist(), portfolio.summarize(kill))


def _decision_frame(project_ids: pd.Series, decisions: tuple) -> pd.DataFrame:
    current = pd.DataFrame([dict(zip(CURRENT_KEYS, d, strict=True)) for d in decisions],
                           columns=CURRENT_KEYS).set_index("project_id")
    return minutes.current_table(project_ids, current, date.today())


@st.cache_data(max_entries=16, show_spinner=False)
def download_for(kind: str, data: bytes, name: str, mapping: tuple, overrides: tuple, tasks: tuple,
                 decisions: tuple, scenario_name: str = "") -> bytes:
    """One download ("csv", "xlsx" or "brief") for one set of inputs and decisions, stamped with the scenario."""
    scored = scored_for(data, name, mapping, overrides, tasks)[1]
    kill = kill_list_for(data, name, mapping, overrides, tasks)
    decided = _decision_frame(kill["project_id"], decisions)
    changed = dict(overrides)
    if kind == "brief":
        from core import brief  # lazy: the brief brings altair and the chart renderer

        cfg = _assumptions(overrides)
        texts = {pid: minutes.decision_text(row) for pid, row in decided.iterrows()}
        return brief.build_brief(scored, kill, portfolio.summarize(scored), cfg, name, texts,
                                 scenario_name=scenario_name).encode("utf-8")
    machine = export.machine_table(kill)
    for col in minutes.DECISION_COLUMNS:
        machine[col] = decided[col].to_numpy()
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
def sensitivity_for(data: bytes, name: str, mapping: tuple, overrides: tuple, tasks: tuple) -> pd.DataFrame:
    """The tornado table for the same inputs as scored_for; cached."""
    roadmap = load_roadmap(data, name=name, mapping=dict(mapping))
    return portfolio.sensitivity(task.set_on_review(roadmap.projects, dict(tasks)), _assumptions(overrides))


# The spinner is the cache's own: it shows only while the file is being scored, so a warm rerun starts no
# spinner (each st.spinner starts a timer thread and sends a message, even when the work takes no time).
@st.cache_data(max_entries=8, show_spinner="Scoring the roadmap…")
def _error_for(data: bytes, name: str, mapping: tuple, overrides: tuple, tasks: tuple) -> str | None:
    # A cached copy of a scored frame costs milliseconds to hand out; a page that only needs to know
    # whether the file scored asks this instead.
    report, scored, error, _ = scored_for(data, name, mapping, overrides, tasks)
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
    try:
        error = _error_for(*inputs)
    except Exception:  # noqa: BLE001 - a user sees a sentence; the traceback goes to the log
        log.exception("scoring failed")
        error = "Something went wrong while reading this file; it has been logged. Try another file or a sample."
    if error:
        st.error(safe(error))
        page_link("app.py", "Go to Home to load another roadmap or fix the column mapping")
        st.stop()
    return Inputs(_assumptions(inputs[3]), inputs, inputs[1])


def require_portfolio() -> Portfolio:
    """The scored portfolio, or a message and a stop when the current file could not be read."""
    p = current()
    if p.scored is None:
        st.error(safe(p.error or "No roadmap is loaded."))
        page_link("app.py", "Go to Home to load another roadmap or fix the column mapping")
        st.stop()
    return p


@st.cache_resource(max_entries=4)
def _store(url: str) -> Store:
    return Store(url)


def store() -> Store:
    """The shared review store (one engine per database URL); raises StoreError when it cannot be opened."""
    return _store(database_url())


def store_in_use() -> bool:
    """False while the default SQLite file does not exist yet: nothing is saved, so a first visit need not
    import SQLAlchemy or create the database just to list no reviews."""
    url = database_url()
    if not url.startswith("sqlite:///") or "?" in url:
        return True
    return Path(url.removeprefix("sqlite:///")).exists()


def portfolio_of_screen() -> str:
    src = st.session_state.source
    return src.get("portfolio") or portfolio_name(src["name"])


def record_decision(project_id: str, project: str, decision: str, note: str, reviewer: str,
                    revisit: date | None, email: str = "") -> None:
    """Append one decision to the portfolio's history (raises StoreError or ValueError with a sentence)."""
    review_id = ensure_review()
    store().append(Decision(portfolio_of_screen(), project_id, project, decision, reviewer, note, revisit,
                            review_id, email))
    _decisions_changed()


def decision_history(project_id: str | None = None) -> pd.DataFrame:
    """The portfolio's history, oldest first (raises StoreError)."""
    return store().history(portfolio_of_screen(), project_id)


@st.cache_data(max_entries=8, show_spinner=False)
def scored_review(review_id: str, url: str, state: tuple) -> pd.DataFrame | None:
    """A saved review's roadmap scored with its own mapping, assumptions and tasks (None when it cannot be read).

    `state` (review_state) is part of the cache key only: a review whose state changed since is scored again."""
    review = _store(url).review(review_id)
    if review is None or review.data is None:
        return None
    overrides = tuple(sorted(review.overrides.items()))
    return scored_for(review.data, review.file_name, tuple(sorted(review.mapping.items())), overrides,
                      task_key(review.tasks))[1]


def review_state(review: Review) -> tuple:
    """A saved review's mapping, assumptions and tasks as a cache key (its file never changes)."""
    return (tuple(sorted(review.mapping.items())), tuple(sorted((k, str(v)) for k, v in review.overrides.items())),
            task_key(review.tasks))


# The Kill list reads the decisions on every rerun (each filter click). A copy shared for a few seconds spares
# the database that read, while a colleague's decision still shows within DECISIONS_TTL_S; this session's
# own writes clear it (_decisions_changed), so a decision recorded here shows on the next page at once.
DECISIONS_TTL_S = 3.0


@st.cache_data(max_entries=64, show_spinner=False)
def _decisions_of(url: str, portfolio: str, window: int) -> tuple:
    """A portfolio's current decisions as a hashable tuple; `window` (time over the TTL) only ages the entry.
    A StoreError is raised, not cached, so an unavailable store is asked again on the next rerun."""
    current = _store(url).current(portfolio)
    return tuple((pid, r.decision, r.reviewer, r.note, r.revisit) for pid, r in current.iterrows())


def _decisions_changed() -> None:
    _decisions_of.clear()


def current_decisions() -> tuple[tuple, str | None]:
    """The current decision of each project as a hashable tuple (for cache keys), and an error sentence when
    the store is unavailable: a broken database costs the decision columns, never the page."""
    try:
        rows = _decisions_of(database_url(), portfolio_of_screen(), int(time.monotonic() // DECISIONS_TTL_S))
    except StoreError as exc:
        log.warning("decisions unavailable: %s", exc)
        return (), f"Decisions cannot be shown right now: {exc}"
    return rows, None


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


# Streamlit draws a Styler by formatting every cell in Python: 12 ms for 50 rows, 1.2 s for 20,000, and pandas
# refuses more than `styler.render.max_elements` (262,144) cells outright, so a 24,000-project portfolio broke
# the Portfolio page with an error. Longer tables show their first rows, and say so.
STYLED_ROWS = 2_000


def money_grid(frame: pd.DataFrame, money_columns: list[str], rest: str, **dataframe_args: Any) -> object:
    """st.dataframe of money_table(frame), at most STYLED_ROWS rows of it; `rest` says where the others are."""
    shown = frame if len(frame) <= STYLED_ROWS else frame.head(STYLED_ROWS)
    out = st.dataframe(money_table(shown, money_columns), **dataframe_args)
    if len(frame) > STYLED_ROWS:
        st.caption(f"The table shows the first {STYLED_ROWS:,} of {len(frame):,} rows; {rest}.")
    return out


def blank_help(text: str = "") -> str:
    """A column's help text, with what a dash in it means."""
    return f"{text} {BLANK_HELP}".strip()


__all__ = ["BLANK", "usd"]
