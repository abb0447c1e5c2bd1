"""The roadmap loader: dialects, encodings, headers, value forms, rejected rows and unusable files (SPEC §2)."""

from __future__ import annotations

import io
import math
import re
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import (
    FIXTURES,
    SAMPLES,
    csv_text,
    is_one_sentence,
    load_one,
    load_rows,
    rewrite_member,
    row_cells,
    xlsx_bytes,
)

from core.loader import RoadmapError, load_roadmap

# ---------------------------------------------------------------------------------------------------------------
# messy_roadmap.csv, line by line against messy_roadmap.expected.txt
# ---------------------------------------------------------------------------------------------------------------

MESSY = FIXTURES / "messy_roadmap.csv"
APPROACH_WORD = re.compile(r"^(fine_tune|from_scratch|api_rag|api|prompting)\b")
REJECT_REASON = {
    "title": r"above the header",
    "blank": r"blank",
    "notes": r"note|approach",
    "reject_missing_project": r"project name is blank",
    "reject_unknown_approach": r"approach not recognized",
    "total": r"total",
}


def _expected_lines() -> list[tuple[int, str, str]]:
    out = []
    for line in (FIXTURES / "messy_roadmap.expected.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        number, kind, note = line.split("\t")
        out.append((int(number), kind, note))
    return out


@pytest.fixture(scope="module")
def messy():
    return load_roadmap(MESSY)


def test_messy_file_facts(messy):
    report = messy.report
    assert report.encoding == "cp1252"
    assert report.delimiter == ";"
    assert report.header_row == 3
    physical_lines = MESSY.read_bytes().count(b"\r\n")
    assert physical_lines == 20
    # Every line except the header is an input row: 12 scored + 7 rejected.
    assert report.rows_read == physical_lines - 1 == 19
    assert len(messy.projects) == 12
    assert len(report.rejected) == 7
    assert report.rows_read == report.scored_rows + len(report.rejected)
    assert report.scored_rows == len(messy.projects)


@pytest.mark.parametrize(("line", "kind", "note"), _expected_lines(), ids=lambda v: str(v)[:20])
def test_every_messy_line_is_scored_or_rejected_as_expected(messy, line, kind, note):
    scored_rows = set(messy.projects["row"])
    rejected = messy.report.rejected.set_index("row")
    if kind == "header":
        assert line not in scored_rows and line not in rejected.index
    elif kind == "project":
        assert line in scored_rows and line not in rejected.index
        project = messy.projects.set_index("row").loc[line]
        assert project["approach"] == APPROACH_WORD.match(note).group(1)
    else:
        assert line not in scored_rows
        assert re.search(REJECT_REASON[kind], rejected.loc[line, "reason"], re.IGNORECASE), rejected.loc[line].to_dict()


def test_messy_values_described_in_the_expected_file(messy):
    raw_lines = MESSY.read_bytes().decode("cp1252").split("\r\n")
    header = [h.strip() for h in raw_lines[2].split(";")]
    column = {"budget": ("Budget (USD)", "build_cost_usd"), "examples": ("Labeled Examples", "training_examples")}
    projects = messy.projects.set_index("row")
    checked = 0
    for line, _kind, note in _expected_lines():
        for what, text, value in re.findall(r"(budget|examples) '([^']*)'(?: \([^)]*\))? = (\w+)", note):
            header_name, canonical = column[what]
            assert raw_lines[line - 1].split(";")[header.index(header_name)] == text
            parsed = projects.loc[line, canonical]
            assert math.isnan(parsed) if value == "unknown" else parsed == float(value)
            checked += 1
        if "examples blank" in note:
            assert math.isnan(projects.loc[line, "training_examples"])
    assert checked == 8


def test_messy_totals_row_equals_the_sum_of_the_project_budgets(messy):
    # The fixture's totals row sums the 12 budgets (n/a as 0): every money form was read right.
    assert messy.projects["build_cost_usd"].sum() == 6_910_000


def test_messy_cp1252_text_and_unknown_column(messy):
    projects = messy.projects.set_index("row")
    assert projects.loc[5, "project"] == "Résumé screening assistant"
    assert projects.loc[5, "build_cost_usd"] == 300_000
    assert messy.report.unrecognized == ["Some Unknown Column"]
    assert projects.loc[4, "Some Unknown Column"] == "Tier 2"
    assert messy.report.mapping["Build Time [months]"] == "build_months"
    assert messy.report.mapping["Project Name"] == "project"


def test_messy_duplicate_name_is_reported_and_both_rows_kept(messy):
    assert len(messy.report.duplicates) == 1
    assert "Invoice matching model" in messy.report.duplicates[0]
    assert re.search(r"\b4\b.*\b17\b", messy.report.duplicates[0])
    dup = messy.projects[messy.projects["project"] == "Invoice matching model"]
    assert list(dup["row"]) == [4, 17]
    assert dup["project_id"].nunique() == 2
    assert messy.projects["project_id"].is_unique


def test_messy_rejected_rows_carry_column_and_value(messy):
    rejected = messy.report.rejected.set_index("row")
    assert list(messy.report.rejected.columns) == ["row", "column", "value", "reason"]
    assert rejected.loc[19, "column"] == "approach" and rejected.loc[19, "value"] == "quantum magic"
    assert rejected.loc[20, "value"] == "Total"
    assert rejected.loc[18, "column"] == "project"


# ---------------------------------------------------------------------------------------------------------------
# Dialects and encodings
# ---------------------------------------------------------------------------------------------------------------

ROWS = [
    {"Project": "Zürich claims bot", "Approach": "LoRA", "Build Cost": "$1,200,000", "Daily Calls": "20,000"},
    {"Project": "Café search", "Approach": "API + RAG", "Build Cost": "€300k", "Daily Calls": "1.5M"},
]


def _check_rows(projects: pd.DataFrame) -> None:
    assert projects["project"].tolist() == ["Zürich claims bot", "Café search"]
    assert projects["approach"].tolist() == ["fine_tune", "api_rag"]
    assert projects["build_cost_usd"].tolist() == [1_200_000, 300_000]
    assert projects["daily_calls"].tolist() == [20_000, 1_500_000]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_sniffed(delimiter):
    roadmap = load_roadmap(csv_text(ROWS, delimiter=delimiter).encode("utf-8"))
    assert roadmap.report.delimiter == delimiter
    _check_rows(roadmap.projects)


@pytest.mark.parametrize(
    ("encoding", "prefix", "reported"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("utf-16", b"", "utf-16"),  # Python writes a byte-order mark, as Excel does
        ("utf-16-be", b"\xfe\xff", "utf-16"),
        ("utf-16-le", b"", "utf-16-le"),  # no byte-order mark at all
        ("cp1252", b"", "cp1252"),
    ],
)
def test_encodings(encoding, prefix, reported):
    data = prefix + csv_text(ROWS, delimiter=";").encode(encoding)
    roadmap = load_roadmap(data)
    assert roadmap.report.encoding == reported
    _check_rows(roadmap.projects)


def test_crlf_line_endings_and_quoted_cells():
    text = 'project,approach,description\r\n"Bot, v2",FT,"says ""hi"""\r\n'
    projects = load_roadmap(text.encode()).projects
    assert projects["project"].tolist() == ["Bot, v2"]
    assert projects["description"].tolist() == ['says "hi"']


@pytest.mark.parametrize("name", ["utf16_roadmap.csv", "pipe_roadmap.csv"])
def test_fixture_dialects(name):
    roadmap = load_roadmap(FIXTURES / name)
    assert len(roadmap.projects) == 5
    assert roadmap.report.rejected.empty
    assert roadmap.projects["approach"].notna().all()
    assert (roadmap.projects["build_cost_usd"].dropna() > 0).all()


def test_utf16_fixture_values():
    projects = load_roadmap(FIXTURES / "utf16_roadmap.csv").projects
    assert projects["project"].iloc[1] == "Zürich branch FAQ bot"
    assert projects["build_cost_usd"].tolist()[:3] == [400_000, 90_000, 1_100_000]
    assert projects["build_cost_usd"].iloc[4] == 250_000  # €250k
    assert projects["status"].tolist() == ["proposed", "live", "in_progress", "live", "proposed"]


def test_pipe_fixture_is_cp1252():
    roadmap = load_roadmap(FIXTURES / "pipe_roadmap.csv")
    assert roadmap.report.delimiter == "|"
    assert roadmap.report.encoding == "cp1252"
    assert roadmap.projects["project"].iloc[0] == "Analyseur de CV (résumé parser)"
    assert roadmap.projects["daily_calls"].iloc[1] == 3_000_000


# ---------------------------------------------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------------------------------------------


def test_header_synonyms_with_units_case_and_punctuation():
    row = {
        "Initiative": "Claims triage", "Build Approach": "custom model", "Business Unit": "Claims",
        "Build Time (months)": "7", "ML Headcount": "3", "BUDGET [USD]": "450K", "Labeled_Examples": "~5000",
        "Ops Budget ($/yr)": "60k", "calls-per-day": "12,000", "Latency SLA (ms)": "150", "Spent To Date ($)": "$10k",
        "FM Coverage": "poor", "Eval Gap Verified": "✓", "RAG baseline tried": "✗", "Regulated": "x",
        "Regulation": "HIPAA", "Expected Annual Value ($)": "1.5 million", "Tier": "Frontier", "Stage": "WIP",
    }
    roadmap = load_rows(row)
    p = roadmap.projects.iloc[0]
    assert roadmap.report.unrecognized == []
    assert (p["project"], p["approach"], p["team"]) == ("Claims triage", "fine_tune", "Claims")
    assert (p["build_months"], p["ml_fte"], p["build_cost_usd"]) == (7, 3, 450_000)
    assert (p["training_examples"], p["ops_budget_usd_per_year"], p["daily_calls"]) == (5_000, 60_000, 12_000)
    assert (p["latency_target_ms"], p["spent_to_date_usd"], p["expected_annual_value_usd"]) == (150, 10_000, 1_500_000)
    assert (p["fm_coverage"], p["api_tier"], p["status"], p["regulation"]) == ("poor", "frontier", "in_progress", "HIPAA")
    assert bool(p["eval_gap_verified"]) is True
    assert bool(p["rag_baseline_tried"]) is False
    assert bool(p["regulatory_control"]) is True


def test_unknown_columns_are_kept_and_shown():
    roadmap = load_rows(row_cells(**{"Cost Centre": "CC-1", "Sponsor Mood": "happy"}))
    assert roadmap.report.unrecognized == ["Cost Centre", "Sponsor Mood"]
    assert roadmap.projects.iloc[0]["Sponsor Mood"] == "happy"


def test_first_header_claiming_a_column_wins():
    roadmap = load_roadmap(b"project,approach,budget,build cost\nA,FT,100,200\n")
    assert roadmap.projects.iloc[0]["build_cost_usd"] == 100
    assert roadmap.report.unrecognized == ["build cost"]


def test_mapping_override_names_a_column_the_synonyms_miss():
    data = b"Initiative Title,Approach\nRouter,API\n"
    with pytest.raises(RoadmapError):
        load_roadmap(data)
    roadmap = load_roadmap(data, mapping={"Initiative Title": "project"})
    assert roadmap.projects["project"].tolist() == ["Router"]
    assert roadmap.report.mapping == {"Initiative Title": "project", "Approach": "approach"}


def test_mapping_override_to_blank_keeps_a_column_unrecognized():
    data = b"project,approach,budget\nA,FT,100\n"
    roadmap = load_roadmap(data, mapping={"budget": ""})
    assert math.isnan(roadmap.projects.iloc[0]["build_cost_usd"])
    assert roadmap.report.unrecognized == ["budget"]


def test_title_rows_above_the_header_are_listed_not_dropped():
    data = b"FY27 roadmap\nDraft, do not share\n\nproject,approach\nA,FT\n"
    roadmap = load_roadmap(data)
    assert roadmap.report.header_row == 4
    rejected = roadmap.report.rejected
    assert rejected["row"].tolist() == [1, 2, 3]
    assert rejected["reason"].str.contains("title or note").tolist() == [True, True, False]
    assert "blank" in rejected["reason"].iloc[2]
    assert roadmap.report.rows_read == 4 == roadmap.report.scored_rows + len(rejected)
    assert roadmap.projects["row"].tolist() == [5]


# ---------------------------------------------------------------------------------------------------------------
# Rows that cannot be projects
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (",,", "blank row"),
        ("# a comment,FT", "comment row"),
        ("Total,", "totals row"),
        ("Grand total,,", "totals row"),
        ("Subtotal,", "totals row"),
        ("Sum,,", "totals row"),
        ("Note: figures are estimates,", "only one cell"),
        (",FT,Ops", "project name is blank"),
        ("Router,,Ops", "approach is blank"),
        ("Router,quantum magic", "approach not recognized"),
    ],
)
def test_rows_that_cannot_be_projects_are_rejected_with_a_reason(line, reason):
    data = f"project,approach,team\nGood,FT,Ops\n{line}\nAlso good,API,Ops\n".encode()
    roadmap = load_roadmap(data)
    assert roadmap.projects["project"].tolist() == ["Good", "Also good"]
    rejected = roadmap.report.rejected
    assert rejected["row"].tolist() == [3]
    assert reason in rejected["reason"].iloc[0]
    assert roadmap.report.rows_read == 3


def test_a_project_named_total_with_an_approach_is_kept():
    roadmap = load_roadmap(b"project,approach\nTotal recall search,RAG\n")
    assert roadmap.projects["project"].tolist() == ["Total recall search"]


def test_unreadable_and_negative_values_are_warnings_and_unknown():
    roadmap = load_rows(row_cells(training_examples="lots", build_cost_usd="-5000", data_quality="purple"))
    p = roadmap.projects.iloc[0]
    assert math.isnan(p["training_examples"]) and math.isnan(p["build_cost_usd"]) and pd.isna(p["data_quality"])
    warned = roadmap.report.warnings.set_index("column")
    assert set(warned.index) == {"training_examples", "build_cost_usd", "data_quality"}
    assert warned.loc["training_examples", "value"] == "lots"
    assert "not negative" in warned.loc["build_cost_usd", "reason"]
    assert "low, medium" in warned.loc["data_quality", "reason"] or "high" in warned.loc["data_quality", "reason"]
    assert roadmap.report.rejected.empty


# ---------------------------------------------------------------------------------------------------------------
# Ids and duplicates
# ---------------------------------------------------------------------------------------------------------------


def test_ids_are_slugs_of_names_when_absent():
    roadmap = load_rows(row_cells(project="Claims Triage (v2)!"), row_cells(project="Ünïcode bot"))
    assert roadmap.projects["project_id"].tolist() == ["claims-triage-v2", "unicode-bot"]


def test_given_ids_are_kept_and_duplicates_get_a_suffix():
    roadmap = load_rows(row_cells(project="A", project_id="X-1"), row_cells(project="B", project_id="X-1"),
                        row_cells(project="C", project_id=""))
    assert roadmap.projects["project_id"].tolist() == ["X-1", "X-1-2", "c"]
    assert any("X-1" in d and "2, 3" in d for d in roadmap.report.duplicates)


def test_generated_ids_stay_unique_when_a_suffix_is_already_a_name():
    roadmap = load_rows(row_cells(project="A"), row_cells(project="A"), row_cells(project="A 2"))
    ids = roadmap.projects["project_id"].tolist()
    assert len(set(ids)) == 3
    assert ids[0] == "a"


def test_duplicate_names_ignore_case_and_spaces():
    roadmap = load_rows(row_cells(project="Chat bot"), row_cells(project="chat BOT "))
    assert len(roadmap.report.duplicates) == 1


# ---------------------------------------------------------------------------------------------------------------
# Sources: paths, bytes, file objects, XLSX
# ---------------------------------------------------------------------------------------------------------------


def test_sources_path_str_bytes_and_file_objects_agree():
    path = SAMPLES / "template.csv"
    by_path = load_roadmap(path)
    by_str = load_roadmap(str(path))
    by_bytes = load_roadmap(path.read_bytes(), name="mine.csv")
    by_buffer = load_roadmap(io.BytesIO(path.read_bytes()))
    with path.open("rb") as fh:
        by_file = load_roadmap(fh)
    for other in (by_str, by_bytes, by_buffer, by_file):
        pd.testing.assert_frame_equal(other.projects, by_path.projects)
    assert by_path.report.source == "template.csv"
    assert by_bytes.report.source == "mine.csv"


def test_template_comment_row_is_rejected_and_examples_load():
    roadmap = load_roadmap(SAMPLES / "template.csv")
    assert roadmap.projects["project_id"].tolist() == ["EX-001", "EX-002"]
    assert roadmap.report.rejected["reason"].str.contains("comment").tolist() == [True]


@pytest.mark.parametrize("name", ["bank.csv", "hospital_network.csv", "retailer.csv", "retailer.xlsx"])
def test_sample_portfolios_load_cleanly(name):
    roadmap = load_roadmap(SAMPLES / name)
    assert len(roadmap.projects) >= 20
    assert roadmap.report.rejected.empty
    assert roadmap.report.warnings.empty
    assert roadmap.report.unrecognized == []
    assert roadmap.projects["approach"].notna().all()


def test_xlsx_sample_reads_like_its_csv_twin():
    a = load_roadmap(SAMPLES / "retailer.csv").projects
    b = load_roadmap(SAMPLES / "retailer.xlsx").projects
    cols = ["project_id", "project", "approach", "status", "training_examples", "build_cost_usd", "daily_calls",
            "eval_gap_verified", "expected_annual_value_usd", "fm_coverage"]
    pd.testing.assert_frame_equal(a[cols], b[cols])


def test_xlsx_picks_the_sheet_with_a_roadmap_header():
    roadmap = load_roadmap(FIXTURES / "two_sheets.xlsx")
    assert roadmap.report.sheet == "Roadmap"
    assert len(roadmap.projects) == 6
    assert roadmap.projects["build_cost_usd"].tolist() == [450_000, 60_000, 1_200_000, 90_000, 350_000, 900_000]
    assert load_roadmap(FIXTURES / "two_sheets.xlsx", sheet="Roadmap").report.sheet == "Roadmap"


def test_xlsx_typed_cells(tmp_path: Path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Project", "Approach", "Training Examples", "Build Cost", "Eval Gap Verified", "ML FTE"])
    ws.append(["Typed", "Fine-tune", 12000, 1.5e6, True, 2.5])
    ws.append(["Empty cells", "API", None, None, None, None])
    path = tmp_path / "typed.xlsx"
    wb.save(path)
    projects = load_roadmap(path).projects
    assert projects["training_examples"].iloc[0] == 12_000
    assert projects["build_cost_usd"].iloc[0] == 1_500_000
    assert projects["ml_fte"].iloc[0] == 2.5
    assert bool(projects["eval_gap_verified"].iloc[0]) is True
    assert math.isnan(projects["training_examples"].iloc[1])
    assert pd.isna(projects["eval_gap_verified"].iloc[1])


def test_cells_past_a_line_break_inside_quotes_are_not_lost():
    # The quick width count reads a quoted line break as a row end; the extra cells must survive.
    data = b'project,approach\nA,FT,"long\nnote, with comma",extra\n'
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        roadmap = load_roadmap(data)
    p = roadmap.projects.iloc[0]
    assert roadmap.report.unrecognized == ["column 3", "column 4"]
    assert p["column 3"] == "long\nnote, with comma"
    assert p["column 4"] == "extra"


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\u2028"])
def test_line_breaks_inside_quoted_cells_do_not_fool_the_delimiter_sniffer(line_break):
    # Three notes full of semicolons spread over two lines each, against a header and one plain row.
    note = f'"Steps:{line_break};;;;;;;;;;;;;;;;;;"'
    lines = ["project,approach,description"] + [f"P{i},FT,{note}" for i in range(3)] + ["Q,API,plain"]
    roadmap = load_roadmap("\n".join(lines).encode())
    assert roadmap.report.delimiter == ","
    assert roadmap.projects["project"].tolist() == ["P0", "P1", "P2", "Q"]
    assert roadmap.projects["description"].iloc[0].startswith("Steps:")


@pytest.mark.parametrize("first", ["A", 'Tablet 10" screen'])
def test_an_unclosed_quote_never_swallows_the_rows_after_it(first):
    data = f'project,approach,description\n{first},FT,x\nB,FT,"unclosed\nC,API,y\nD,API,z\n'.encode()
    try:
        roadmap = load_roadmap(data)
    except RoadmapError as exc:
        assert is_one_sentence(str(exc))
        return
    seen = set(roadmap.projects["project"]) | set(roadmap.report.rejected["value"])
    assert {"C", "D"} <= seen


def test_a_stray_nul_in_one_cell_does_not_make_the_file_unusable():
    text = "project,approach,team\nBad\x00name,FT,Ops\n" + "".join(f"P{i},API,Ops\n" for i in range(10))
    roadmap = load_roadmap(text.encode())
    assert len(roadmap.projects) == 11
    assert roadmap.projects["project"].iloc[0] == "Badname"  # control characters are removed where text enters


def test_a_late_row_wider_than_the_header_keeps_its_cells():
    lines = ["project,approach"] + [f"p{i},api" for i in range(250)] + ["late,api,extra one,extra two"]
    roadmap = load_roadmap("\n".join(lines).encode())
    assert len(roadmap.projects) == 251
    assert roadmap.projects.iloc[-1]["column 4"] == "extra two"


# ---------------------------------------------------------------------------------------------------------------
# Unusable files: one sentence, never a traceback
# ---------------------------------------------------------------------------------------------------------------


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "not a workbook")
    return buf.getvalue()


UNUSABLE_FIXTURES = ["empty.csv", "header_only.csv", "binary.csv", "image.csv", "no_project_column.csv"]
UNUSABLE_BYTES = {
    "whitespace": (b"  \n\n \r\n", None),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, None),
    "gzip": (b"\x1f\x8b\x08\x00" + b"\x00" * 32, None),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", None),
    "jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF", None),
    "gif": (b"GIF89a\x01\x00", None),
    "zip that is not xlsx": (_zip_bytes(), None),
    "csv named .xlsx": (b"project,approach\nA,FT\n", "roadmap.xlsx"),
    "truncated xlsx": ((FIXTURES / "two_sheets.xlsx").read_bytes()[:300], None),
    "odd utf-16": (b"\xff\xfep\x00r\x00o", None),
    "no approach column": (b"project,team\nA,Ops\n", None),
    "title then nothing": (b"FY27 roadmap\n\nproject,approach\n", None),
    "header with a line break": (b'"Cost\ncentre",Amount\nCC-1,5\n', None),
}


@pytest.mark.parametrize("name", UNUSABLE_FIXTURES)
def test_unusable_fixture_raises_one_sentence(name):
    with pytest.raises(RoadmapError) as info:
        load_roadmap(FIXTURES / name)
    assert is_one_sentence(str(info.value)), str(info.value)


@pytest.mark.parametrize("case", list(UNUSABLE_BYTES))
def test_unusable_bytes_raise_one_sentence(case):
    data, name = UNUSABLE_BYTES[case]
    with pytest.raises(RoadmapError) as info:
        load_roadmap(data, name=name)
    assert is_one_sentence(str(info.value)), str(info.value)


def test_unusable_messages_say_what_was_wrong():
    def message(source, **kwargs) -> str:
        with pytest.raises(RoadmapError) as info:
            load_roadmap(source, **kwargs)
        return str(info.value)

    assert "empty" in message(FIXTURES / "empty.csv")
    assert "no project rows" in message(FIXTURES / "header_only.csv")
    assert "PNG image" in message(FIXTURES / "image.csv")
    assert "binary" in message(FIXTURES / "binary.csv")
    no_project = message(FIXTURES / "no_project_column.csv")
    assert "Date, Amount, Vendor" in no_project and "'project'" in no_project
    assert ".xls" in message(UNUSABLE_BYTES["xls"][0])
    assert "approach" in message(b"project,team\nA,Ops\n")


@pytest.mark.parametrize(("sheet", "needle"), [("Notes", "project name"), ("Nope", "Notes, Roadmap")])
def test_wrong_sheet_raises_one_sentence(sheet, needle):
    with pytest.raises(RoadmapError) as info:
        load_roadmap(FIXTURES / "two_sheets.xlsx", sheet=sheet)
    assert needle in str(info.value)
    assert is_one_sentence(str(info.value)), str(info.value)


def test_missing_path_and_folder_raise_one_sentence(tmp_path: Path):
    for source in (tmp_path / "nope.csv", tmp_path):
        with pytest.raises(RoadmapError) as info:
            load_roadmap(source)
        assert "\n" not in str(info.value) and str(info.value).endswith(".")


def test_load_one_helper_builds_a_fine_tune_named_p():
    p = load_one(training_examples="9,999")
    assert (p["project"], p["approach"], p["training_examples"]) == ("P", "fine_tune", 9_999)


# ------------------------------------------------------------------ hostile and odd files (issue 9)

def test_a_file_mixing_utf8_and_cp1252_lines_is_decoded_per_line_with_a_notice():
    data = "project,approach,team\nZürich router,fine-tune,Ops\n".encode() + "München bot,API,Ops\n".encode("cp1252")
    roadmap = load_roadmap(data)
    assert list(roadmap.projects["project"]) == ["Zürich router", "München bot"]
    assert roadmap.report.encoding == "utf-8 and cp1252"
    (notice,) = roadmap.report.notices
    assert "line 3 were read as Windows-1252" in notice or "line 3 " in notice


def test_a_bom_file_with_cp1252_lines_is_not_silently_replaced():
    data = b"\xef\xbb\xbf" + "project,approach\nZürich,API\n".encode() + "Café,API\n".encode("cp1252")
    roadmap = load_roadmap(data)
    assert list(roadmap.projects["project"]) == ["Zürich", "Café"]
    assert "\ufffd" not in "".join(roadmap.projects["project"])
    assert roadmap.report.notices


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_cjk_text_without_a_bom_is_read_not_called_binary(encoding):
    text = "project,approach,team\n发票匹配,fine-tune,财务部\n客服摘要,API,客服部\n"
    roadmap = load_roadmap(text.encode(encoding))
    assert list(roadmap.projects["project"]) == ["发票匹配", "客服摘要"]
    assert roadmap.report.encoding == encoding


def test_merged_cells_give_every_row_the_value_with_a_notice():
    data = xlsx_bytes([["project", "approach", "team"], ["A", "fine-tune", "Risk"], ["B", "fine-tune", None]],
                     extra=lambda ws: ws.merge_cells("C2:C3"))
    roadmap = load_roadmap(data, name="m.xlsx")
    assert list(roadmap.projects["team"]) == ["Risk", "Risk"]
    assert "C2:C3" in roadmap.report.notices[0]


def test_formulas_saved_without_a_result_are_reported():
    data = xlsx_bytes([["project", "approach", "build_cost_usd"], ["A", "fine-tune", "=1+1"], ["B", "API", 5]])
    roadmap = load_roadmap(data, name="f.xlsx")
    assert len(roadmap.projects) == 2 and pd.isna(roadmap.projects["build_cost_usd"].iloc[0])
    assert "formula saved without its result (C2)" in roadmap.report.notices[0]


def test_duplicate_headers_keep_every_column_and_say_so():
    text = "project,approach,Zone,Zone,Budget,Build cost\nA,fine-tune,North,South,100k,200k\n"
    roadmap = load_roadmap(text.encode())
    row = roadmap.projects.iloc[0]
    assert row["Zone"] == "North" and row["Zone (2)"] == "South"
    assert row["build_cost_usd"] == 100_000 and row["Build cost"] == "200k"
    notices = " ".join(roadmap.report.notices)
    assert "'Zone' appears more than once" in notices
    assert "'Budget' and 'Build cost' both read as build_cost_usd" in notices


def test_a_workbook_with_no_sheets_gets_a_sentence():
    data = xlsx_bytes([["project", "approach"], ["A", "API"]])

    def no_sheets(book: bytes) -> bytes:
        start, end = book.index(b"<sheets>"), book.index(b"</sheets>") + len(b"</sheets>")
        return book[:start] + b"<sheets/>" + book[end:]

    with pytest.raises(RoadmapError, match="The workbook has no sheets"):
        load_roadmap(rewrite_member(data, "xl/workbook.xml", no_sheets), name="z.xlsx")
