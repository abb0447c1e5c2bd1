"""Deterministic generator of messy roadmaps, as a spreadsheet export would write them.

`python -m benchmarks.generate ROWS OUT.csv [--seed N]`

The file is what the loader meets in real life (SPEC §2), so the benchmark times the slow paths too:
title-case headers with units, money written half a dozen ways, yes/no as words and marks, approaches
as synonyms, about 5% blank cells, and a few rows that are not projects (blank lines, notes rows and a
trailing totals row). ROWS counts every data line under the header, rejected ones included, so the
per-row figures of the benchmark divide by what the loader actually reads.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HEADERS = (
    "Project Name", "Business Unit", "Approach", "Training Examples", "Build Cost ($)", "Opex ($/yr)",
    "Calls Per Day", "Latency SLA (ms)", "FM Coverage", "Eval Gap Verified", "RAG Baseline Tried",
    "Regulatory Control", "Regulation", "Expected Annual Value ($)", "Status", "Quarter", "Data Quality",
    "Build Time (months)", "ML Engineers",
)
DEFAULT_SEED = 4
BLANK_RATE = 0.05
# One row that is not a project every REJECT_EVERY lines keeps rejects "a few" at every size
# while still exercising the reject path proportionally.
REJECT_EVERY = 5_000

# Names are built from parts plus a running number, so they look real and stay unique.
_DOMAINS = ("Claims", "Invoice", "Résumé", "Contract", "Support ticket", "Fraud", "Churn", "Search, ranking",
            "Supplier risk", "Patient intake", "Mortgage document", "KYC", "Warranty", "Field service",
            "Marketing copy", "Product catalog", "Call centre", "Legal hold", "Pricing", "Demand")
_TASKS = ("triage", "matching", "screening", "summarizer", "extraction", "classifier", "router", "assistant",
          "drafting", "forecast narrative", "Q&A", "enrichment", "redaction", "scoring")
_KINDS = ("model", "LLM", "bot", "copilot", "engine", "pipeline", "tool")
_TEAMS = ("Finance", "People", "Customer Care", "Supply Chain", "Sales", "Legal", "Risk", "Marketing",
          "E-commerce", "Operations", "Retail Banking", "Wealth", "Claims", "IT", "Procurement", "Field Ops",
          "Compliance", "Data Platform", "Pharmacy", "Logistics")
# (written form, weight): custom builds dominate, as on the roadmaps this tool is for.
_APPROACHES = (
    ("Fine-tune", 12), ("fine tuning", 5), ("FT", 3), ("LoRA", 6), ("custom model", 6), ("Custom LLM", 3),
    ("proprietary model", 2), ("train from scratch", 3), ("Pretrain", 1), ("in-house model", 3), ("distill", 2),
    ("FINE-TUNE", 2), ("API", 6), ("GPT-4 API", 5), ("vendor", 3), ("buy", 2), ("RAG", 4), ("API + RAG", 8),
    ("prompting", 4), ("prompt engineering", 3), ("off-the-shelf", 2), ("Copilot", 2),
)
_YES = ("Yes", "yes", "Y", "y", "x", "TRUE", "1", "✓")
_NO = ("No", "no", "N", "n", "FALSE", "0", "✗")
_COVERAGE = ("None", "Poor", "Partial", "Good", "some", "strong", "GOOD", "partial")
_STATUS = ("Proposed", "Planned", "In progress", "Pilot", "Live", "in production", "Backlog")
_QUALITY = ("Low", "Medium", "High", "med", "good", "poor", "HIGH")
_REGULATIONS = ("HIPAA", "PCI DSS", "EU AI Act", "GDPR", "SOX", "FINRA")
_NOTES = ("Note: figures are estimates, see the finance workbook", "Draft - do not circulate",
          "Numbers in USD unless stated", "Updated after the Q3 steering committee")


@dataclass(frozen=True)
class Roadmap:
    """What was written: a path and how many data lines, projects and non-project rows it holds."""

    path: Path
    rows: int
    projects: int
    rejected: int


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    # Volumes and data sizes span orders of magnitude; a log-uniform draw gives every decade a share.
    return low * (high / low) ** rng.random()


def _money(rng: random.Random, value: float) -> str:
    """One amount in one of the ways people type money into a spreadsheet."""
    v = round(value, -4)
    form = rng.randrange(10)
    if form == 0:
        return f"${v:,.0f}"
    if form == 1:
        return f"{v:.0f}"
    if form == 2:
        return f"{v / 1e3:g}K"
    if form == 3:
        return f"{v / 1e6:.2g}M"
    if form == 4:
        return f"€{v / 1e3:g}k"
    if form == 5:
        return f"{v:,.0f}"
    if form == 6:
        return f"~{v:.0f}"
    if form == 7:
        return f"USD {v:,.0f}"
    if form == 8:
        return f"{v / 1e6:.2g} million"
    return rng.choice(("n/a", "TBD", f"${v:,.0f}"))


def _count(rng: random.Random, value: float) -> str:
    """A count as typed: '12,000', '12000', '~12000', '12k', '1.2M'."""
    n = int(round(value, -2)) if value >= 1000 else int(value)
    form = rng.randrange(5)
    if form == 0:
        return f"{n:,}"
    if form == 1:
        return str(n)
    if form == 2:
        return f"~{n}"
    if form == 3 and n >= 1000:
        return f"{n / 1e3:g}k"
    if n >= 1_000_000:
        return f"{n / 1e6:.2g}M"
    return f"{n:,}"


def _yes_no(rng: random.Random, p_yes: float) -> str:
    return rng.choice(_YES) if rng.random() < p_yes else rng.choice(_NO)


def _blank(rng: random.Random, cell: str) -> str:
    # About 5% of the optional cells are left empty, as in any real planning sheet.
    return "" if rng.random() < BLANK_RATE else cell


def _project_row(rng: random.Random, number: int) -> list[str]:
    """One project: name and approach always filled (they are required), everything else maybe blank."""
    name = f"{rng.choice(_DOMAINS)} {rng.choice(_TASKS)} {rng.choice(_KINDS)} #{number}"
    approach = rng.choices([a for a, _ in _APPROACHES], weights=[w for _, w in _APPROACHES])[0]
    regulated = rng.random() < 0.08
    optional = [
        rng.choice(_TEAMS),
        _count(rng, _log_uniform(rng, 200, 2_000_000)),
        _money(rng, rng.uniform(50_000, 3_000_000)),
        _money(rng, rng.uniform(10_000, 500_000)),
        _count(rng, _log_uniform(rng, 100, 5_000_000)),
        f"{rng.randrange(200, 5000, 50)}" + rng.choice(("", "", " ms")),
        rng.choice(_COVERAGE),
        _yes_no(rng, 0.15),
        _yes_no(rng, 0.25),
        _yes_no(rng, 0.9 if regulated else 0.03),
        rng.choice(_REGULATIONS) if regulated else "",
        _money(rng, rng.uniform(100_000, 5_000_000)),
        rng.choice(_STATUS),
        rng.choice(("2027-Q{}", "Q{} 2027", "FY27 Q{}")).format(rng.randint(1, 4)),
        rng.choice(_QUALITY),
        rng.choice(("{}", "{} months", "{}")).format(rng.choice((2, 3, 4, 4.5, 6, 8, 9, 12, 14))),
        rng.choice(("1", "2", "2", "3", "1.5", "4", "3 FTE", "5")),
    ]
    cells = [_blank(rng, c) for c in optional]
    return [name, cells[0], approach, *cells[1:]]


def _reject_row(rng: random.Random, kind: int) -> list[str]:
    """A line that is not a project: a blank line or a notes row, alternately."""
    if kind % 2 == 0:
        return []
    return [rng.choice(_NOTES)] + [""] * (len(HEADERS) - 1)


def _totals_row(projects: int) -> list[str]:
    cells = [""] * len(HEADERS)
    cells[0] = "Total"
    cells[HEADERS.index("Build Cost ($)")] = f"${projects * 1_525_000:,}"
    return cells


def _reject_step(rows: int) -> int:
    # Small files still get a blank line and a notes row; big ones one non-project every REJECT_EVERY lines.
    return min(REJECT_EVERY, max(rows // 3, 2))


def projects_in(rows: int) -> int:
    """How many projects a roadmap of `rows` data lines holds (the rest are rejects and the totals row)."""
    return rows - 1 - (rows - 1) // _reject_step(rows)


def rows_for(projects: int) -> int:
    """The fewest data lines whose roadmap holds exactly `projects` projects (or, failing that, just more)."""
    candidates = range(projects + 1, 2 * projects + 3)
    exact = [rows for rows in candidates if projects_in(rows) == projects]
    return exact[0] if exact else next(rows for rows in candidates if projects_in(rows) >= projects)


def _lines(rows: int, seed: int) -> Iterator[tuple[bool, list[str]]]:
    """(is_project, cells) for each data line; the last line is always a totals row."""
    rng = random.Random(seed)
    step = _reject_step(rows)
    number = 0
    for index in range(1, rows):
        if index % step == 0:
            yield False, _reject_row(rng, index // step)
        else:
            number += 1
            yield True, _project_row(rng, number)
    yield False, _totals_row(number)


def generate(rows: int, path: Path, seed: int = DEFAULT_SEED) -> Roadmap:
    """Write a messy roadmap of `rows` data lines to `path` (same rows and seed: same bytes)."""
    if rows < 2:
        raise ValueError("a roadmap needs at least 2 data lines (one project and the totals row)")
    projects = 0
    # utf-8-sig and CRLF: what Excel's "CSV UTF-8" export writes.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        for is_project, cells in _lines(rows, seed):
            projects += is_project
            writer.writerow(cells)
    return Roadmap(path=path, rows=rows, projects=projects, rejected=rows - projects)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int, help="data lines under the header (projects plus a few rejects)")
    parser.add_argument("out", type=Path, help="CSV file to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    r = generate(args.rows, args.out, args.seed)
    print(f"{r.path}: {r.rows:,} rows ({r.projects:,} projects, {r.rejected:,} not projects)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
