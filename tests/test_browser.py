"""The browser tier: one `streamlit run` server and one headless Chromium for every test.

- the main flow: upload -> kill list -> CSV download -> project review of the top item;
- tests that look: every page screenshotted at 1920, 1280 and 390 px (kept in AIRR_SHOTS_DIR when set),
  with no sideways page overflow, no cut-off Kill list sentences, no None/nan/raw codes/icon names/Markdown
  in what a reader sees or a screen reader announces, and an axe-core check (light and dark) with no
  serious or critical violation; the meeting brief at phone width and at A4 and Letter print widths.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from core import config, labels, portfolio
from core.loader import load_roadmap

ROOT = Path(__file__).resolve().parent.parent
UPLOAD = ROOT / "sample_portfolios" / "hospital_network.csv"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


def _chromium() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if Path(path).exists():
        return path
    if os.environ.get("CI"):
        pytest.fail("Chromium is required in CI (install the Debian 'chromium' package).")
    pytest.skip("no Chromium on this machine; install it to run the browser test")


@contextmanager
def launched_chromium():
    """A headless Chromium from the machine's package (skipped, or failed in CI, without one), closed after."""
    from playwright.sync_api import sync_playwright

    path = _chromium()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(port: int, db: Path, log_path: Path):
    """A `streamlit run app.py` server on port with its decisions in db; stopped (by its PID) on exit."""
    with open(log_path, "a") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port",
             str(port), "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "AIRR_DATABASE_URL": f"sqlite:///{db}"})
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("streamlit did not start:\n" + log_path.read_text())
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if os.environ.get("AIRR_SHOW_SERVER_LOG"):
            print(log_path.read_text())


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log_path = tmp_path_factory.mktemp("server") / "streamlit.log"
    with streamlit_server(_free_port(), log_path.parent / "decisions.db", log_path) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the whole module: launching it costs more than most page checks."""
    with launched_chromium() as chromium:
        yield chromium


def _settled(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)


def _upload_and_open_kill_list(page, server: str, path: Path) -> None:
    """Home, upload `path` through the file uploader, then follow the page link to the Kill list."""
    page.goto(server)
    page.get_by_role("heading", name="AI Roadmap Review").wait_for(timeout=60_000)
    _settled(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(path))
    page.get_by_text(path.name).first.wait_for(timeout=60_000)
    page.get_by_text("(uploaded file)").wait_for(timeout=60_000)
    _settled(page)
    page.locator('[data-testid="stPageLink-NavLink"][href^="Kill_list"]').first.click()
    page.get_by_role("heading", name="Kill list").wait_for(timeout=60_000)
    _settled(page)


def test_upload_kill_list_download_and_review(server, browser, tmp_path):
    expected = portfolio.kill_list(portfolio.score(load_roadmap(UPLOAD).projects, config.defaults()))
    context = browser.new_context(viewport={"width": 1280, "height": 1600}, accept_downloads=True)
    try:
        page = context.new_page()
        _upload_and_open_kill_list(page, server, UPLOAD)

        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name="Kill list (CSV)").click()
        target = tmp_path / "kill_list.csv"
        info.value.save_as(target)
        rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
        # The app's download is for people: labelled columns, verdicts in words (the CLI keeps machine names).
        assert [r["Project ID"] for r in rows] == list(expected["project_id"])
        assert {r["Verdict"] for r in rows} <= {labels.verdict("kill"), labels.verdict("prove")}
        assert all(round(float(r["Projected savings"])) == round(v)
                   for r, v in zip(rows, expected["projected_savings_usd"], strict=True))

        top = expected.iloc[0]
        page.get_by_role("link", name=f"Review #1: {top['project']}").first.click()
        page.get_by_role("heading", name="Project review").wait_for(timeout=60_000)
        _settled(page)
        page.get_by_role("heading", name=top["project"]).first.wait_for(timeout=60_000)
        assert f"project={top['project_id']}" in page.url
        assert "review=" in page.url  # the review travels with every link
    finally:
        context.close()


# ---- tests that look -------------------------------------------------------------------------------------------

PAGES = [("", "Home")] + [(p.stem.split("_", 1)[1], p.stem.split("_", 1)[1].replace("_", " "))
                          for p in sorted((ROOT / "pages").glob("[0-9]*_*.py"))]
# (width, colour scheme, run axe): every page at three widths in light, and at 1280 in dark.
LOOKS = [(1920, "light", False), (1280, "light", True), (390, "light", True), (1280, "dark", True)]


def _machine_words() -> list[str]:
    """Our own machine names (values, fields, assumption keys) and the Material icon names the app once showed.

    Only names of two or more parts ("fine_tune", "needs-evidence"): a one-word code such as "ok" cannot be told
    apart from English. Roadmap text (a file called hospital_network.csv) is the user's and may look like code.
    """
    from core import labels
    from core.config import params
    from core.portfolio import OUTPUT_COLUMNS
    from core.vocab import vocab

    raw = labels._raw()
    words = {str(k) for kind in labels.KINDS for k in raw.get(kind, {})} | set(raw["verdicts"]) | set(raw["fields"])
    words |= set(params()) | set(vocab().columns) | set(OUTPUT_COLUMNS)
    words |= {"content_cut", "fact_check", "bar_chart", "check_circle", "radio_button_unchecked", "table_view"}
    return sorted(w for w in words if re.search(r"[a-z][_-][a-z]", w))


# What a reader must never see: blanks printed by pandas, machine values, Markdown or icon directives.
FORBIDDEN = [
    (re.compile(r"\b(None|nan|NaN|NaT)\b"), "a blank printed as None/nan/NaT"),
    (re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, _machine_words())) + r")(?![\w-])"),
     "a machine name or icon name"),
    (re.compile(r":material/|:[a-z]+(?:-badge)?\[|\*\*"), "Markdown or an icon directive"),
]
# The text a reader sees on the page, leaving out what is not text: grids (canvas), charts, and Streamlit's own
# Material icons (stIconMaterial, hidden from screen readers); file names are the user's own.
_VISIBLE_TEXT = """() => {
  const root = document.querySelector('[data-testid="stMain"]') || document.body;
  const clone = root.cloneNode(true);
  clone.querySelectorAll('[data-testid="stDataFrame"], [data-testid="stIconMaterial"], style, script, svg, canvas,'
    + ' [data-testid="stVegaLiteChart"], [data-testid="stArrowVegaLiteChart"], [data-testid="stFileUploaderFileName"]')
    .forEach(e => e.remove());
  return clone.textContent.replace(/\\s+/g, ' ');
}"""
# What assistive technology announces as names: link, button and tab texts, aria-labels and titles.
_ANNOUNCED = """() => {
  const out = [];
  document.querySelectorAll('a, button, [role="tab"], [aria-label], [title]').forEach(e => {
    const c = e.cloneNode(true);
    c.querySelectorAll('[data-testid="stIconMaterial"]').forEach(i => i.remove());
    out.push((e.getAttribute('aria-label') || '') + ' ' + (e.getAttribute('title') || '') + ' ' + c.textContent);
  });
  return out;
}"""
_OVERFLOW = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return {doc: document.documentElement.scrollWidth - window.innerWidth,
          main: main ? main.scrollWidth - main.clientWidth : 0};
}"""
# Each Kill list card's text blocks: anything cut (scrolling or clipped) shows as scroll size > client size.
_CUT_CARDS = """() => {
  const panel = [...document.querySelectorAll('[role="tabpanel"]')].find(p => !p.hidden) || document;
  const cut = [];
  panel.querySelectorAll('[data-testid="stVerticalBlockBorderWrapper"] [data-testid="stMarkdownContainer"]')
    .forEach(e => {
      const s = getComputedStyle(e);
      if (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1 || s.textOverflow === 'ellipsis')
        cut.push(e.textContent.slice(0, 80));
    });
  return {cut, text: panel.textContent.replace(/\\s+/g, ' ')};
}"""


def _shots_dir(tmp_path_factory) -> Path:
    wanted = os.environ.get("AIRR_SHOTS_DIR")
    path = Path(wanted) if wanted else tmp_path_factory.mktemp("shots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _screenshot(page, path: Path, width: int) -> None:
    """The whole page: Streamlit scrolls inside its main block, so the viewport is stretched to the content."""
    height = page.evaluate("Math.max(...[...document.querySelectorAll("
                           "'[data-testid=stMain], [data-testid=stAppViewContainer], body')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 12_000)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": 1000})


def _problems_in_text(text: str) -> list[str]:
    found = []
    for pattern, what in FORBIDDEN:
        for m in pattern.finditer(text):
            found.append(f"{what}: {text[max(0, m.start() - 40):m.end() + 40]!r}")
    return found


@pytest.mark.parametrize(("width", "scheme", "run_axe"), LOOKS, ids=[f"{w}-{s}" for w, s, _ in LOOKS])
def test_every_page_reads_well(server, browser, tmp_path_factory, width, scheme, run_axe):
    from axe_playwright_python.sync_playwright import Axe

    shots = _shots_dir(tmp_path_factory)
    expected = portfolio.kill_list(portfolio.score(load_roadmap(ROOT / "sample_portfolios" / "bank.csv").projects,
                                                   config.defaults()))
    problems: list[str] = []
    context = browser.new_context(viewport={"width": width, "height": 1000}, color_scheme=scheme)
    try:
        page = context.new_page()
        for path, title in PAGES:
            page.goto(f"{server}/{path}")
            page.get_by_role("heading", name="AI Roadmap Review" if not path else title).first.wait_for(
                timeout=60_000)
            _settled(page)
            page.wait_for_timeout(1200)  # charts draw after the script has finished
            where = f"{title} at {width} px ({scheme})"
            _screenshot(page, shots / f"{path or 'Home'}_{width}_{scheme}.png", width)
            over = page.evaluate(_OVERFLOW)
            if over["doc"] > 1 or over["main"] > 1:
                problems.append(f"{where}: the page scrolls sideways by {max(over.values())} px")
            problems += [f"{where}: {p}" for p in _problems_in_text(page.evaluate(_VISIBLE_TEXT))]
            for name in page.evaluate(_ANNOUNCED):
                problems += [f"{where}, announced name: {p}" for p in _problems_in_text(name)]
            if path == "Kill_list":
                cards = page.evaluate(_CUT_CARDS)
                problems += [f"{where}: cut-off card text {c!r}" for c in cards["cut"]]
                for _, row in expected.head(50).iterrows():
                    for sentence in (f"{row['recommendation']}.", labels.sentences(row["evidence_needed"])):
                        if sentence and sentence not in cards["text"]:
                            problems.append(f"{where}: {row['project']}: sentence not shown in full: {sentence!r}")
            if run_axe:
                result = Axe().run(page)
                for v in result.response["violations"]:
                    if v["impact"] in ("serious", "critical"):
                        targets = [n["target"] for n in v["nodes"][:3]]
                        problems.append(f"{where}: axe {v['impact']} {v['id']}: {v['help']} at {targets}")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_the_brief_fits_a_phone_and_a4_and_letter_paper(browser, tmp_path_factory):
    from core import brief

    shots = _shots_dir(tmp_path_factory)
    cfg = config.make({"horizon_years": 5})
    scored = portfolio.score(load_roadmap(ROOT / "sample_portfolios" / "bank.csv").projects, cfg)
    html = brief.build_brief(scored, portfolio.kill_list(scored), portfolio.summarize(scored), cfg, "bank.csv")
    page = browser.new_page(viewport={"width": 390, "height": 800})
    try:
        page.set_content(html)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(shots / "brief_390.png"), full_page=True)
        # Printable widths at 12 mm margins, in CSS px (96 per inch): A4 186 mm, Letter 191.9 mm.
        page.emulate_media(media="print")
        for paper, printable in (("A4", 703), ("Letter", 725)):
            page.set_viewport_size({"width": printable, "height": 1000})
            assert page.evaluate("document.documentElement.scrollWidth") <= printable, paper
            page.pdf(path=str(shots / f"brief_{paper}.pdf"), format=paper)
    finally:
        page.close()


# ---- a hostile file cannot take the server down (issue 9) --------------------------------------------------------

def test_a_control_character_in_a_team_name_does_not_take_the_server_down(server, browser, tmp_path):
    # A \x01 or ESC in a team name made the brief's chart renderer (vl-convert) panic, which aborted the
    # whole server: every tab showed "Connection error". Now the renderer runs in a child process and
    # chart text is cleaned, so the brief is built, and the server answers afterwards.
    hostile = ROOT / "tests" / "corpus" / "csv_control_chars_in_team.csv"
    context = browser.new_context(viewport={"width": 1280, "height": 1600}, accept_downloads=True)
    try:
        page = context.new_page()
        _upload_and_open_kill_list(page, server, hostile)
        # The brief and the slides draw charts: built on request, under a spinner, then offered.
        page.get_by_role("button", name="Build the slides and the meeting brief").click()
        page.get_by_role("button", name="Slides (PowerPoint)").wait_for(timeout=120_000)
        with page.expect_download(timeout=60_000) as deck_info:
            page.get_by_role("button", name="Slides (PowerPoint)").click()
        deck = tmp_path / "deck.pptx"
        deck_info.value.save_as(deck)
        from pptx import Presentation

        texts = " ".join(shape.text_frame.text for slide in Presentation(str(deck)).slides
                         for shape in slide.shapes if shape.has_text_frame)
        assert "\x01" not in texts and "\x1b" not in texts and "Summary" in texts
        with page.expect_download(timeout=120_000) as info:
            page.get_by_role("button", name="Meeting brief (HTML)").click()
        brief = tmp_path / "brief.html"
        info.value.save_as(brief)
        html = brief.read_text(encoding="utf-8")
        assert html.count("<svg") >= 4  # every chart drawn
        assert "\x01" not in html and "\x1b" not in html
        assert "RiskTeam" in html
        # The server is still up: its health check answers and a new visit gets the app.
        assert urllib.request.urlopen(f"{server}/_stcore/health", timeout=10).read() == b"ok"
        page.goto(server)
        page.get_by_role("heading", name="AI Roadmap Review").wait_for(timeout=60_000)
        _settled(page)
        assert not page.get_by_text("Connection error").count()
    finally:
        context.close()
