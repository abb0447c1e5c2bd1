"""Resource limits (core.limits) on roadmaps and assumptions files: each limit is a named server-side setting,
going over it gets one sentence naming it, and messages echo only a short excerpt of the input."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, csv_text, is_one_sentence, rewrite_member, xlsx_bytes

from core import config, limits
from core.loader import RoadmapError, load_roadmap


def _refused(data: bytes, name: str = "upload") -> str:
    with pytest.raises(RoadmapError) as info:
        load_roadmap(data, name=name)
    message = str(info.value)
    assert is_one_sentence(message), message
    assert len(message) < 400
    return message


ROWS = [{"project": f"P{i}", "approach": "fine-tune"} for i in range(12)]


@pytest.mark.parametrize(("env", "value", "data", "name", "needle"), [
    ("AIRR_MAX_ROWS", "10", csv_text(ROWS).encode(), "a.csv", "13 lines"),
    ("AIRR_MAX_COLUMNS", "2", csv_text([{"project": "P", "approach": "API", "team": "T"}]).encode(), "a.csv",
     "3 columns"),
    ("AIRR_MAX_CELLS", "20", csv_text(ROWS).encode(), "a.csv", "cells"),
    ("AIRR_MAX_CELL_CHARS", "9", csv_text([{"project": "Longer name", "approach": "API"}]).encode(), "a.csv",
     "row 2, column 1 holds 11 characters"),
    ("AIRR_MAX_INPUT_BYTES", "50", csv_text(ROWS).encode(), "a.csv", "more than 50 bytes"),
    ("AIRR_MAX_ROWS", "5", xlsx_bytes([["project", "approach"], *[[f"P{i}", "API"] for i in range(8)]]), "a.xlsx",
     "9 rows"),
    ("AIRR_MAX_CELL_CHARS", "9", xlsx_bytes([["project", "approach"], ["Longer name", "API"]]), "a.xlsx",
     "Cell A2 holds 11 characters"),
    ("AIRR_MAX_XLSX_UNCOMPRESSED_BYTES", "1000", xlsx_bytes([["project", "approach"], ["P", "API"]]), "a.xlsx",
     "unzips to"),
    ("AIRR_MAX_XLSX_MEMBERS", "3", xlsx_bytes([["project", "approach"], ["P", "API"]]), "a.xlsx", "parts"),
])
def test_each_limit_is_a_setting_named_in_one_sentence(monkeypatch, env, value, data, name, needle):
    monkeypatch.setenv(env, value)
    message = _refused(data, name)
    assert env in message
    assert needle in message
    monkeypatch.delenv(env)
    load_roadmap(data, name=name)  # the default limit takes the same file


def test_a_path_over_the_input_limit_is_refused_before_it_is_read(monkeypatch, tmp_path):
    path = tmp_path / "big.csv"
    path.write_text(csv_text(ROWS))
    monkeypatch.setenv("AIRR_MAX_INPUT_BYTES", "100")
    assert "AIRR_MAX_INPUT_BYTES" in _refused(path.read_bytes())
    with pytest.raises(RoadmapError, match="AIRR_MAX_INPUT_BYTES"):
        load_roadmap(path)


def test_an_unreadable_setting_falls_back_to_the_default(monkeypatch):
    monkeypatch.setenv("AIRR_MAX_ROWS", "lots")
    assert limits.MAX_ROWS.value == limits.MAX_ROWS.default
    monkeypatch.setenv("AIRR_MAX_ROWS", "2_000")
    assert limits.MAX_ROWS.value == 2000


def test_a_sheet_declaring_a_huge_range_is_refused_before_its_cells_are_read():
    data = xlsx_bytes([["project", "approach"], ["P", "API"]], extra=lambda ws: ws.cell(row=20000, column=16384, value="x"))
    message = _refused(data, "a.xlsx")
    assert "A1:XFD20000" in message and "AIRR_MAX_XLSX_CELLS" in message


def test_a_sheet_lying_about_its_range_is_caught_while_its_cells_stream():
    data = xlsx_bytes([["project", "approach"], ["P", "API"]], extra=lambda ws: ws.cell(row=20000, column=16384, value="x"))

    def lie(sheet: bytes) -> bytes:
        # openpyxl writes `<dimension ref=".." />`, or `..."/>` when lxml is installed (python-pptx brings it).
        sheet = re.sub(rb'<dimension ref="A1:XFD20000"\s*/>', b'<dimension ref="A1:B2"/>', sheet)
        assert b'ref="A1:B2"' in sheet
        return sheet

    message = _refused(rewrite_member(data, "xl/worksheets/sheet1.xml", lie), "a.xlsx")
    assert "span A1:XFD20000" in message


def test_figures_above_the_largest_accepted_are_unknown_with_a_reason():
    roadmap = load_roadmap(csv_text([{"project": "P", "approach": "fine-tune", "build_cost_usd": "1e19"},
                                     {"project": "Q", "approach": "fine-tune", "build_cost_usd": "2M"}]).encode())
    assert len(roadmap.projects) == 2
    assert roadmap.projects["build_cost_usd"].isna().iloc[0]
    assert roadmap.projects["build_cost_usd"].iloc[1] == 2_000_000
    (reason,) = roadmap.report.warnings["reason"]
    assert f"{limits.MAX_FIGURE.value:,}" in reason


def test_the_readme_documents_every_limit():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    security = readme[readme.index("## Security"):]
    for limit in limits.ALL:
        assert limit.env in security, limit.env
        assert f"{limit.default:,}" in security, limit.env


# ------------------------------------------------------------------------------------------- assumptions YAML

def _config_refused(text: str) -> str:
    with pytest.raises(config.ConfigError) as info:
        config.parse_yaml(text)
    message = str(info.value)
    assert is_one_sentence(message), message
    assert len(message) < 300
    return message


def _bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{k}: &a{k} [" + ",".join([f"*a{k - 1}"] * 9) + "]" for k in range(1, levels + 1)]
    return "\n".join([*lines, f"horizon_years: *a{levels}"]) + "\n"


@pytest.mark.parametrize("levels", [3, 7, 9])
def test_an_alias_bomb_is_refused_by_counting_aliases(levels):
    assert "AIRR_MAX_YAML_ALIASES" in _config_refused(_bomb(levels))


def test_a_few_aliases_are_fine_and_a_bad_value_is_echoed_short(monkeypatch):
    text = 'x: &x ["a","b"]\nhorizon_years: *x\n'
    message = _config_refused(text)
    assert "'horizon_years' must be a whole number" in message
    monkeypatch.setenv("AIRR_MAX_YAML_ALIASES", "0")
    assert "AIRR_MAX_YAML_ALIASES" in _config_refused(text)


def test_deep_nesting_is_refused():
    assert "AIRR_MAX_YAML_DEPTH" in _config_refused("horizon_years: " + "[" * 500 + "]" * 500 + "\n")


def test_a_big_file_is_refused_before_it_is_parsed(monkeypatch):
    monkeypatch.setenv("AIRR_MAX_YAML_BYTES", "100")
    assert "AIRR_MAX_YAML_BYTES" in _config_refused("# " + "x" * 200 + "\nhorizon_years: 3\n")


@pytest.mark.parametrize(("text", "needle"), [
    ("1: 3\n", "one is the number 1"),
    ("? [1, 2]\n: 3\n", "one is a list or mapping"),
    ("horizon:\n  2: 5\n", "one is the number 2"),
    ("null: 3\n", "one is the word none"),
    ("horizon_years: " + "9" * 5000 + "\n", "thousands of digits"),
    ("horizon_years: !!python/object/apply:os.system ['true']\n", "!!python"),
])
def test_keys_that_are_not_names_and_absurd_numbers_get_their_own_sentence(text, needle):
    assert needle in _config_refused(text)


def test_a_huge_bad_value_is_echoed_as_a_short_excerpt():
    message = _config_refused("default_api_tier: " + "x" * 100_000 + "\n")
    assert "default_api_tier" in message and "…" in message
