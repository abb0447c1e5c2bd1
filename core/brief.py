"""The meeting brief: one self-contained, printable HTML file with the headline numbers, charts and kill list.

Charts are rendered offline to SVG with vl-convert in a child process (core.render); every piece of user
text is cleaned of control characters and HTML-escaped.
"""

from __future__ import annotations

import html
from datetime import date

import pandas as pd

from core import charts, render, text
from core.config import Assumptions
from core.explain import usd
from core.palette import VERDICT_COLORS
from core.portfolio import Summary

_CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1b1f24;margin:32px;max-width:1100px}
h1{margin-bottom:4px} .sub{color:#555;margin-top:0}
.metrics{display:flex;gap:16px;flex-wrap:wrap;margin:18px 0}
.metric{border:1px solid #dde2ea;border-radius:8px;padding:10px 16px;min-width:120px}
.metric b{display:block;font-size:26px}
table{border-collapse:collapse;width:100%;font-size:13px;margin-top:8px}
th,td{border-bottom:1px solid #e3e7ee;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f2f4f8} td.num{text-align:right;white-space:nowrap}
.badge{color:#fff;border-radius:4px;padding:1px 6px;font-weight:600}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:16px} .charts svg{max-width:100%;height:auto}
@media print{body{margin:12mm} .charts{grid-template-columns:1fr 1fr} tr{page-break-inside:avoid}}
"""


def _svgs(*charts_to_draw) -> list[str]:
    specs = [chart.properties(width=440, height=260).to_json() for chart in charts_to_draw]
    return [svg if svg is not None else "<p class='sub'>This chart could not be drawn.</p>"
            for svg in render.to_svg(specs)]


def _badge(verdict: str) -> str:
    color = VERDICT_COLORS.get(verdict, "#888")
    return f'<span class="badge" style="background:{color}">{html.escape(verdict)}</span>'


def build_brief(scored: pd.DataFrame, kill: pd.DataFrame, summary: Summary, cfg: Assumptions, source: str,
                decisions: dict[str, str] | None = None) -> str:
    """The brief as an HTML string."""
    decisions = decisions or {}
    def esc(value: object) -> str:
        return html.escape(text.clean(value))

    h = int(cfg.horizon_years)
    metrics = [("Projects", f"{summary.projects:,}"), ("Custom models", f"{summary.custom:,}"),
               ("Kill", f"{summary.kill:,}"), ("Prove", f"{summary.prove:,}"), ("Keep", f"{summary.keep:,}"),
               (f"Kill-list savings, {h} yr", usd(summary.kill_list_savings_usd))]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>AI roadmap review — {esc(source)}</title><style>{_CSS}</style></head><body>",
        "<h1>AI roadmap review: the kill list</h1>",
        f"<p class='sub'>{esc(source)} · {date.today().isoformat()} · horizon {h} years · "
        "custom models judged against the build-trap criteria and priced against FM API + RAG</p>",
        "<div class='metrics'>",
        *[f"<div class='metric'>{esc(k)}<b>{esc(v)}</b></div>" for k, v in metrics],
        "</div>",
        "<div class='charts'>",
        *_svgs(charts.savings_by_team(scored), charts.trap_map(scored), charts.verdicts_by_team(scored),
               charts.volume_vs_break_even(scored)),
        "</div>",
        "<h2>Kill list</h2>",
        "<table><thead><tr><th>#</th><th>Project</th><th>Team</th><th>Verdict</th><th>Score</th>"
        "<th>Projected savings</th><th>Recommendation / evidence needed</th><th>Decision</th></tr></thead><tbody>",
    ]
    for i, r in enumerate(kill.itertuples(index=False), start=1):
        team = "" if pd.isna(r.team) else str(r.team)
        action = esc(r.recommendation) + (f"<br><i>Evidence needed: {esc(r.evidence_needed)}</i>"
                                          if r.evidence_needed else "")
        parts.append(
            f"<tr><td>{i}</td><td>{esc(str(r.project))}</td><td>{esc(team)}</td><td>{_badge(r.verdict)}</td>"
            f"<td class='num'>{int(r.build_trap_score)}</td><td class='num'>{esc(usd(r.projected_savings_usd))}</td>"
            f"<td>{action}</td><td>{esc(decisions.get(r.project_id, 'open'))}</td></tr>"
        )
    parts.append(
        f"<tr><td></td><td><b>Total</b></td><td></td><td></td><td></td>"
        f"<td class='num'><b>{esc(usd(float(kill['projected_savings_usd'].sum())))}</b></td><td></td><td></td></tr>"
    )
    parts += ["</tbody></table>",
              "<p class='sub'>Projected savings = custom-model TCO minus FM API + RAG TCO over the horizon, "
              "forward-looking (money already spent is excluded). Assumptions and their sources are in the "
              "tool's Assumptions page.</p></body></html>"]
    return "\n".join(parts)
