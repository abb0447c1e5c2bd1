"""The review on screen: opening, starting and saving it, and every change written to it."""

from __future__ import annotations

from datetime import date

import streamlit as st

from core import task
from core.numbers import counted
from core.store import Decision, StoreError, clean_scenario_name, portfolio_name
from ui.auth import current_user
from ui.format import safe
from ui.logs import log
from ui.scenarios import saved_scenarios, usable_overrides
from ui.session import clear_assumption_widgets, sample_bytes, samples, screen_state, set_source
from ui.storage import decisions_changed, portfolio_of_screen, store
from ui.zombies import choose_portfolio, keep_offer


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
    ss.pop("pending_save", None)  # a file waiting to be read gives way to the saved review
    origin = "sample" if review.file_name in samples() and review.data == sample_bytes(review.file_name) else "upload"
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
    ss.saved_state = screen_state()
    clear_assumption_widgets()
    st.query_params["review"] = review.id
    return True


def start_review(name: str, data: bytes, origin: str) -> None:
    """Show a file (an upload or an explicit sample pick); it is saved as a new review once it has been read
    (save_state after scoring), so a file refused by a limit or unreadable as a roadmap is never stored."""
    ss = st.session_state
    set_source(name, data, origin)
    ss.review_id = None
    ss.pending_save = True
    st.query_params.pop("review", None)
    ss.saved_state = screen_state()


def _save_new() -> None:
    """Save the file on screen as a new review, now that it has been read.

    A file whose default portfolio name is taken by other files joins that portfolio when it shares at least half
    of its projects with its latest review (next quarter's file), else starts as a portfolio of its own ("roadmap
    (2)"); either way Home offers the other choice until someone answers (ui.zombies, core.joining).
    """
    ss = st.session_state
    name, data = ss.source["name"], ss.source["data"]
    wanted = portfolio_name(name)
    try:
        s = store()
        chosen, offer = choose_portfolio(s, name, data, wanted, ss.mapping)
        review = s.create_review(chosen, name, data, ss.mapping, ss.overrides, current_user()[1])
        if offer is not None:
            keep_offer(s, review.id, chosen, offer)
        decisions_changed()  # a new review may adopt decisions recorded for its file before reviews existed
    except StoreError as exc:
        log.warning("review not saved: %s", exc)
        ss.review_id = None
        # Said here, below the page's notices: the file is saved after it has been read, late in the run.
        st.warning(safe(f"This roadmap is open but was not saved as a review, so a refresh will lose it: {exc}"))
        st.query_params.pop("review", None)
    else:
        ss.source["portfolio"] = review.portfolio
        ss.review_id = review.id
        st.query_params["review"] = review.id
    ss.saved_state = screen_state()


def _who() -> str:
    """Who makes a change, for the review's event log: the signed-in name, else the name typed for decisions."""
    return current_user()[0] or st.session_state.get("reviewer", "")


def ensure_review() -> str:
    """The id of the review on screen, saving the default sample as one first if needed (raises StoreError)."""
    ss = st.session_state
    if ss.get("pending_save"):
        raise StoreError("This file has not been read as a roadmap, so it is not saved; fix the column mapping or "
                         "load another file first.")
    if ss.review_id is None:
        src = ss.source
        review = store().create_review(src["portfolio"], src["name"], src["data"], ss.mapping, ss.overrides,
                                       current_user()[1], ss.tasks)
        decisions_changed()
        ss.review_id = review.id
        ss.saved_state = screen_state()
        st.query_params["review"] = review.id
    return ss.review_id


def rename_portfolio(name: str) -> None:
    """Move the review on screen to another portfolio (joining it when that name exists)."""
    ss = st.session_state
    review_id = ensure_review()
    store().update_review(review_id, portfolio=name, who=_who(), email=current_user()[1])
    decisions_changed()
    ss.source["portfolio"] = " ".join(name.split())


def save_state(read: bool) -> None:
    """Keep the review's mapping and assumptions in step with the screen, so a refresh or a link shows the same.

    Called once the file on screen has been scored: `read` is False when it could not be, and nothing is stored
    then (a new file waits until a mapping change makes it readable)."""
    ss = st.session_state
    if not read:
        return
    if ss.pop("pending_save", False):
        _save_new()
        return
    state = screen_state()
    if state == ss.get("saved_state"):
        return
    ss.saved_state = state
    try:
        if ss.review_id is None:
            ensure_review()
        else:
            store().update_review(ss.review_id, mapping=dict(ss.mapping), overrides=dict(ss.overrides), who=_who(),
                                  email=current_user()[1])
    except StoreError as exc:
        log.warning("review state not saved: %s", exc)
        st.warning(f"Your change applies here but was not saved with the review, so a refresh will lose it: {exc}")


def set_task(project_id: str, new_task: str | None) -> str | None:
    """Set a project's task on the review on screen (None: back to the roadmap's own), saving the default sample
    as a review first. The change always applies on screen; returns a sentence when it could not be saved."""
    ss = st.session_state
    who = current_user()[0] or ss.reviewer
    try:
        ss.tasks = store().set_task(ensure_review(), project_id, new_task, who, current_user()[1])
    except StoreError as exc:
        log.warning("task not saved: %s", exc)
        tasks = {k: v for k, v in ss.tasks.items() if k != project_id}
        if new_task is not None:
            tasks[project_id] = {"task": new_task, "by": who, "at": ""}
        ss.tasks = tasks
        return f"The task applies here but was not saved with the review, so a refresh will lose it: {exc}"
    return None


def save_scenario(name: str, overrides: dict) -> str | None:
    """Save the assumptions under a name with the review (creating it for the default sample); kept for the
    session when the store fails, with a sentence saying so. Raises ValueError for a name that will not do."""
    ss = st.session_state
    who = current_user()[0] or ss.reviewer
    try:
        saved = store().save_scenario(ensure_review(), name, overrides, who, current_user()[1])
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
            store().delete_scenario(ss.review_id, name, _who(), current_user()[1])
        except StoreError as exc:
            log.warning("scenario not deleted: %s", exc)
            return f"The scenario could not be deleted: {exc}"
    ss.scenarios = {k: v for k, v in ss.scenarios.items() if k != name}
    return None


def record_decision(project_id: str, project: str, decision: str, note: str, reviewer: str,
                    revisit: date | None, email: str = "") -> None:
    """Append one decision to the portfolio's history (raises StoreError or ValueError with a sentence)."""
    review_id = ensure_review()
    store().append(Decision(portfolio_of_screen(), project_id, project, decision, reviewer, note, revisit,
                            review_id, email))
    decisions_changed()
