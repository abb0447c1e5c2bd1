"""Property tests: a row's judgement never depends on other rows; no input makes the loader raise anything
but RoadmapError; every row is accounted for; exports never start a cell with a formula character; the fast
CSV reader agrees with the careful one."""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from unittest import mock

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import config, export, loader, portfolio, text
from core.loader import RoadmapError, load_roadmap
from core.parsing import parse_number

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CFG = config.defaults()

NUMBERS = ["", "n/a", "0", "1", "999", "9,999", "10,000", "12,000", "1.2M", "$450,000", "€300k", "250K", "~5000",
           "1.5 million", "-5", "lots", "2.9", "3", "6", "200", "201", "1,000,000", "5M", "(2,000)", "1e400"]
BOOLS = ["", "yes", "no", "y", "n", "x", "✓", "✗", "true", "0", "1", "maybe"]
TEXT = ["", "Ops", "Total", "# note", "=cmd", "HIPAA", "Zürich", "a;b|c\td", 'say "hi"', "  ", "-"]
CUSTOM = ["fine-tune", "FT", "LoRA", "custom model", "train from scratch", "in-house model", "distill"]
APPROACHES = [*CUSTOM, "API", "API + RAG", "prompting", "copilot", "", "quantum magic"]
COLUMNS = {
    "project_id": TEXT + ["X-1", "X-1"],
    "team": TEXT,
    "status": ["", "proposed", "in progress", "live", "WIP", "weird"],
    "spent_to_date_usd": NUMBERS,
    "training_examples": NUMBERS,
    "data_quality": ["", "low", "medium", "high", "poor", "?"],
    "build_months": NUMBERS,
    "build_cost_usd": NUMBERS,
    "ml_fte": NUMBERS,
    "ops_budget_usd_per_year": NUMBERS,
    "daily_calls": NUMBERS,
    "tokens_in_per_call": NUMBERS,
    "tokens_out_per_call": NUMBERS,
    "api_tier": ["", "small", "mid", "frontier", "premium", "xl"],
    "latency_target_ms": NUMBERS,
    "fm_coverage": ["", "none", "poor", "partial", "good", "no", "strong"],
    "eval_gap_verified": BOOLS,
    "rag_baseline_tried": BOOLS,
    "regulatory_control": BOOLS,
    "regulation": TEXT,
    "expected_annual_value_usd": NUMBERS,
}
HEADER = ["project", "approach", "description", *COLUMNS]
# Any text with line breaks and tabs; other control characters are left out because many of them make a whole
# file look binary, which is a judgement about the file, not about a row.
CELL = st.one_of(st.sampled_from(TEXT), st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc",), include_characters="\n\r\t"), max_size=12))


ROW = st.fixed_dictionaries({
    "project": st.one_of(st.sampled_from(["Claims bot", "Search", "Fraud model"]), CELL),
    "approach": st.sampled_from([*CUSTOM, *APPROACHES]),
    **{col: st.sampled_from(values) for col, values in COLUMNS.items()},
})
JUDGED = ["verdict", "task", "task_source", "build_trap_score", "flags", "justifications_claimed", "justifications_proven",
          "evidence_needed", "recommendation"]
MONEY = ["projected_savings_usd", "tco_custom_usd", "tco_api_rag_usd", "break_even_daily_calls"]


def _scored_by_tag(rows: list[dict[str, str]]) -> dict[str, pd.Series]:
    """Load and score rows written as one CSV; each scored row keyed by the tag in its description."""
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows([row[c] for c in HEADER] for row in rows)
    roadmap = load_roadmap(buf.getvalue().encode("utf-8"))
    assert roadmap.report.rows_read == len(rows)
    scored = portfolio.score(roadmap.projects, CFG)
    return {row["description"]: row for _, row in scored.iterrows()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, min_size=1, max_size=8), data=st.data())
def test_a_rows_verdict_score_and_savings_never_depend_on_other_rows(rows, data):
    tagged = [{**row, "description": f"row-{i}"} for i, row in enumerate(rows)]
    # Some of the rows, in another order (often a single row alone), against all of them together.
    picked = data.draw(st.lists(st.sampled_from(range(len(rows))), unique=True, min_size=1), label="picked")
    together = _scored_by_tag(tagged)
    apart = _scored_by_tag([tagged[i] for i in picked])
    for i in picked:
        tag = f"row-{i}"
        assert (tag in apart) == (tag in together), tag  # scored (or rejected) either way
        if tag not in apart:
            continue
        for col in JUDGED:
            a, b = apart[tag][col], together[tag][col]
            assert (pd.isna(a) and pd.isna(b)) or a == b, (tag, col)
        for col in MONEY:
            assert apart[tag][col] == pytest.approx(together[tag][col], rel=1e-12, nan_ok=True), (tag, col)


def _loads_or_refuses(data: bytes) -> None:
    try:
        roadmap = load_roadmap(data)
    except RoadmapError as exc:
        message = str(exc)
        assert message and "\n" not in message and "\r" not in message, repr(message)
        return
    report = roadmap.report
    assert report.rows_read == len(roadmap.projects) + len(report.rejected)
    assert roadmap.projects["approach"].notna().all()
    assert roadmap.projects["project_id"].is_unique


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_raise_anything_but_roadmap_error(data):
    _loads_or_refuses(data)


TOKENS = [",", ";", "|", "\t", "\n", "\r\n", '"', " ", "project", "approach", "Project Name", "Approach", "team",
          "budget", "fine-tune", "API", "LoRA", "1.2M", "$1,200", "€", "é", "✓", "#", "Total", "(", "[", "x", "\x00",
          "\ufeff", "=", "n/a", "1", "0"]


@FAST
@given(
    st.lists(st.sampled_from(TOKENS), max_size=60),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"]),
    st.booleans(),
)
def test_random_csv_text_never_raises_anything_but_roadmap_error(tokens, encoding, with_header):
    text = ("project,approach\n" if with_header else "") + "".join(tokens)
    _loads_or_refuses(text.encode(encoding, errors="replace"))


GRID_CELL = st.text(st.sampled_from(list('ab1 ,;"\'é\u2028\n')), max_size=8)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(GRID_CELL, min_size=3, max_size=3), min_size=1, max_size=5),
    st.text(st.sampled_from(list('",;\n\r x')), max_size=6),
    st.integers(0, 200),
)
def test_the_fast_csv_reader_agrees_with_the_careful_one(cells, noise, at):
    # Files whose lines all have the same width go through pyarrow's reader; the result must be what the
    # careful (pandas) reader gives, or the careful reader refuses a file the fast one could read.
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([["project", "approach", "team"], *cells])
    text = buf.getvalue()
    text = text[:at] + noise + text[at:]  # sometimes a stray quote or line break
    try:
        fast = load_roadmap(text.encode("utf-8"))
    except RoadmapError:
        fast = None
    with mock.patch.object(loader.read, "read_csv_arrow", return_value=None):
        try:
            careful = load_roadmap(text.encode("utf-8"))
        except RoadmapError:
            return
    assert fast is not None
    pd.testing.assert_frame_equal(fast.projects, careful.projects, check_dtype=False)
    pd.testing.assert_frame_equal(fast.report.rejected, careful.report.rejected, check_dtype=False)


ANY_CELL = st.text(max_size=20)


@FAST
@given(st.lists(st.lists(ANY_CELL, min_size=1, max_size=6), max_size=8), st.sampled_from([",", ";", "\t", "|"]))
def test_random_cells_load_score_and_export_safely(rows, delimiter):
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["Project", "Approach", "Budget", "Examples", "Eval gap verified", "Notes"])
    writer.writerows(rows)
    try:
        roadmap = load_roadmap(buf.getvalue().encode("utf-8"))
    except RoadmapError as exc:
        assert "\n" not in str(exc)
        return
    report = roadmap.report
    assert report.rows_read == len(roadmap.projects) + len(report.rejected)
    scored = portfolio.score(roadmap.projects, CFG)
    assert set(scored["verdict"]) <= {"kill", "prove", "keep", "ok", "out_of_scope"}
    score = scored["build_trap_score"]
    assert score[scored["judged"]].between(0, 100).all()
    assert (score.isna() == (scored["verdict"] == "out_of_scope")).all()
    assert (scored["projected_savings_usd"].notna() == scored["judged"]).all()
    for table in (export.machine_table(scored), report.rejected):
        for row in csv.reader(io.StringIO(export.to_csv(table))):
            assert not any(c[:1] in ("=", "+", "@", "\t", "\r", "\x00") for c in row), row


# Any text at all, control characters, bidi overrides and U+FFFE/F included, often led by a formula start
# behind a control character ("\x01=HYPERLINK(...)" was a live formula in every XLSX export, issue 17).
HOSTILE_TEXT = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=16),
    st.builds(lambda ctl, trigger, rest: ctl + trigger + rest,
              st.text(st.characters(codec="utf-8", categories=("Cc", "Cf")), min_size=1, max_size=3),
              st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n", "=HYPERLINK(\"http://e.x\",\"y\")"]),
              st.text(max_size=6)))
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


@settings(FAST, max_examples=60)
@given(st.lists(HOSTILE_TEXT, min_size=1, max_size=4), HOSTILE_TEXT)
def test_no_string_is_ever_a_formula_in_a_written_xlsx_or_csv(cells, header):
    frame = pd.DataFrame({header: pd.Series(cells, dtype=object), "n": range(len(cells))})
    wb = openpyxl.load_workbook(io.BytesIO(export.to_xlsx({"s": frame}, {"s": [(header, cells[0])]})))
    for cell in (c for row in wb["s"].iter_rows() for c in row):
        assert cell.data_type != "f", cell.value
        if isinstance(cell.value, str):
            assert not cell.value.startswith(TRIGGERS), cell.value
            assert cell.value == text.clean(cell.value), cell.value
    for row in csv.reader(io.StringIO(export.to_csv(frame))):
        for c in row:
            assert not c.startswith(TRIGGERS) and c == text.clean(c), c


@FAST
@given(st.lists(st.one_of(st.text(max_size=15), st.sampled_from(NUMBERS)), min_size=1, max_size=20))
def test_parse_number_returns_finite_numbers_or_flags(cells):
    values, bad = parse_number(pd.Series(cells, dtype="str"))
    assert len(values) == len(cells) == len(bad)
    for value, is_bad in zip(values, bad, strict=True):
        assert math.isnan(value) or math.isfinite(value)
        if is_bad:
            assert math.isnan(value)


def _slug_by_regex(names: list[str | None]) -> list[str | None]:
    """The id rule as one regex per name, the definition the loader's faster byte-level pass must match."""
    out: list[str | None] = []
    for name in names:
        if name is None:
            out.append(None)
            continue
        plain = unicodedata.normalize("NFKD", name) if not name.isascii() else name
        plain = re.sub("[\u0300-\u036f]+", "", plain).lower()
        out.append(re.sub("[^0-9a-z]+", "-", plain).strip("-") or "project")
    return out


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="aZ09 -_#.!Üüß€İKKé\u0301日本\t'\"", max_size=12)),
                min_size=1, max_size=8), st.integers(0, 2))
def test_slugs_match_the_regex_rule(names, start):
    series = pd.Series(names, dtype="str").iloc[min(start, len(names) - 1):]
    got = loader.slug(series).tolist()
    want = _slug_by_regex(series.tolist() if series.notna().all() else
                          [None if pd.isna(v) else v for v in series.tolist()])
    assert [None if pd.isna(v) else v for v in got] == want
