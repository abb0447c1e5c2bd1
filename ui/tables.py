"""Tables on the page: money grids that sort as numbers, and the CSV/XLSX buttons every table gets."""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from core import export
from core.numbers import BLANK, money_scale, money_scaled


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


def money_table(frame: pd.DataFrame, money_columns: list[str]) -> object:
    """A Styler that shows money as $1.2M and blanks as "—" while the numbers underneath still sort as money."""
    shown = frame.copy()
    for col in shown.columns:
        if col not in money_columns and (shown[col].dtype == object or pd.api.types.is_string_dtype(shown[col].dtype)):
            # Streamlit shows missing text as "None"; a dash (explained in the column help) reads as unknown.
            shown[col] = shown[col].fillna(BLANK)
    # One money style for the whole table, chosen from its largest figure ($4.8M beside $0.1M; never $52,560
    # beside $4.5M, nor $739K in one column beside $1.1M in the next).
    present = [c for c in money_columns if c in shown.columns]
    scale = money_scale(pd.concat([shown[c] for c in present]) if present else [])
    return shown.style.format({c: (lambda v: money_scaled(v, scale)) for c in present})


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
