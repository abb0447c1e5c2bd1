"""Server-side limits on every input, read from environment variables (never from a file a user can upload).

Each limit is generous for a real roadmap and small enough that a hostile file is refused before it can
cost the server much time or memory. Going over one gets one sentence that names the limit and its
setting. The README's Security section lists them; a test checks that it does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """One named limit: its environment variable, default, and the words used in messages."""

    env: str
    default: int
    what: str
    why: str

    @property
    def value(self) -> int:
        raw = os.environ.get(self.env, "").strip().replace("_", "")
        try:
            return int(raw) if raw else self.default
        except ValueError:
            return self.default


# Excel's own sheet limits (1,048,576 rows by 16,384 columns, 32,767 characters a cell; Microsoft,
# "Excel specifications and limits") bound what a spreadsheet export can hold, so they are the defaults
# where a spreadsheet is the source.
MAX_INPUT_BYTES = Limit("AIRR_MAX_INPUT_BYTES", 50_000_000, "bytes in a roadmap file",
                        "twice the upload limit of .streamlit/config.toml, for the command line")
MAX_ROWS = Limit("AIRR_MAX_ROWS", 1_048_576, "rows", "Excel's row limit")
MAX_COLUMNS = Limit("AIRR_MAX_COLUMNS", 16_384, "columns", "Excel's column limit (XFD)")
MAX_CELLS = Limit("AIRR_MAX_CELLS", 10_000_000, "cells (rows × columns)",
                  "about 100,000 projects of 100 columns; a 25 MB CSV holds at most about 12 million")
# openpyxl reads about 50,000 cells a second on the 2-core test machine under load (a sheet without a size
# tag is parsed twice, every shared string once more), so a workbook at this limit opens in about 5 s (the
# target is 10 s); MAX_CELLS (10 million) would take minutes.
MAX_XLSX_CELLS = Limit("AIRR_MAX_XLSX_CELLS", 250_000, "cells in a workbook (all its sheets)",
                       "about 10,000 projects of 25 columns; a workbook this size is read in about 5 seconds")
MAX_CELL_CHARS = Limit("AIRR_MAX_CELL_CHARS", 32_767, "characters in one cell", "Excel's cell limit")
MAX_XLSX_UNCOMPRESSED = Limit("AIRR_MAX_XLSX_UNCOMPRESSED_BYTES", 200_000_000, "bytes of a workbook once unzipped",
                              "about eight times the 25 MB upload limit; real workbooks compress 5-10 times")
MAX_XLSX_MEMBERS = Limit("AIRR_MAX_XLSX_MEMBERS", 2_000, "parts inside a workbook", "a workbook of 100 sheets has ~300")
MAX_FIGURE = Limit("AIRR_MAX_FIGURE", 10**15, "as the largest figure in a cell",
                   "a thousand trillion dollars or calls: above any real plan, far below where sums overflow")
MAX_YAML_BYTES = Limit("AIRR_MAX_YAML_BYTES", 262_144, "bytes in an assumptions file",
                       "the shipped assumptions written out are about 12 KB")
MAX_YAML_ALIASES = Limit("AIRR_MAX_YAML_ALIASES", 20, "aliases in an assumptions file",
                         "an assumptions file needs none; 20 aliases can stand for at most about 1,500 values, "
                         "while 81 made the 9-level bomb stand for 387 million")
MAX_YAML_DEPTH = Limit("AIRR_MAX_YAML_DEPTH", 20, "levels of nesting in an assumptions file",
                       "the file is two levels deep (group, key)")
RENDER_TIMEOUT_S = Limit("AIRR_RENDER_TIMEOUT_S", 60, "seconds to render the charts of a brief",
                         "four charts take about a second")
RENDER_MEMORY_MB = Limit("AIRR_RENDER_MEMORY_MB", 2_048, "megabytes of data memory for the chart renderer",
                         "a 100,000-point scatter needs about 480 MB; four brief charts about 100 MB")
MAX_EVIDENCE_BYTES = Limit("AIRR_MAX_EVIDENCE_BYTES", 2_000_000, "bytes in an evidence file",
                           "5,000 items with 100-character ids and three scores are about 600 KB")
MAX_EVIDENCE_ROWS = Limit("AIRR_MAX_EVIDENCE_ROWS", 5_000, "rows in an evidence file",
                          "the BCa interval's jackknife grows with the square of the items: 5,000 take about 5 s")

ALL = (MAX_INPUT_BYTES, MAX_ROWS, MAX_COLUMNS, MAX_CELLS, MAX_XLSX_CELLS, MAX_CELL_CHARS, MAX_XLSX_UNCOMPRESSED,
       MAX_XLSX_MEMBERS, MAX_FIGURE, MAX_YAML_BYTES, MAX_YAML_ALIASES, MAX_YAML_DEPTH, RENDER_TIMEOUT_S, RENDER_MEMORY_MB,
       MAX_EVIDENCE_BYTES, MAX_EVIDENCE_ROWS)


def over(limit: Limit, found: str, advice: str = "split the file") -> str:
    """The sentence for a file over a limit: what was found, the limit, what to do and the setting."""
    return (f"{found}, more than the limit of {limit.value:,} {limit.what}; {advice}, or ask the "
            f"administrator to raise {limit.env}.")


# What the review store keeps (core/retention.py); server-side settings like the limits above, listed apart because
# they bound the store rather than one input. 0 as the retention turns it off.
MAX_STORED_FILE_BYTES = Limit("AIRR_MAX_STORED_FILE_BYTES", 26_214_400, "bytes in a saved review's file",
                              "the app's upload limit (25 MB, .streamlit/config.toml); a larger file given to the "
                              "command line is read but not kept")
STORE_QUOTA_BYTES = Limit("AIRR_STORE_QUOTA_BYTES", 2_000_000_000, "bytes of saved review files in the store",
                          "80 files at the cap above, or about 6,000 roadmaps of 1,000 projects (about 300 KB each)")
RETENTION_DAYS = Limit("AIRR_RETENTION_DAYS", 400, "days a review file is kept after its last change",
                       "a year of quarterly reviews and one more quarter, so Compare can set a quarter against the same "
                       "quarter a year before")
STORE = (MAX_STORED_FILE_BYTES, STORE_QUOTA_BYTES, RETENTION_DAYS)

