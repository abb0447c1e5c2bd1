"""The command line (SPEC §6): formats, columns, rejects, --strict, --config, and exit status 2 on unusable input."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import FIXTURES, ROOT, SAMPLES, SPEC_OUTPUT_COLUMNS, csv_text, row_cells

from core import cli

MESSY = str(FIXTURES / "messy_roadmap.csv")
MESSY_REJECTED_ROWS = [1, 2, 10, 14, 18, 19, 20]  # messy_roadmap.expected.txt: title, blanks, notes, rejects, total


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_score_writes_every_project_as_csv_with_the_spec_columns(capsys):
    code, out, err = run(capsys, "score", MESSY)
    assert code == 0
    assert next(csv.reader(io.StringIO(out))) == SPEC_OUTPUT_COLUMNS
    rows = _rows(out)
    assert len(rows) == 12
    assert rows[0]["project"] == "Invoice matching model" and rows[0]["verdict"] == "kill"
    # Rejected rows are reported on stderr, with a summary line.
    assert "rejected: row 19, approach 'quantum magic'" in err
    assert "12 projects scored, 7 rows rejected of 19 rows in messy_roadmap.csv." in err
    assert "duplicate: Project name 'Invoice matching model' appears on rows 4, 17." in err


def test_kill_list_holds_only_kill_and_prove_by_savings(capsys):
    code, out, _ = run(capsys, "kill-list", str(SAMPLES / "bank.csv"))
    assert code == 0
    rows = _rows(out)
    assert rows and {r["verdict"] for r in rows} == {"kill", "prove"}
    savings = [int(r["projected_savings_usd"]) for r in rows]
    assert savings == sorted(savings, reverse=True)


@pytest.mark.parametrize(("suffix", "flag"), [(".csv", None), (".json", None), (".md", None), (".xlsx", None),
                                              (".txt", "json"), (".out", "md"), (".bin", "xlsx")])
def test_every_format_has_the_spec_columns_in_order(capsys, tmp_path, suffix, flag):
    out_path = tmp_path / f"scored{suffix}"
    argv = ["score", str(SAMPLES / "template.csv"), "--out", str(out_path)]
    if flag:
        argv += ["--format", flag]
    code, stdout, _ = run(capsys, *argv)
    assert code == 0 and stdout == ""
    fmt = flag or suffix.lstrip(".")
    if fmt == "csv":
        header = next(csv.reader(io.StringIO(out_path.read_text(encoding="utf-8"))))
    elif fmt == "json":
        records = json.loads(out_path.read_text(encoding="utf-8"))
        assert len(records) == 2
        header = list(records[0])
    elif fmt == "md":
        first = out_path.read_text(encoding="utf-8").splitlines()[0]
        header = [c.strip() for c in first.strip("|").split("|")]
    else:
        ws = openpyxl.load_workbook(io.BytesIO(out_path.read_bytes()))["projects"]
        header = [c.value for c in ws[1]]
        assert ws.max_row == 3
    assert header == SPEC_OUTPUT_COLUMNS


@pytest.mark.parametrize(("suffix", "kind"), [(".xls", "xlsx"), (".markdown", "md"), (".txt", "csv")])
def test_format_follows_the_output_suffix(capsys, tmp_path, suffix, kind):
    out_path = tmp_path / f"scored{suffix}"
    assert run(capsys, "score", str(SAMPLES / "template.csv"), "--out", str(out_path))[0] == 0
    data = out_path.read_bytes()
    if kind == "xlsx":
        assert data.startswith(b"PK")  # a zip container, i.e. a workbook
    elif kind == "md":
        assert data.startswith(b"| project_id |")
    else:
        assert next(csv.reader(io.StringIO(data.decode("utf-8")))) == SPEC_OUTPUT_COLUMNS


def test_kill_list_xlsx_sheet_is_named_kill_list(capsys, tmp_path):
    out_path = tmp_path / "kl.xlsx"
    assert run(capsys, "kill-list", str(SAMPLES / "template.csv"), "--out", str(out_path))[0] == 0
    book = openpyxl.load_workbook(out_path)
    assert book.sheetnames == ["kill list", "notes"]
    # Every export names the discount rate its money is in (SPEC §4v3).
    assert [c.value for c in book["notes"]["A"]][:2] == ["setting", "discount_rate"]
    assert book["notes"]["B2"].value == 0.08


def test_xlsx_needs_a_file(capsys):
    code, out, err = run(capsys, "score", str(SAMPLES / "template.csv"), "--format", "xlsx")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "--out" in err


def test_rejects_file_lists_every_rejected_row(capsys, tmp_path):
    rejects = tmp_path / "rejects.csv"
    code, _, _ = run(capsys, "score", MESSY, "--rejects", str(rejects))
    assert code == 0
    rows = _rows(rejects.read_text(encoding="utf-8"))
    assert list(rows[0]) == ["row", "column", "value", "reason"]
    assert [int(r["row"]) for r in rows] == MESSY_REJECTED_ROWS
    assert rows[5]["value"] == "quantum magic"


def test_rejects_file_neutralizes_user_text(capsys, tmp_path):
    roadmap = tmp_path / "evil.csv"
    roadmap.write_text("project,approach,team\nGood,FT,Ops\nBad,=HYPERLINK(\"x\"),Ops\n", encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    assert run(capsys, "score", str(roadmap), "--rejects", str(rejects))[0] == 0
    assert _rows(rejects.read_text(encoding="utf-8"))[0]["value"] == "'=HYPERLINK(\"x\")"


def test_strict_exits_1_when_any_row_was_rejected_but_still_writes(capsys, tmp_path):
    out_path = tmp_path / "scored.csv"
    code, _, _ = run(capsys, "score", MESSY, "--strict", "--out", str(out_path))
    assert code == 1
    assert len(_rows(out_path.read_text(encoding="utf-8"))) == 12
    assert run(capsys, "score", str(SAMPLES / "bank.csv"), "--strict")[0] == 0


def test_config_override_changes_the_numbers(capsys, tmp_path):
    roadmap = tmp_path / "one.csv"
    roadmap.write_text(csv_text([row_cells(training_examples="10,000", build_months="6", ml_fte="2",
                                           daily_calls="1000")]), encoding="utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text("loaded_fte_cost_usd: 300000\n", encoding="utf-8")
    y_const = 1 / 1.08 + 1 / 1.08**2 + 1 / 1.08**3  # three years in today's money at 8 % a year
    y_gpu = 1 / 1.08 + 0.75 / 1.08**2 + 0.75**2 / 1.08**3  # the GPU price 25 % cheaper each year

    def tco(loaded: float) -> int:
        # build: 6/12 x 2 FTE x loaded + 10 runs x $500; 2 GPUs x $3.95 x 8,760 in year 1, declining;
        # yearly 1 FTE x loaded + 2 x $500 + $6,000 monitoring; three years, discounted.
        return round(6 / 12 * 2 * loaded + 5_000 + 2 * 3.95 * 8_760 * y_gpu + y_const * (loaded + 1_000 + 6_000))

    default = _rows(run(capsys, "score", str(roadmap))[1])[0]
    overridden = _rows(run(capsys, "score", str(roadmap), "--config", str(rules))[1])[0]
    assert int(default["tco_custom_usd"]) == tco(275_000) == 1_146_219
    assert int(overridden["tco_custom_usd"]) == tco(300_000) == 1_235_647


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("horizon_yeers: 2\n", "'horizon_yeers'"),
        ("horizon_years: 9\n", "'horizon_years'"),
        ("People:\n  loaded_fte_cost: 1\n", "'loaded_fte_cost'"),
        ("horizon_years: [\n", "not valid YAML"),
    ],
)
def test_bad_config_exits_2_naming_the_key(capsys, tmp_path, text, needle):
    rules = tmp_path / "rules.yaml"
    rules.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "score", str(SAMPLES / "template.csv"), "--config", str(rules))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and needle in err


@pytest.mark.parametrize(
    "name", ["empty.csv", "header_only.csv", "binary.csv", "image.csv", "no_project_column.csv", "missing.csv"]
)
def test_unusable_input_exits_2_with_one_line(capsys, name):
    code, out, err = run(capsys, "score", str(FIXTURES / name))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and err.rstrip().endswith(".")
    assert "Traceback" not in err


def test_wrong_sheet_exits_2(capsys):
    code, _, err = run(capsys, "score", str(FIXTURES / "two_sheets.xlsx"), "--sheet", "Notes")
    assert code == 2 and err.count("\n") == 1
    code, out, _ = run(capsys, "score", str(FIXTURES / "two_sheets.xlsx"), "--sheet", "Roadmap")
    assert code == 0 and len(_rows(out)) == 6


@pytest.mark.parametrize("argv", [[], ["score"], ["judge", "x.csv"], ["score", "x.csv", "--format", "pdf"]])
def test_usage_errors_exit_2_with_one_line(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")


def test_unwritable_output_exits_2(capsys, tmp_path):
    code, _, err = run(capsys, "score", str(SAMPLES / "template.csv"), "--out", str(tmp_path / "no" / "such" / "x.csv"))
    assert code == 2 and "cannot write" in err


def _python_m_core(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *argv], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_real_process_unusable_file_and_bad_config(tmp_path: Path):
    image = _python_m_core("score", str(FIXTURES / "image.csv"))
    assert image.returncode == 2 and image.stdout == ""
    assert image.stderr.count("\n") == 1 and "Traceback" not in image.stderr and "PNG" in image.stderr
    rules = tmp_path / "rules.yaml"
    rules.write_text("gpu_hour: 2\n", encoding="utf-8")
    bad = _python_m_core("kill-list", str(SAMPLES / "template.csv"), "--config", str(rules))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "'gpu_hour'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_real_process_writes_and_exits_by_strictness(tmp_path: Path):
    out_path = tmp_path / "kl.json"
    done = _python_m_core("kill-list", MESSY, "--out", str(out_path), "--strict")
    assert done.returncode == 1, done.stderr
    records = json.loads(out_path.read_text(encoding="utf-8"))
    assert records and list(records[0]) == SPEC_OUTPUT_COLUMNS
    assert "Traceback" not in done.stderr


# ------------------------------------------------------------------ outputs never overwrite inputs (issue 9)

def test_out_naming_the_roadmap_is_refused_and_the_roadmap_kept(capsys, tmp_path):
    roadmap = tmp_path / "roadmap.csv"
    roadmap.write_bytes((SAMPLES / "bank.csv").read_bytes())
    before = roadmap.read_bytes()
    code, _, err = run(capsys, "score", str(roadmap), "--out", str(tmp_path / "." / "roadmap.csv"))
    assert code == 2
    assert "--out names the same file as the roadmap" in err
    assert roadmap.read_bytes() == before


def test_out_naming_the_config_or_a_link_to_an_input_is_refused(capsys, tmp_path):
    cfg = tmp_path / "rules.yaml"
    cfg.write_text("horizon_years: 5\n")
    code, _, err = run(capsys, "score", str(SAMPLES / "bank.csv"), "--config", str(cfg), "--rejects", str(cfg))
    assert code == 2 and "--rejects names the same file as the config file" in err
    assert cfg.read_text() == "horizon_years: 5\n"
    link = tmp_path / "link.csv"
    link.symlink_to(SAMPLES / "bank.csv")
    code, _, err = run(capsys, "score", str(SAMPLES / "bank.csv"), "--out", str(link))
    assert code == 2 and "same file as the roadmap" in err


def test_out_and_rejects_naming_one_file_are_refused(capsys, tmp_path):
    code, _, err = run(capsys, "score", MESSY, "--out", str(tmp_path / "x.csv"), "--rejects", str(tmp_path / "x.csv"))
    assert code == 2 and "--out names the same file as --rejects" in err
    assert not (tmp_path / "x.csv").exists()


def test_outputs_are_written_whole_through_a_rename(capsys, tmp_path, monkeypatch):
    out = tmp_path / "out.csv"
    out.write_text("previous\n")
    out.chmod(0o640)
    replaced = []
    real_replace = cli.os.replace
    monkeypatch.setattr(cli.os, "replace", lambda a, b: (replaced.append((a, b)), real_replace(a, b)))
    code, _, _ = run(capsys, "score", MESSY, "--out", str(out))
    assert code == 0
    assert [Path(b) for _, b in replaced] == [out]
    assert len(_rows(out.read_text(encoding="utf-8"))) == 12
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temporary file left behind
    assert out.stat().st_mode & 0o777 == 0o640  # the old file's permissions, not the temporary file's 0600
    fresh = tmp_path / "fresh.csv"
    run(capsys, "score", MESSY, "--out", str(fresh))
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_failed_write_leaves_the_previous_output_as_it_was(capsys, tmp_path, monkeypatch):
    out = tmp_path / "out.csv"
    out.write_text("previous\n")
    monkeypatch.setattr(cli.os, "replace", lambda a, b: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    code, _, err = run(capsys, "score", MESSY, "--out", str(out))
    assert code == 2 and "No space left on device" in err
    assert out.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_stderr_carries_no_terminal_escape_codes(capsys, tmp_path):
    roadmap = tmp_path / "evil.csv"
    # Enough ordinary rows that the few control characters do not make the file look binary.
    filler = [row_cells(project=f"Filler {i}", team="Operations") for i in range(40)]
    roadmap.write_text(csv_text([row_cells(project="\x1b]0;pwned\x07Title"), row_cells(approach="\x1b[2J\x1b[31mx"),
                                 *filler]))
    code, _, err = run(capsys, "score", str(roadmap), "--out", str(tmp_path / "out.csv"))
    assert code == 0
    assert "rejected: row 3, approach '[2J[31mx'" in err
    assert "\x1b" not in err and "\x07" not in err


def test_huge_figures_do_not_fail_any_format(capsys, tmp_path):
    roadmap = tmp_path / "big.csv"
    roadmap.write_text(csv_text([row_cells(daily_calls="1e15", tokens_in_per_call="1e15", tokens_out_per_call="1e15",
                                           build_cost_usd="1e19")]))
    for suffix in ("csv", "json", "xlsx", "md"):
        code, _, err = run(capsys, "score", str(roadmap), "--out", str(tmp_path / f"out.{suffix}"))
        assert code == 0, err
    assert "build_cost_usd '1e19'" in err
    row = _rows((tmp_path / "out.csv").read_text(encoding="utf-8"))[0]
    assert float(row["tco_api_rag_usd"]) > 9.2e18  # past int64, written as the figure it is
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("tco_api_rag_usd") + 1).value > 9.2e18


def test_every_run_names_its_discount_rate_and_the_unpriced_projects(capsys):
    code, _, err = run(capsys, "score", str(SAMPLES / "public_cases.csv"))
    assert code == 0
    assert "money: Money is in today's dollars, discounted at 8 % a year (discount_rate); 6 judged projects need a " \
           "daily volume and are left unpriced." in err
