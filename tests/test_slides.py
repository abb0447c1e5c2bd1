"""The board's slide deck: every slide's text read back with python-pptx, every text box's lines inside the box, and
(with LibreOffice) the PDF has one page per slide."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from PIL import ImageFont
from pptx import Presentation
from pptx.util import Emu

from core import board, config, fit, portfolio, slides
from core.numbers import money

ROOT = Path(__file__).resolve().parent.parent
LONG_NAME = ("Enterprise-wide multilingual regulatory correspondence summarisation and drafting assistant for the "
             "combined retail, commercial and private banking divisions, phase two (pilot extension) " * 2).strip()
UNBROKEN = "X" * 160


def _scored() -> pd.DataFrame:
    from core.loader import load_roadmap

    return portfolio.score(load_roadmap(ROOT / "sample_portfolios" / "bank.csv").projects, config.defaults())


def _pack(scored: pd.DataFrame | None = None, decided: int = 4) -> board.Pack:
    scored = _scored() if scored is None else scored
    ids = list(portfolio.kill_list(scored)["project_id"][:decided])
    current = pd.DataFrame({"decision": ["kill", "rescope", "needs-evidence", "defer"][:decided],
                            "reviewer": ["Dana", "", "Lee", "Ana"][:decided],
                            "note": ["Too costly: " + "the pretraining run alone " * 30, "", "eval first", ""][:decided],
                            "revisit": ["2027-01-15", "", "2026-11-01", "2027-03-31"][:decided],
                            "recorded_at": ["2026-12-06 03:16:03 UTC"] * decided},
                           index=pd.Index(ids, name="project_id"))
    return board.build(scored, 3, portfolio_name="bank", source="bank.csv", scenario="Baseline", current=current,
                       today=date(2026, 12, 6))


def _texts(deck: bytes) -> list[str]:
    prs = Presentation(io.BytesIO(deck))
    out = []
    for slide in prs.slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [c.text_frame.text for row in shape.table.rows for c in row.cells]
        # Lines are broken at spaces by the deck: read them back as one line of words.
        out.append(" ".join(" ".join(parts).replace("\v", " ").split()))
    return out


def test_every_slide_says_what_it_should():
    pack = _pack()
    texts = _texts(slides.build_deck(pack))
    kill = pack.kill
    assert len(texts) == slides.slide_count(len(kill), 4) == 2 + 15 + 1 + 1
    assert "AI roadmap review: bank" in texts[0] and "2026-12-06" in texts[0] and "Scenario: Baseline" in texts[0]
    proposed, agreed = money(board.total(kill)), money(board.total(board.agreed(pack)))
    assert f"Savings proposed {proposed}" in texts[1] and f"Savings agreed {agreed}" in texts[1]
    sm = pack.summary
    assert f"{sm.projects} projects, {sm.custom} custom models" in texts[1]
    for rank, (_, r) in enumerate(kill.head(15).iterrows(), start=1):
        t = texts[1 + rank]
        assert t.startswith(f"{rank}. {r['project']}"), t[:80]
        for part in ("Why", "Recommended", "What would change it", "Decision", "Owner and due date",
                     "projected savings, 3 years", "Build-trap score"):
            assert part in t, (rank, part)
    assert "Kill: Too costly" in texts[2] and "Dana Whitfield · 2027-01-15" in texts[2]
    assert "2026-11-01 (passed)" in texts[4]
    appendix = texts[17]
    assert "Appendix" in appendix and all(p in appendix for p in kill["project"].iloc[15:])
    actions = texts[18]
    assert "Decisions and actions" in actions and "Stop the custom build and take the recommended alternative" in actions
    assert f"{agreed} of savings agreed" in actions and "15 projects still open" in actions


def test_zombies_and_the_savings_split_show_when_the_scores_carry_them():
    scored = _scored()
    kill_ids = portfolio.kill_list(scored)["project_id"]
    scored["came_back"] = scored["project_id"].eq(kill_ids[1])
    assert board.has_split(scored)  # money v3 splits every saving into its parts
    texts = _texts(slides.build_deck(_pack(scored)))
    assert "Came back" in texts[3] and "Came back" not in texts[2]
    assert "People" in texts[1] and "Serving and compute" in texts[1]
    assert "needs the v3 money model" not in texts[1]
    # Scores without the split (before money v3) say so instead of showing a table.
    older = _pack()
    for col in board.SPLIT_COLUMNS:
        del older.kill[col]
    assert "needs the v3 money model" in _texts(slides.build_deck(older))[1]


def _check_fits(deck: bytes) -> int:
    """Every text box's lines fit inside it, measured with the font file the deck names; returns boxes checked."""
    prs = Presentation(io.BytesIO(deck))
    fonts = {b: ImageFont.truetype(str(fit.FONT_FILES[b]), 100) for b in (False, True)}
    checked = 0
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text:
                continue
            tf = shape.text_frame
            runs = [r for p in tf.paragraphs for r in p.runs]
            size = runs[0].font.size.pt
            bold = bool(runs[0].font.bold)
            width = Emu(shape.width - tf.margin_left - tf.margin_right).pt
            height = Emu(shape.height - tf.margin_top - tf.margin_bottom).pt
            lines = tf.text.split("\v")
            assert len(lines) * size * 1.16 <= height + 0.5, (number, tf.text[:60])
            for line in lines:
                assert fonts[bold].getlength(line) * size / 100 <= width, (number, line)
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= prs.slide_width and shape.top + shape.height <= prs.slide_height
            checked += 1
    return checked


def test_long_names_and_notes_wrap_or_shrink_and_never_leave_their_box():
    if not fit.has_font():
        if os.environ.get("CI") == "true":
            pytest.fail("DejaVu Sans is required in CI (install the Debian 'fonts-dejavu-core' package).")
        pytest.skip("DejaVu Sans (fonts-dejavu-core) is not installed")
    scored = _scored()
    kill_ids = list(portfolio.kill_list(scored)["project_id"])
    scored.loc[scored["project_id"] == kill_ids[0], "project"] = LONG_NAME
    scored.loc[scored["project_id"] == kill_ids[1], "project"] = UNBROKEN
    scored.loc[scored["project_id"] == kill_ids[-1], "project"] = LONG_NAME
    scored["team"] = scored["team"].where(scored["project_id"] != kill_ids[2], "Team " + "x" * 200)
    deck = slides.build_deck(_pack(scored))
    assert _check_fits(deck) > 100
    texts = _texts(deck)
    top = money(portfolio.kill_list(scored)["projected_savings_usd"].iloc[0])
    assert texts[2].startswith("1. Enterprise-wide multilingual") and texts[2].split(f" {top}")[0].endswith("…")


def test_the_limit_of_project_slides_is_a_setting():
    pack = _pack()
    assert len(_texts(slides.build_deck(pack, project_slides=3))) == 2 + 3 + 2 + 1
    assert len(_texts(slides.build_deck(pack, project_slides=0))) == slides.slide_count(len(pack.kill), 4, 0)


def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("LibreOffice Impress is required in CI (install the Debian 'libreoffice-impress-nogui' package).")
    pytest.skip("no LibreOffice on this machine; install libreoffice-impress-nogui to check the PDF")
    return None


def test_libreoffice_turns_the_deck_into_one_page_per_slide(tmp_path):
    soffice = _soffice()
    deck = tmp_path / "bank.pptx"
    deck.write_bytes(slides.build_deck(_pack()))
    # Its own profile directory: a second LibreOffice (a person's, another test run) cannot block this one.
    done = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(deck)], capture_output=True, timeout=240, check=False)
    pdf = tmp_path / "bank.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stderr[-500:]
    # LibreOffice writes each page object's dictionary uncompressed: one "/Type /Page" per page.
    pages = len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf.read_bytes()))
    assert pages == slides.slide_count(len(_pack().kill), 4) == 19


def test_the_cli_writes_a_deck_and_refuses_a_wrong_file_kind(tmp_path):
    out = tmp_path / "bank.pptx"
    env = {**os.environ, "AIRR_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    done = subprocess.run([sys.executable, "-m", "core", "slides", "sample_portfolios/bank.csv", "--out", str(out),
                           "--project-slides", "5"], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    texts = _texts(out.read_bytes())
    assert len(texts) == 2 + 5 + 2 + 1 and "No decision recorded yet" in texts[-1]
    bad = subprocess.run([sys.executable, "-m", "core", "slides", "sample_portfolios/bank.csv", "--out",
                          str(tmp_path / "x.txt")], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert bad.returncode == 2 and bad.stderr.strip() == "error: --out must name a .pptx file"
    assert "Traceback" not in bad.stderr


def test_a_project_that_came_back_says_so_on_its_slide(tmp_path):
    env = {**os.environ, "AIRR_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    url = env["AIRR_DATABASE_URL"]

    def cli(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "core", *argv], cwd=ROOT, capture_output=True, text=True,
                              timeout=120, env=env)

    done = cli("decide", "sample_portfolios/acme_2026_Q3.csv", "--project", "ACM-002", "--decision", "kill",
               "--reviewer", "Dana", "--note", "API drafts well enough")
    assert done.returncode == 0, done.stderr
    out = tmp_path / "acme.pptx"
    done = cli("slides", "sample_portfolios/acme_2026_Q4.csv", "--out", str(out), "--db", url, "--portfolio", "acme")
    assert done.returncode == 0, done.stderr
    back = [t for t in _texts(out.read_bytes()) if "Came back: killed" in t]
    assert len(back) == 1 and "Support reply drafter (EU)" in back[0] and "Dana" in back[0]
