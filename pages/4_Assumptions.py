"""Assumptions: every threshold and cost default with its source; edits apply to every page at once."""

from __future__ import annotations

from itertools import groupby

import pandas as pd
import streamlit as st

import ui
from core import charts, config, labels, portfolio, scenario
from core.numbers import in_unit
from core.store import clean_scenario_name

ui.setup("Assumptions")
ss = st.session_state
params = config.params()
cfg = config.make(ss.overrides)


def _widget_key(key: str) -> str:
    return f"assume_{key}"


def _is_share(key: str) -> bool:
    # Fractions are typed and shown as percentages (50 %), stored as fractions (0.5) like the YAML.
    return params[key].unit == "fraction"


def _on_edit(key: str) -> None:
    value = ss[_widget_key(key)]
    if _is_share(key):
        value = round(value / 100, 6)
    try:
        config.make({**ss.overrides, key: value})
    except config.ConfigError as exc:
        ss.assumption_error = str(exc)
        return
    new = {**ss.overrides, key: value}
    if value == params[key].value:
        new.pop(key)
    ss.overrides = new


def _clear_widgets() -> None:
    for key in params:
        ss.pop(_widget_key(key), None)


def _on_upload() -> None:
    f = ss.get("upload_assumptions")
    if f is None:
        return
    try:
        loaded = config.parse_yaml(f.getvalue())
    except config.ConfigError as exc:
        ss.assumption_error = f"{exc} The previous assumptions are kept."
        return
    ss.overrides = config.changed(loaded)
    _clear_widgets()
    ss.assumption_notice = f"Loaded {f.name}: {len(ss.overrides)} assumptions differ from the defaults."


CURRENT = "Current assumptions (unsaved)"


def _save_scenario() -> None:
    name = clean_scenario_name(ss.get("scenario_save_name", ""))
    # Saving a name again replaces it, perhaps a colleague's: say so, with the old values, so none is lost unsaid.
    before = ss.scenarios.get(name)
    try:
        problem = ui.save_scenario(name, dict(ss.overrides))
    except ValueError as exc:
        ss.assumption_error = str(exc)
        return
    if problem:
        ss.assumption_error = problem
    elif before is not None and before != ss.overrides:
        ss.assumption_notice = f"Replaced the saved scenario {name}; it was: {scenario.describe(before)}."
    else:
        ss.assumption_notice = f"Saved the scenario {name} with this review."


def _delete_scenario(name: str) -> None:
    ss.pop("scenario_compare", None)
    if problem := ui.delete_scenario(name):
        ss.assumption_error = problem
    else:
        ss.assumption_notice = f"Deleted the scenario {name}."


def _use_scenario(name: str) -> None:
    _clear_widgets()
    ss.overrides = dict(ss.scenarios[name])


BASELINE = "Baseline (the defaults)"


def _comparison(first: str, second: str, overrides_of: dict[str, dict]) -> None:
    """Kill-list savings and per-project verdict changes of two scenarios (the baseline among them), side by side."""
    p = ui.current()
    if p.scored is None:
        st.info("Load a roadmap on the Home page to compare scenarios.")
        return
    data, name, mapping, _, tasks, evidence = p.inputs
    a_over, b_over = overrides_of[first], overrides_of[second]
    base = ui.scored_for(data, name, mapping, tuple(sorted(a_over.items())), tasks, evidence)[1]
    scen = ui.scored_for(data, name, mapping, tuple(sorted(b_over.items())), tasks, evidence)[1]
    b, s_ = portfolio.summarize(base), portfolio.summarize(scen)
    a_name, b_name = (("baseline" if name == BASELINE else f"scenario {name}") for name in (first, second))
    st.caption(ui.safe(f"{a_name}: {scenario.describe(a_over)} · {b_name}: {scenario.describe(b_over)}"))
    m = st.columns(4)
    m[0].metric(f"Kill-list savings, {ui.safe(a_name)}", ui.usd(b.kill_list_savings_usd))
    change = s_.kill_list_savings_usd - b.kill_list_savings_usd
    m[1].metric(f"Kill-list savings, {ui.safe(b_name)}", ui.usd(s_.kill_list_savings_usd),
                delta=ui.usd(change) if round(change) else None)
    m[2].metric(f"On the kill list, {ui.safe(a_name)}", f"{b.kill + b.prove:,}")
    moved_on = (s_.kill + s_.prove) - (b.kill + b.prove)
    m[3].metric(f"On the kill list, {ui.safe(b_name)}", f"{s_.kill + s_.prove:,}",
                delta=f"{moved_on:+,}" if moved_on else None)
    diff = scenario.compare(base, scen)
    moved = diff[diff["verdict_changed"] | diff["savings_change_usd"].abs().gt(0.5)]
    if moved.empty:
        st.success("No verdict and no projected saving differs between these two.")
        return
    st.caption(f"{int(diff['verdict_changed'].sum()):,} verdicts differ; {len(moved):,} projects differ in verdict "
               "or projected savings (verdict changes first).")
    shown = pd.DataFrame({
        "project": moved["project"],
        "verdict": [scenario.verdict_change_sentence(r) for _, r in moved.iterrows()],
        "baseline": moved["projected_savings_usd_baseline"], "scenario": moved["projected_savings_usd_scenario"],
        "change": moved["savings_change_usd"],
    }).reset_index(drop=True)
    money = ["baseline", "scenario", "change"]
    ui.money_grid(shown, money, "verdict changes come first, then the largest changes in savings",
                  hide_index=True, width="stretch", key="scenario_diff",
                  column_config={"project": st.column_config.TextColumn("Project", width="medium"),
                                 "verdict": st.column_config.TextColumn(f"Verdict, {a_name} → {b_name}"),
                                 "baseline": st.column_config.Column(f"Savings, {a_name}", help=ui.blank_help()),
                                 "scenario": st.column_config.Column(f"Savings, {b_name}", help=ui.blank_help()),
                                 "change": st.column_config.Column("Change")})


st.title("Assumptions")
st.caption("Every threshold, weight and cost default the verdicts and prices use, with its source. "
           "A change applies at once to every page.")
if err := ss.pop("assumption_error", None):
    st.error(ui.safe(err))
if note := ss.pop("assumption_notice", None):
    st.success(ui.safe(note))

# One reset: the scenario badge's "Reset to defaults" at the top, shown whenever an assumption is changed.
t1, t3 = st.columns([1, 2])
t1.download_button("Download as YAML", config.to_yaml(cfg).encode("utf-8"), file_name="assumptions.yaml",
                   mime="application/x-yaml", key="download_assumptions", on_click="ignore")
t3.file_uploader("Load assumptions (YAML)", type=["yaml", "yml"], key="upload_assumptions", on_change=_on_upload)

st.header("Scenarios")
st.caption("Change assumptions below, save them under a name, and compare any two saved scenarios, or one with "
           "the baseline (the defaults), side by side. Saved scenarios are kept with this review: a refresh or the review's link brings "
           "them back, and everyone on the review sees them.")
saved, unavailable = ui.saved_scenarios()
if unavailable:
    st.warning(ui.safe(unavailable))
s1, s2 = st.columns([3, 1], vertical_alignment="bottom")
s1.text_input("Scenario name", key="scenario_save_name", max_chars=40, placeholder="For example: senior team, 5 years")
s2.button("Save scenario", key="scenario_save", on_click=_save_scenario, disabled=not ss.overrides,
          help="Change at least one assumption first; the baseline needs no saving.")
options = list(ss.scenarios) + ([CURRENT] if ss.overrides and not ui.scenario_name() else [])
if options:
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    picked = c1.selectbox("Scenario", options, key="scenario_compare")
    if picked != CURRENT:
        c2.button("Use this scenario", key="scenario_use", on_click=_use_scenario, args=(picked,))
        found = next(s for s in saved if s.name == picked)
        by = f" by {found.saved_by}" if found.saved_by else ""
        when = f" on {found.saved_at:%Y-%m-%d %H:%M} UTC" if found.saved_at else " for this session only"
        d1, d2 = st.columns([3, 1], vertical_alignment="center")
        d1.caption(ui.safe(f"Saved{by}{when}."))
        d2.button("Delete this scenario", key="scenario_delete", on_click=_delete_scenario, args=(picked,))
    others = [BASELINE] + [o for o in options if o != picked]
    against = st.selectbox("Compared with", others, key="scenario_compare_with",
                           help="The baseline, or any other saved scenario: both are shown side by side.")
    overrides_of = {BASELINE: {}, CURRENT: dict(ss.overrides), **{k: dict(v) for k, v in ss.scenarios.items()}}
    _comparison(against, picked, overrides_of)

for group, items in groupby(params.values(), key=lambda p: p.group):
    with st.expander(group, expanded=group in ("Horizon", "People")):
        for prm in items:
            c1, c2 = st.columns([1, 2])
            share = _is_share(prm.key)
            unit = "%" if share else prm.unit
            label = f"{prm.label}" + (f" ({unit})" if unit else "")
            wkey = _widget_key(prm.key)
            value = getattr(cfg, prm.key)
            ss.setdefault(wkey, round(value * 100, 4) if share else value)
            # The YAML key goes in the help, where someone editing a file can find it, not in the page text.
            yaml_key = f"In an assumptions YAML file: {prm.key}."
            if prm.choices:
                c1.selectbox(label, prm.choices, key=wkey, on_change=_on_edit, args=(prm.key,), help=yaml_key,
                             format_func=lambda c: labels.label("choices", c))
            elif prm.integer:
                c1.number_input(label, min_value=int(prm.min), max_value=int(prm.max), step=1, key=wkey,
                                on_change=_on_edit, args=(prm.key,), help=yaml_key)
            elif share:
                c1.number_input(label, min_value=float(prm.min) * 100, max_value=float(prm.max) * 100, step=5.0,
                                key=wkey, on_change=_on_edit, args=(prm.key,), format="%g", help=yaml_key)
            else:
                step = 0.05 if prm.max <= 2 else None
                c1.number_input(label, min_value=float(prm.min), max_value=float(prm.max), step=step, key=wkey,
                                on_change=_on_edit, args=(prm.key,), format="%g", help=yaml_key)
            default = labels.label("choices", prm.value) if prm.choices else in_unit(prm.value, prm.unit)
            rng = f"Default: {default}"
            if prm.low is not None:
                rng += f"; sensitivity range {in_unit(prm.low, prm.unit)} to {in_unit(prm.high, prm.unit)}"
            c2.caption(f"{rng}. Source: {prm.source}")

st.header("Sensitivity")
p = ui.current()
if p.scored is None:
    st.info("Load a roadmap on the Home page to see how sensitive the savings are.")
else:
    with st.spinner("Re-pricing the portfolio at each end of every range…"):
        sens = ui.sensitivity_for(*p.inputs)
    st.altair_chart(charts.tornado(sens), width="stretch", key="chart_tornado")
    top = sens.head(3)
    st.caption(ui.md_text("Largest swings: " + "; ".join(
        f"{r.label} {in_unit(r.low, r.unit)}: {ui.usd(r.savings_at_low_usd)}; "
        f"at {in_unit(r.high, r.unit)}: {ui.usd(r.savings_at_high_usd)}"
        for r in top.itertuples(index=False)) + "."))
    st.dataframe(pd.DataFrame({
        "Assumption": sens["label"],
        "Low": [in_unit(v, u) for v, u in zip(sens["low"], sens["unit"], strict=True)],
        "High": [in_unit(v, u) for v, u in zip(sens["high"], sens["unit"], strict=True)],
        "Savings at low": sens["savings_at_low_usd"].map(ui.usd),
        "Savings at high": sens["savings_at_high_usd"].map(ui.usd),
    }), hide_index=True, width="stretch", key="sensitivity_table")
