"""The evidence chart of Project review: the measured figure and its 95 % interval against the line it must clear."""

from __future__ import annotations

import altair as alt
import pandas as pd

from core.evidence import _decimals
from core.evidence_apply import Attached
from core.palette import VERDICT_COLORS

# The outcome's colour is the verdict it leads to (proven: keep; refuted: kill; cannot tell yet: prove), and the
# outcome is always written beside it: the colour is never the only sign.
_OUTCOME_COLOR = {"proven": VERDICT_COLORS["keep"], "refuted": VERDICT_COLORS["kill"],
                  "claimed": VERDICT_COLORS["prove"], "measured": "#6b7280"}
_OUTCOME_WORD = {"proven": "Proven", "refuted": "Refuted", "claimed": "Cannot tell yet", "measured": "Measured"}


def evidence_chart(record: Attached, target: float | None = None) -> alt.LayerChart | None:
    """The gap (evaluation) or p95 (latency) with its interval, and the material gap or target as a line; None for
    the kinds without an interval (volume, spend, compliance)."""
    if record.kind not in ("eval", "latency") or record.estimate is None:
        return None
    outcome = record.outcome(target)
    line = record.threshold if record.kind == "eval" else target
    if record.kind == "eval":
        d = _decimals(record.threshold)
        axis, what, line_name = "Mean paired gap (candidate - baseline)", "Gap", "Material gap"
        fmt = f"+.{d}f"
    else:
        axis, what, line_name, fmt = "FM + RAG p95 latency (ms)", "p95", "Latency target", ",.0f"
    point = pd.DataFrame([{
        "what": what, "estimate": record.estimate, "low": record.low, "high": record.high,
        "outcome": _OUTCOME_WORD[outcome], "items": record.items,
        "interval": "single value" if record.method == "single value" else "95 % interval",
    }])
    # Few ticks: the chart is a single row, often phone-wide; the tooltips carry the exact figures.
    # The domain holds the interval, the line and (for a gap) zero, with a margin, so the line is never on the edge.
    ends = [v for v in (record.low, record.high, line, 0.0 if record.kind == "eval" else None) if v is not None]
    pad = (max(ends) - min(ends)) * 0.12 or abs(record.estimate) * 0.1 or 0.01
    x = alt.X("low:Q", title=axis, axis=alt.Axis(format=fmt, tickCount=4, labelOverlap=True),
              scale=alt.Scale(domain=[min(ends) - pad, max(ends) + pad], nice=False))
    tips = [alt.Tooltip("what:N", title="Figure"), alt.Tooltip("estimate:Q", title=what, format=fmt),
            alt.Tooltip("low:Q", title="Interval from", format=fmt),
            alt.Tooltip("high:Q", title="Interval to", format=fmt),
            alt.Tooltip("outcome:N", title="Outcome"), alt.Tooltip("items:Q", title="Items", format=",")]
    color = _OUTCOME_COLOR[outcome]
    bar = alt.Chart(point).mark_rule(strokeWidth=4, color=color).encode(
        x=x, x2="high:Q", y=alt.Y("what:N", title=None), tooltip=tips)
    dot = alt.Chart(point).mark_point(filled=True, size=140, color=color).encode(
        x="estimate:Q", y="what:N", tooltip=tips)
    layers = [bar, dot]
    if line is not None:
        marker = pd.DataFrame([{"line": line, "name": line_name}])
        layers.append(alt.Chart(marker).mark_rule(strokeDash=[6, 4], strokeWidth=2, color="#111827").encode(
            x="line:Q", y=alt.value(0), y2=alt.value(110), tooltip=[alt.Tooltip("name:N", title="Line"), alt.Tooltip("line:Q", title="At", format=fmt)]))
        layers.append(alt.Chart(marker).mark_text(align="right", dx=-4, dy=-30, color="#111827").encode(
            x="line:Q", text="name:N"))
    return alt.layer(*layers).properties(height=110, title=f"{what}, 95 % interval, {line_name.lower()}")
