"""Project review's money (SPEC §4v3): the paths' totals, what the saving is made of, the market check and what
would change the verdict; the words on Kill list cards that come from the same terms."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import explain, labels, portfolio
from core.config import Assumptions
from core.numbers import count, counted, money, percent
from core.serving import gpu_hour_usd, market_bands
from ui.format import md_text, safe

PARTS = ("people", "serving", "api", "other")
PART_NAMES = {"people": "People", "serving": "Serving and compute", "api": "API", "other": "Other"}


def volume_note(row: pd.Series) -> str:
    """Where the volume came from, in words: needs volume, implied from measured spend, measured; blank when given."""
    status = row.get("money_status")
    if status == "needs_volume":
        return labels.label("money_status", "needs_volume")
    if status == "implied_from_spend":
        return (f"{labels.label('money_status', 'implied_from_spend')}: {count(row['daily_calls_used'])} calls a day "
                f"from {money(row['api_spend_usd_per_month'])} a month")
    if bool(row.get("api_spend_measured", False)):
        return f"Measured API spend: {money(row['api_spend_usd_per_month'])} a month"
    return ""


def comparison_label(row: pd.Series) -> str:
    return ("Self-hosted open-weight TCO" if bool(row.get("comparison_is_self_hosted", False))
            else labels.field("tco_api_rag_usd"))


def metrics(row: pd.Series, cfg: Assumptions) -> None:
    """Score, the custom total, the comparison path's total and the saving; "Needs volume" instead of numbers."""
    h = int(cfg.horizon_years)
    priced = not pd.isna(row["projected_savings_usd"])
    compare = row["tco_self_hosted_usd"] if bool(row.get("comparison_is_self_hosted", False)) else row["tco_api_rag_usd"]
    m = st.columns(4)
    m[0].metric("Build-trap score", f"{int(row['build_trap_score'])} / 100")
    unpriced = labels.label("money_status", "needs_volume")
    m[1].metric(f"Custom TCO, {h} yr", money(row["tco_custom_usd"]) if priced else unpriced)
    m[2].metric(f"{comparison_label(row)}, {h} yr", money(compare) if priced else unpriced)
    m[3].metric("Projected savings", money(row["projected_savings_usd"]) if priced else unpriced,
                help=f"Custom TCO minus {explain.comparison_name(row)} TCO; negative means the custom path is "
                     f"cheaper. In today's dollars at {percent(cfg.discount_rate)} a year.")


def details(row: pd.Series, cfg: Assumptions) -> None:
    """What would change the verdict, the split of the saving, the third path, the ops budget and the market check."""
    h = int(cfg.horizon_years)
    if isinstance(row.get("would_change"), str) and row["would_change"]:
        st.info(f"**{labels.field('would_change')}:** {safe(row['would_change'])}")
    st.caption(f"Money in today's dollars: every yearly cost discounted at {percent(cfg.discount_rate)} a year "
               "(discount rate, on Assumptions).")
    if not pd.isna(row["projected_savings_usd"]):
        shown = {k: md_text(v) for k, v in explain.split_figures(row).items()}  # one money style
        lines = ["| Part of the saving | Amount |", "|---|--:|"]
        lines += [f"| {PART_NAMES[p]} | {shown[p]} |" for p in PARTS]
        lines.append(f"| **{labels.field('projected_savings_usd')}** | **{shown['total']}** |")
        st.markdown("\n".join(lines))
        if not pd.isna(row.get("savings_with_ops_budget_usd")):
            st.caption(safe(f"With the owner's ops budget ({money(row['ops_budget_usd_per_year'])} a year) in place of "
                            f"our projected upkeep ({money(row['custom_maintenance_usd_per_year'])} a year), the saving "
                            f"would be {money(row['savings_with_ops_budget_usd'])} over {counted(h, 'year')} "
                            f"(ours: {money(row['projected_savings_usd'])})."))
    if row.get("claimed_regulatory") and not pd.isna(row.get("tco_self_hosted_usd")):
        role = "the comparison path" if bool(row.get("comparison_is_self_hosted")) else "shown beside the API path"
        st.caption(safe(f"Third path, {role}: a stock {cfg.stock_model_size_b:g}B open-weight model self-hosted with "
                        f"RAG costs {money(row['tco_self_hosted_usd'])} over {counted(h, 'year')} "
                        f"({counted(row['sh_replicas'], 'replica')} × {counted(row['sh_gpus_per_replica'], 'GPU')})."))
    market(row, cfg)


def market(row: pd.Series, cfg: Assumptions) -> None:
    """The custom path's serving cost per million output tokens beside what providers charge for that size."""
    band = market_bands()[int(row["market_band"])]
    at_volume = row["serving_usd_per_m_output_at_volume"]
    util = row["implied_utilization"]
    st.markdown("#### Market check")
    st.markdown("\n".join([
        "| Serving cost per million output tokens | Amount |", "|---|--:|",
        f"| Ours at full capacity (decode time, {percent(cfg.target_load_at_peak)} load at the peak) | "
        f"\\${row['serving_usd_per_m_output_full']:,.3f} |",
        "| Ours at this project's volume (replica floor included) | "
        + ("—" if pd.isna(at_volume) else f"\\${at_volume:,.2f}") + " |",
        f"| Market: {safe(band['model'])} | \\${band['low_usd_per_m_output']:,.2f}–"
        f"\\${band['high_usd_per_m_output']:,.2f} |",
    ]))
    util_text = "unknown (no volume)" if pd.isna(util) else percent(util)
    st.caption(safe(f"{row['model_size_b_used']:g}B model at {cfg.serving_precision.upper()}, "
                    f"{counted(row['gpus_per_replica'], 'GPU')} a replica, GPU ${gpu_hour_usd(cfg):,.2f} an hour "
                    f"({labels.label('choices', cfg.gpu_price_basis)}). Implied average GPU utilization: {util_text}. "
                    f"Market band: {band['source']}"))


def card_lines(row: pd.Series) -> list[str]:
    """Kill list card lines: the saving's largest part, an unpriced project's state, and what would change it."""
    lines = []
    if pd.isna(row["projected_savings_usd"]):
        lines.append(f"**{labels.label('money_status', 'needs_volume')}:** not priced; the custom path pays from "
                     f"{portfolio.calls_or_never(row['break_even_daily_calls'])} calls a day.")
    else:
        phrase = explain.largest_part_phrase(row)
        if phrase:
            lines.append(md_text(f"{phrase[0].upper()}{phrase[1:]} ({explain.split_line(row)})."))
    if isinstance(row.get("would_change"), str) and row["would_change"]:
        lines.append(f"**{labels.field('would_change')}:** {safe(row['would_change'])}")
    return lines
