"""AppTest: every page on every sample, and the main flows (upload, remap, assumptions, decisions)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import shown
from streamlit.testing.v1 import AppTest

from core import config, labels, portfolio
from core.explain import usd
from core.judge import reasons
from core.loader import load_roadmap
from core.numbers import money

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p.name for p in (ROOT / "sample_portfolios").iterdir()
                 if p.suffix in (".csv", ".xlsx") and not p.name.startswith("template"))
PAGES = ["pages/1_Portfolio.py", "pages/2_Project_review.py", "pages/3_Kill_list.py", "pages/4_Assumptions.py"]
TIMEOUT = 90


@pytest.fixture(autouse=True)
def _own_decision_log(tmp_path, monkeypatch):
    # Each test writes decisions to its own SQLite file, never to the developer's decisions.db.
    monkeypatch.setenv("AIRR_DATABASE_URL", f"sqlite:///{tmp_path / 'decisions.db'}")


def _home() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    return at.run()


def _metric(at: AppTest, label_part: str) -> str:
    matches = [m.value for m in at.metric if label_part in m.label]
    assert matches, f"no metric labelled {label_part!r}: {[m.label for m in at.metric]}"
    return matches[0]


def _frame(at: AppTest, column: str):
    """The first table on the page with this column (AppTest does not keep display elements' keys)."""
    for df in at.dataframe:
        value = df.value
        if column in value.columns:
            return value
    raise AssertionError(f"no table with a {column!r} column")


def _expected(name: str) -> portfolio.Summary:
    roadmap = load_roadmap(ROOT / "sample_portfolios" / name)
    return portfolio.summarize(portfolio.score(roadmap.projects, config.defaults()))


def test_first_visit_shows_the_default_sample_dashboard():
    at = _home()
    assert not at.exception
    assert at.title[0].value == "AI Roadmap Review"
    expected = _expected("bank.csv")
    assert _metric(at, "Projects") == f"{expected.projects:,}"
    assert _metric(at, "Kill-list savings") == usd(expected.kill_list_savings_usd)


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_page_renders_every_sample(sample):
    at = _home()
    at.selectbox(key="sample_pick").select(sample).run()
    assert not at.exception
    expected = _expected(sample)
    assert _metric(at, "Custom models") == f"{expected.custom:,}"
    assert sample in shown(at.caption[0].value)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.message for e in at.exception])
        assert at.title, page
    # The Kill list ranks exactly the kill and prove projects.
    at.switch_page("pages/3_Kill_list.py").run()
    table = _frame(at, "recommendation")
    assert len(table) == expected.kill + expected.prove


def test_upload_a_messy_csv_shows_mapping_and_rejects():
    at = _home()
    data = (ROOT / "tests" / "fixtures" / "messy_roadmap.csv").read_bytes()
    at.file_uploader(key="upload_roadmap").set_value(("messy_roadmap.csv", data, "text/csv")).run()
    assert not at.exception
    mapping = _frame(at, "Read as")
    read_as = dict(zip(mapping["Header in the file"], mapping["Read as"], strict=True))
    assert read_as["Budget (USD)"] == "Build budget"  # the label of build_cost_usd: words, not the machine name
    assert read_as["Some Unknown Column"] == "(kept, not used)"
    rejected = _frame(at, "reason")
    assert set(rejected["row"]) >= {14, 18, 19, 20}
    assert "totals row" in rejected.loc[rejected["row"] == 20, "reason"].iloc[0]
    assert _metric(at, "Projects") == "12"


def test_unusable_upload_gets_one_sentence_and_no_traceback():
    at = _home()
    png = (ROOT / "tests" / "fixtures" / "image.csv").read_bytes()
    at.file_uploader(key="upload_roadmap").set_value(("image.csv", png, "text/csv")).run()
    assert not at.exception
    assert shown(at.error[0].value) == "This file is a PNG image, not a CSV or XLSX table."
    at.switch_page("pages/3_Kill_list.py").run()
    assert not at.exception
    assert shown(at.error[0].value).startswith("This file is a PNG image")


def test_remapping_an_unrecognized_header_rescores_the_portfolio():
    text = "Initiative Label,Approach,Build Cost\nClaims model,fine-tune,400000\nChat helper,API + RAG,\n"
    at = _home()
    at.file_uploader(key="upload_roadmap").set_value(("odd.csv", text.encode(), "text/csv")).run()
    assert "No column for project" in shown(at.error[0].value)
    at.selectbox(key="map_header").select("Initiative Label")
    at.selectbox(key="map_target").select("project")
    at.button(key="map_apply").click().run()
    assert not at.exception
    assert not at.error
    assert _metric(at, "Projects") == "2"
    assert _metric(at, "Custom models") == "1"


def test_a_column_that_looks_like_ours_is_flagged_at_the_top_and_used_in_one_click():
    text = ("Project,Approach,Ops Bugdet,Training Examples,Build Time (months),Data Quality\n"
            "Claims letter writer,fine-tune,\"$200,000\",50000,2,high\n")
    at = _home()
    at.file_uploader(key="upload_roadmap").set_value(("ops.csv", text.encode(), "text/csv")).run()
    assert not at.exception
    assert any("Ops Bugdet" in shown(w.value) and labels.field("ops_budget_usd_per_year") in w.value
               for w in at.warning)
    # "Every row was read" is not said while a likely column is unused.
    assert not [s for s in at.success if "Every row was read" in s.value]
    at.button(key="use_column_0").click().run()
    assert not at.exception
    assert not [w for w in at.warning if "Ops Bugdet" in shown(w.value)]
    assert [s for s in at.success if "Every row was read" in s.value]
    at.switch_page("pages/1_Portfolio.py").run()
    assert not at.exception


def test_changing_an_assumption_changes_the_totals_everywhere():
    at = _home()
    before = _metric(at, "Kill-list savings")
    at.switch_page("pages/4_Assumptions.py").run()
    at.number_input(key="assume_loaded_fte_cost_usd").set_value(400000).run()
    assert not at.exception
    at.switch_page("app.py").run()
    after = _metric(at, "Kill-list savings")
    projects = load_roadmap(ROOT / "sample_portfolios" / "bank.csv").projects
    expected = portfolio.summarize(portfolio.score(projects, config.make({"loaded_fte_cost_usd": 400000})))
    assert after == usd(expected.kill_list_savings_usd)
    assert after != before


def test_an_invalid_assumptions_file_keeps_the_previous_assumptions():
    at = _home()
    at.switch_page("pages/4_Assumptions.py").run()
    at.file_uploader(key="upload_assumptions").set_value(("a.yaml", b"horizon_years: 9\n", "text/yaml")).run()
    assert not at.exception
    assert "'horizon_years' must be a whole number between 1 and 5" in shown(at.error[0].value)
    assert at.number_input(key="assume_horizon_years").value == 3
    at.file_uploader(key="upload_assumptions").set_value(("b.yaml", b"horizon_years: 5\n", "text/yaml")).run()
    assert at.number_input(key="assume_horizon_years").value == 5


def test_recording_a_decision_appends_to_the_history_and_the_kill_list():
    at = _home()
    at.switch_page("pages/2_Project_review.py").run()
    project_id = at.selectbox(key="review_project").value
    at.text_input(key="decision_reviewer").input("Dana")
    at.text_area(key="decision_note").input("Rescope to the API path =SUM(A1)")
    at.selectbox(key="decision_choice").select("rescope")
    at.button(key="decision_submit").click().run()  # the form's submit button (the Evidence section has buttons above it)
    assert not at.exception
    history = _frame(at, "Reviewer")
    assert list(history["Decision"]) == ["Rescope"]
    labels_shown = {b.proto.label for b in at.get("download_button")}
    assert {"Decision history (CSV)", "Decision history (XLSX)"} <= labels_shown
    assert history["Project ID"].iloc[0] == project_id
    at.switch_page("pages/3_Kill_list.py").run()
    kill = _frame(at, "recommendation")
    assert "Rescope" in set(kill["decision"])


def test_a_review_link_opens_the_named_project():
    at = _home()
    at.query_params["project"] = "BNK-021"
    at.switch_page("pages/2_Project_review.py").run()
    assert not at.exception
    assert at.selectbox(key="review_project").value == "BNK-021"


def test_an_out_of_scope_project_says_why_and_shows_no_money():
    at = _home()
    at.query_params["project"] = "BNK-023"  # Fraud scoring model v3: a tabular task, inferred
    at.switch_page("pages/2_Project_review.py").run()
    assert not at.exception
    sentence = [shown(i.value) for i in at.info if "out of scope" in shown(i.value)]
    assert sentence and "classic ML task" in sentence[0] and "inferred from 'fraud'" in sentence[0]
    assert not [m for m in at.metric if "TCO" in m.label]
    assert any("pick the right one under Task" in c.value for c in at.caption)


def test_a_refuted_scale_claim_shows_as_refuted_on_the_checklist():
    at = _home()
    at.query_params["project"] = "BNK-012"  # a measured FM + RAG baseline already meets its latency target
    at.switch_page("pages/2_Project_review.py").run()
    assert not at.exception
    text = " ".join(shown(m.value) for m in at.markdown)
    assert labels.label("check_status", "refuted") in text
    assert "already meets the" in text


def test_roadmap_text_is_shown_as_typed_never_as_markdown():
    evil = "**[click](http://evil.example)** :red[x]"
    text = f'project,approach,description\n"{evil}",fine-tune,"<b>bold</b> [x](http://evil.example)"\n'
    at = _home()
    at.file_uploader(key="upload_roadmap").set_value(("evil.csv", text.encode(), "text/csv")).run()
    at.switch_page("pages/2_Project_review.py").run()
    assert not at.exception
    heading = at.header[0].value
    # Escaped, and a word joiner between ":" and "//" so Streamlit's auto-linker does not make a link of it either.
    assert "\\[click\\]\\(http\\:\u2060//evil\\.example\\)" in heading
    assert "](http" not in heading
    assert any("<b>bold</b>" in t.value for t in at.text)  # st.text: shown literally
    assert all("](http" not in e.value for e in at.error)


def test_picking_a_project_keeps_it_and_writes_it_to_the_link():
    at = _home()
    at.query_params["project"] = "BNK-021"
    at.switch_page("pages/2_Project_review.py").run()
    at.selectbox(key="review_project").select("BNK-003").run()
    assert not at.exception
    assert at.selectbox(key="review_project").value == "BNK-003"
    assert at.query_params["project"] == "BNK-003"
    at.run()
    assert at.selectbox(key="review_project").value == "BNK-003"


def test_review_links_the_public_cases_behind_every_rule():
    at = _home()
    at.switch_page("pages/2_Project_review.py").run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    for group in ("flags", "justifications"):
        for name, rule in reasons()[group].items():
            for case in rule["cases"]:
                assert f"]({case['url']})" in shown, f"{group}.{name}: {case['url']}"


def _cards(at: AppTest) -> list[str]:
    """The Kill list's cards as a reader sees them (each starts with its rank in bold)."""
    return [shown(m.value) for m in at.markdown if re.match(r"^\*\*\d+\. ", m.value)]


def test_kill_list_cards_carry_every_sentence_and_the_filters_narrow_them():
    at = _home()
    at.switch_page("pages/3_Kill_list.py").run()
    assert not at.exception
    projects = load_roadmap(ROOT / "sample_portfolios" / "bank.csv").projects
    expected = portfolio.kill_list(portfolio.score(projects, config.defaults()))
    cards = _cards(at)
    assert len(cards) == min(50, len(expected))
    for card, (_, row) in zip(cards, expected.iterrows(), strict=False):
        assert row["project"] in card
        assert f"Recommended alternative:** {row['recommendation']}." in card
        if row["evidence_needed"]:
            assert f"Evidence needed:** {labels.sentences(row['evidence_needed'])}" in card
        assert money(row["projected_savings_usd"]) in card
        assert labels.verdict(row["verdict"]) in card
    # The grid sorts savings as money: the column holds numbers, not "$1.2M" text.
    table = _frame(at, "recommendation")
    assert pd.api.types.is_numeric_dtype(table["projected_savings_usd"])
    team = expected["team"].dropna().iloc[0]
    at.multiselect(key="kill_filter_team").set_value([team]).run()
    assert len(_cards(at)) == int((expected["team"] == team).sum())
    at.multiselect(key="kill_filter_team").set_value([]).run()
    at.multiselect(key="kill_filter_verdict").set_value(["prove"]).run()
    assert len(_cards(at)) == int((expected["verdict"] == "prove").sum())
    at.multiselect(key="kill_filter_decision").set_value(["kill"]).run()
    assert _cards(at) == []  # nothing decided yet
    assert "No project on the list matches these filters." in [i.value for i in at.info]


def _badge(at: AppTest) -> list[str]:
    return [shown(m.value) for m in at.markdown if m.value.startswith(":orange-badge[Scenario")]


def test_a_changed_assumption_shows_a_scenario_badge_on_every_page_with_one_click_reset():
    at = _home()
    assert _badge(at) == []
    at.switch_page("pages/4_Assumptions.py").run()
    at.number_input(key="assume_horizon_years").set_value(5).run()
    for page in ["app.py", *PAGES]:
        at.switch_page(page).run()
        assert not at.exception, page
        assert any("Horizon 5 years (default 3 years)" in b for b in _badge(at)), page
    at.button(key="scenario_reset").click().run()
    assert _badge(at) == []
    assert at.session_state["overrides"] == {}
    at.switch_page("pages/4_Assumptions.py").run()
    assert at.number_input(key="assume_horizon_years").value == 3


def test_a_saved_scenario_is_compared_with_the_baseline():
    at = _home()
    at.switch_page("pages/4_Assumptions.py").run()
    at.number_input(key="assume_horizon_years").set_value(5).run()
    at.text_input(key="scenario_save_name").input("Five years").run()
    at.button(key="scenario_save").click().run()
    assert not at.exception
    assert at.session_state["scenarios"] == {"Five years": {"horizon_years": 5}}
    assert any(b.startswith(":orange-badge[Scenario Five years]") for b in _badge(at))
    projects = load_roadmap(ROOT / "sample_portfolios" / "bank.csv").projects
    base = portfolio.summarize(portfolio.score(projects, config.defaults()))
    five = portfolio.summarize(portfolio.score(projects, config.make({"horizon_years": 5})))
    assert _metric(at, "Kill-list savings, baseline") == usd(base.kill_list_savings_usd)
    assert _metric(at, "Kill-list savings, scenario") == usd(five.kill_list_savings_usd)
    diff = _frame(at, "verdict")
    assert len(diff) > 0 and {"baseline", "scenario", "change"} <= set(diff.columns)


def test_downloads_carry_the_scenario_and_an_assumptions_sheet():
    import csv
    import io

    from openpyxl import load_workbook

    import ui

    data = (ROOT / "sample_portfolios" / "bank.csv").read_bytes()
    inputs = (data, "bank.csv", (), (("horizon_years", 5),), (), (), ())  # ..., tasks, evidence, decisions
    rows = list(csv.DictReader(io.StringIO(ui.board_file("csv", *inputs, "Five years").decode("utf-8"))))
    assert rows and {r["Scenario"] for r in rows} == {"Five years: horizon_years=5"}
    baseline = list(csv.DictReader(io.StringIO(ui.board_file("csv", data, "bank.csv", (), (), (), (), ()).decode())))
    assert {r["Scenario"] for r in baseline} == {"baseline"}
    book = load_workbook(io.BytesIO(ui.board_file("xlsx", *inputs, "Five years")))
    assert book.sheetnames == ["Kill list", "Assumptions"]
    sheet = book["Assumptions"]
    notes = {sheet.cell(row=i, column=1).value: sheet.cell(row=i, column=2).value for i in range(1, 6)}
    assert notes["Roadmap file"] == "bank.csv" and notes["Scenario"] == "Five years"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", notes["Made on"])
    assert "Horizon 5 years (default 3 years)" in notes["Changed assumptions"]
    # SPEC §4v3: every export names the discount rate its money is in.
    assert notes["Discount rate"] == "8% a year (money in today's dollars)"
    assert {r["Discount rate"] for r in rows} == {"0.08"}
    assert "Savings with the owner's ops budget" in rows[0]
    header = [c.value for c in sheet[7]]
    assert header[:3] == ["assumption", "key", "value"]


def test_downloads_carry_the_tasks_set_on_the_review():
    import csv
    import io

    import ui

    data = (ROOT / "sample_portfolios" / "bank.csv").read_bytes()

    def kill_list(tasks: tuple) -> dict[str, dict[str, str]]:
        text = ui.board_file("csv", data, "bank.csv", (), (), tasks, (), ()).decode("utf-8")
        return {r["Project ID"]: r for r in csv.DictReader(io.StringIO(text))}

    # BNK-024 is inferred to be tabular scoring (out of scope, so not on the kill list) until a person says
    # it is a language model; BNK-001 leaves the list when a person says it is tabular.
    assert "BNK-024" not in kill_list(())
    changed = kill_list((("BNK-001", "tabular"), ("BNK-024", "language")))
    assert changed["BNK-024"]["Task"] == "Language"
    assert "BNK-001" not in changed


def test_table_downloads_are_ours_and_neutralized():
    # The toolbar's own CSV download writes formulas as they are, so it is switched off (config.toml) and
    # every table a user may take away has our buttons (ui.table_downloads), which neutralize.
    import tomllib

    import ui

    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["client"]["disableDataExport"] is True
    assert settings["server"]["address"] == "localhost"
    text = ("project,approach,team\n\"=HYPERLINK(\"\"http://evil\"\")\",fine-tune,@ops\nNotes only,,\n"
            "+cmd,=SUM(A1),Ops\n")
    at = _home()
    at.file_uploader(key="upload_roadmap").set_value(("evil.csv", text.encode(), "text/csv")).run()
    assert not at.exception
    assert {b.proto.label for b in at.get("download_button")} >= {"Rejected rows (CSV)", "Rejected rows (XLSX)"}
    at.switch_page("pages/1_Portfolio.py").run()
    assert {b.proto.label for b in at.get("download_button")} == {"Projects shown (CSV)", "Projects shown (XLSX)"}
    rejected = load_roadmap(text.encode()).report.rejected
    csv_text = ui._csv_bytes(rejected).decode()
    assert "'=SUM(A1)" in csv_text
    workbook = openpyxl.load_workbook(io.BytesIO(ui._xlsx_bytes(rejected, "Rejected rows")))
    values = [c.value for row in workbook.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [v for v in values if v[:1] in "=+-@"]


def test_a_long_portfolio_table_shows_its_first_rows_and_says_so(tmp_path):
    # Streamlit formats a Styler cell by cell in Python and pandas refuses more than 262,144 styled cells:
    # 24,000 projects broke the Portfolio page. The grid is bounded at ui.STYLED_ROWS rows.
    import ui
    from benchmarks import generate

    roadmap = generate.generate(generate.rows_for(ui.STYLED_ROWS + 300), tmp_path / "long.csv")
    at = _home()
    at.file_uploader(key="upload_roadmap").set_value(("long.csv", roadmap.path.read_bytes(), "text/csv")).run()
    at.switch_page("pages/1_Portfolio.py").run()
    assert not at.exception
    assert len(_frame(at, "tco_custom_usd")) == ui.STYLED_ROWS
    assert any(f"first {ui.STYLED_ROWS:,} of {roadmap.projects:,} rows" in c.value for c in at.caption)


def test_project_review_shows_every_v3_money_term():
    # BNK-033: a live summarizer with a measured $250K-a-month API bill and no daily calls (SPEC §4v3).
    at = _home()
    at.query_params["project"] = "BNK-033"
    at.switch_page("pages/2_Project_review.py").run()
    assert not at.exception
    text = " ".join(shown(m.value) for m in [*at.markdown, *at.caption, *at.info])
    assert "Implied from spend: 657,534 calls a day from $250K a month" in text
    assert "API calls in year 1 (measured spend)" in text
    assert "What would change the verdict:" in text and "volume falling below" in text
    assert "Part of the saving" in text and "Serving and compute" in text
    assert "discounted at 8 % a year" in text
    assert "Market check" in text and "Llama 3.1 8B Instruct" in text and "Implied average GPU utilization" in text
    assert "With the owner's ops budget" in text
    assert _metric(at, "FM API + RAG TCO") == "$7.1M"


def test_unpriced_projects_say_needs_volume_on_cards_and_review():
    at = _home()
    data = (ROOT / "sample_portfolios" / "public_cases.csv").read_bytes()
    at.file_uploader(key="upload_roadmap").set_value(("public_cases.csv", data, "text/csv")).run()
    at.switch_page("pages/3_Kill_list.py").run()
    assert not at.exception
    cards = " ".join(shown(m.value) for m in at.markdown)
    assert "Needs volume" in cards and "What would change the verdict:" in cards
    assert any("need a daily volume and are not in the total" in c.value for c in at.caption)
    at.query_params["project"] = "PUB-001"
    at.switch_page("pages/2_Project_review.py").run()
    assert not at.exception
    assert _metric(at, "Projected savings") == "Needs volume"


def test_styled_tables_show_one_money_style_and_a_dash_for_blanks():
    # The cost table read "$4.5M", "$52,560" and "$282K" in one column; a comparison "$739K" beside "$1.1M".
    import pandas as pd

    import ui

    frame = pd.DataFrame({"project": ["a", None], "before": [739_000, 52_560], "after": [1_100_000, None]})
    shown = ui.money_table(frame, ["before", "after"]).to_string()
    assert "$0.7M" in shown and "$0.1M" in shown and "$1.1M" in shown and "—" in shown
    assert "$739K" not in shown and "$52,560" not in shown and "None" not in shown
