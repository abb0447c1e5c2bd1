"""The meeting brief: one self-contained, printable HTML file with the headline numbers, charts and kill list.

Charts are rendered offline to SVG with vl-convert in a child process (core.render); every piece of user
text is cleaned of control characters and HTML-escaped.
"""

from __future__ import annotations

import html
from datetime import date

import pandas as pd

from core import charts, config, labels, render, scenario, text
from core.config import JUSTIFICATIONS, Assumptions
from core.numbers import counted, money
from core.portfolio import Summary

# Fluid on screens (one column below 900 px, so a phone shows full-width charts and no sideways scroll);
# on paper the page margins are set and the paper size is left to the printer, so it fits A4 and Letter alike
# (the narrower printable width, A4's, is what the layout must fit: about 186 mm, 700 CSS px).
_CSS = """
*{box-sizing:border-box}
.zombie{color:#a1131b}
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#111318;background:#fff;margin:0 auto;
  padding:24px;max-width:1100px;line-height:1.45;overflow-wrap:anywhere}
h1{margin:0 0 4px;font-size:28px} h2{margin-top:28px} .sub{color:#4a4f57;margin-top:0}
.metrics{display:flex;gap:12px;flex-wrap:wrap;margin:18px 0}
.metric{border:1px solid #c9ced6;border-radius:8px;padding:8px 14px;min-width:120px;flex:1 1 120px}
.metric b{display:block;font-size:24px}
.changes li{margin-bottom:4px}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.charts svg{width:100%;height:auto;display:block}
.card{border:1px solid #c9ced6;border-radius:8px;padding:10px 14px;margin:10px 0;break-inside:avoid;page-break-inside:avoid}
.card h3{margin:0 0 4px;font-size:17px}
.card p{margin:3px 0}
.badge{border:1px solid currentColor;border-radius:4px;padding:0 6px;font-weight:600;font-size:14px;white-space:nowrap}
.kill{color:#a31515} .prove{color:#8a5300} .keep{color:#1a4f9c} .ok{color:#4a4f57} .out_of_scope{color:#5b3a99}
.total{font-weight:700;margin-top:12px}
@media (max-width:900px){.charts{grid-template-columns:1fr} body{padding:14px}}
@page{margin:12mm}
@media print{body{padding:0;max-width:none;font-size:11pt} .charts{grid-template-columns:1fr 1fr;gap:8px}
  h2{break-after:avoid} .metric b{font-size:18px}}
"""


def _svgs(*charts_to_draw) -> list[str]:
    specs = [chart.properties(width=520, height=280).to_json() for chart in charts_to_draw]
    return [svg if svg is not None else "<p class='sub'>This chart could not be drawn.</p>"
            for svg in render.to_svg(specs)]


def _badge(verdict: str) -> str:
    # The verdict's word in its colour (text colours chosen for 4.5:1 on white): never a colour alone.
    return f'<span class="badge {html.escape(verdict)}">{html.escape(labels.verdict(verdict))}</span>'


def _lacks(row: object) -> str:
    """The exception a kill-list project lacks, in words."""
    claimed = [j for j in str(row.justifications_claimed or "").split(";") if j]
    if claimed:
        names = " and ".join(labels.label("justifications", j).lower() for j in claimed)
        return f"Claims {names} but has not proven it."
    every = ", ".join(labels.label("justifications", j).lower() for j in JUSTIFICATIONS)
    return f"Claims none of the three exceptions ({every})."


def _unpriced(summary: Summary) -> str:
    n = summary.kill_list_unpriced
    if not n:
        return ""
    return f"{counted(n, 'project')} on the list {'needs' if n == 1 else 'need'} a daily volume and {'is' if n == 1 else 'are'} not in the total."


def build_brief(scored: pd.DataFrame, kill: pd.DataFrame, summary: Summary, cfg: Assumptions, source: str,
                decisions: dict[str, str] | None = None, scenario_name: str = "",
                came_back: dict[str, str] | None = None) -> str:
    """The brief as an HTML string; `came_back` holds the warning of each project that came back (core.comeback)."""
    decisions = decisions or {}
    came_back = came_back or {}
    def esc(value: object) -> str:
        return html.escape(text.clean(value))

    h = int(cfg.horizon_years)
    overrides = config.changed(cfg)
    found = scenario.changes(overrides)
    metrics = [("Projects", f"{summary.projects:,}"), ("Custom models", f"{summary.custom:,}"),
               (labels.verdict("kill"), f"{summary.kill:,}"), (labels.verdict("prove"), f"{summary.prove:,}"),
               (labels.verdict("keep"), f"{summary.keep:,}"),
               (labels.verdict("out_of_scope"), f"{summary.out_of_scope:,}"),
               (f"Kill-list savings, {counted(h, 'year')}", money(summary.kill_list_savings_usd))]
    title = f"Scenario {esc(scenario_name)}" if scenario_name else ("Scenario" if found else "Baseline")
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>AI roadmap review — {esc(source)}</title><style>{_CSS}</style></head><body><main>",
        "<h1>AI roadmap review: the kill list</h1>",
        f"<p class='sub'>{esc(source)} · {date.today().isoformat()} · horizon {counted(h, 'year')} · "
        "custom models judged against the build-trap criteria and priced against FM API + RAG (or, where regulation "
        "rules out third-party hosting, a self-hosted stock open-weight model)</p>",
        "<div class='metrics'>",
        *[f"<div class='metric'>{esc(k)}<b>{esc(v)}</b></div>" for k, v in metrics],
        "</div>",
        f"<h2>Assumptions: {title}</h2>",
    ]
    if found:
        parts.append("<p>These assumptions differ from the defaults; every figure in this brief uses them.</p>"
                     "<ul class='changes'>")
        parts += [f"<li><b>{esc(c.label)}</b>: {esc(c.value)} (default {esc(c.default)}). "
                  f"Source of the default: {esc(c.source)}</li>" for c in found]
        parts.append("</ul>")
    else:
        parts.append("<p>Every assumption is at its default; the defaults and their sources are listed in the XLSX "
                     "download's Assumptions sheet.</p>")
    parts += [
        "<h2>Charts</h2><div class='charts'>",
        *_svgs(charts.savings_by_team(scored), charts.trap_map(scored), charts.verdicts_by_team(scored),
               charts.volume_vs_break_even(scored)),
        "</div>",
        f"<h2>Kill list ({len(kill):,} projects)</h2>",
    ]
    for i, r in enumerate(kill.itertuples(index=False), start=1):
        team = "No team given" if pd.isna(r.team) else f"Team {esc(str(r.team))}"
        # The decision's words as core.minutes.decision_text wrote them ("Needs evidence · Dana · revisit 2027-03-31"):
        # labelled again, its dates lost their dashes ("2027 03 31").
        decision = decisions.get(r.project_id) or labels.label("decisions", "open")
        risks = labels.joined(r.flags, "flags")
        parts.append(
            f"<article class='card'><h3>{i}. {esc(str(r.project))} {_badge(r.verdict)} "
            f"{esc(money(r.projected_savings_usd))} projected savings</h3>"
            + (f"<p class='zombie'><b>{esc(came_back[r.project_id])}</b></p>" if r.project_id in came_back else "")
            + f"<p>{team} · Decision: {esc(decision)} · Build-trap score {int(r.build_trap_score)} of 100</p>"
            f"<p><b>Risks flagged:</b> {esc(risks if risks != '—' else 'none')}.</p>"
            f"<p><b>Exception it lacks:</b> {esc(_lacks(r))}</p>"
            f"<p><b>Recommended alternative:</b> {esc(r.recommendation)}.</p>"
            + (f"<p><b>Evidence needed:</b> {esc(labels.sentences(r.evidence_needed))}</p>" if r.evidence_needed else "")
            + (f"<p><b>What would change it:</b> {esc(r.would_change)}</p>" if isinstance(r.would_change, str) else "")
            + (f"<p><b>Evidence used:</b> {esc(labels.sentences(r.evidence_used))}</p>"
               if isinstance(getattr(r, "evidence_used", None), str) and r.evidence_used else "")
            + "</article>"
        )
    parts += [
        f"<p class='total'>Total projected savings over {counted(h, 'year')}: "
        f"{esc(money(float(kill['projected_savings_usd'].sum())))}</p>",
        "<p class='sub'>Projected savings = custom-model TCO minus the comparison path's TCO (FM API + RAG, or a "
        "self-hosted stock open-weight model where regulation rules out third-party hosting) over the horizon, "
        f"forward-looking (money already spent is excluded), in today's dollars discounted at "
        f"{esc(f'{cfg.discount_rate:.0%}')} a year. {esc(_unpriced(summary))}</p></main></body></html>",
    ]
    return "\n".join(parts)
