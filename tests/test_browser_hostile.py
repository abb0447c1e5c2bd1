"""Hostile text and hostile workbooks in a real browser against a real `streamlit run` server (issue 17).

- No live link from user text: a roadmap whose names, ids, teams, headers, descriptions and decision notes
  hold http://, https://, www., e-mail addresses, word-joiner variants and Markdown links gives no <a>
  whose href came from that text, on any page, nor in the "Use it" tooltip.
- A workbook standing for millions of cells is refused quickly, and the server's memory comes back within
  200 MB of where it was (before: 102 s and 1.9 GB, 1.66 GB still held afterwards).
"""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path

import pytest
from test_browser import _free_port, _settled, launched_chromium, streamlit_server
from xlsx_bombs import cells_workbook

from core.loader import load_roadmap
from core.store import Decision, Store

pytestmark = pytest.mark.browser

WJ = "\u2060"
# Every way a text can ask to become a link: bare URLs, www. addresses (with the word joiner that once gave
# href="http://www.%E2%81%A0evil.example"), e-mail and mailto, Markdown and autolink syntax, HTML.
HOSTILE = [
    "Claims bot www.evil.example", "See https://evil.example/a?b=c", f"www.{WJ}evil.example", f"http://{WJ}evil.example",
    "boss@evil.example", "[click](https://evil.example)", "<https://evil.example>", "mailto:a@evil.example",
    "WWW.EVIL.EXAMPLE", "Ask HTTPS://EVIL.EXAMPLE", '<a href="https://evil.example">x</a>', "wwww.evil.example",
]
LIKELY_HEADER = "opsbudget@ev.il"  # close enough to "ops budget" to be offered with a "Use it" button


def _roadmap(quarter: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["project_id", "project", "approach", "team", "owner", "description", LIKELY_HEADER,
                "www.header-evil.example"])
    for i, text in enumerate(HOSTILE):
        w.writerow([f"H{i}", text, "fine-tune", f"team www.t{i}.evil.example", f"o{i}@evil.example",
                    f"{quarter}: {text}", "100", f"https://x{i}.evil.example"])
    return buf.getvalue().encode()


def _evil_links(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('a')]
        .map(a => a.getAttribute('href') || '')
        .filter(h => /evil|ev[.]il|%E2%81%A0|mailto/i.test(h))""")


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    db = base / "reviews.db"
    store = Store(f"sqlite:///{db}")
    q3 = store.create_review("hostile", "hostile Q3.csv", _roadmap("Q3"))
    q4 = store.create_review("hostile", "hostile Q4.csv", _roadmap("Q4"))
    for i, text in enumerate(HOSTILE[:6]):
        store.append(Decision("hostile", f"H{i}", text, "kill", f"Rev www.r{i}.evil.example",
                              note=f"{text} and r{i}@evil.example and www.{WJ}n{i}.evil.example", review_id=q3.id))
    with streamlit_server(_free_port(), db, base / "streamlit.log") as url:
        yield url, q4.id


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as chromium:
        yield chromium


PAGES = ["", "Portfolio", "Project_review", "Kill_list", "Assumptions", "Decisions", "Compare"]


def test_no_page_links_text_from_the_roadmap_the_notes_or_the_headers(hostile_server, browser):
    url, review = hostile_server
    context = browser.new_context(viewport={"width": 1280, "height": 1600})
    found: dict[str, list[str]] = {}
    try:
        page = context.new_page()
        visits = [f"{url}/{p}?review={review}" for p in PAGES]
        visits += [f"{url}/Project_review?review={review}&project=H{i}" for i in range(len(HOSTILE))]
        for target in visits:
            page.goto(target)
            _settled(page)
            page.wait_for_timeout(500)
            page.locator("h1").first.wait_for(timeout=30_000)
            if "/Assumptions" in target:  # assumptions only: no roadmap text to link
                found[target] = _evil_links(page)
                continue
            # The roadmap's text is on screen: the check looks at the page the user would see.
            page.wait_for_function("() => (document.querySelector('[data-testid=stMain]') || document.body)"
                                   ".textContent.includes('evil')", timeout=30_000)
            found[target] = _evil_links(page)
            if shots := os.environ.get("AIRR_SHOTS_DIR"):
                path, _, query = target.split("/", 3)[-1].partition("?")
                name = (path or "Home") + "".join("_" + q.split("=")[1] for q in query.split("&") if "project=" in q)
                page.screenshot(path=str(Path(shots) / f"hostile_{name}.png"), full_page=True)
        # The "Use it" tooltip (Markdown) on Home: hovered, so its content is in the page.
        page.goto(f"{url}/?review={review}")
        _settled(page)
        button = page.get_by_role("button", name="Use it").first
        button.hover()
        tip = page.locator('[data-testid="stTooltipContent"]').first
        tip.wait_for(timeout=10_000)
        assert "opsbudget@" in tip.inner_text()
        found["Use it tooltip"] = _evil_links(page)
        if shots := os.environ.get("AIRR_SHOTS_DIR"):
            page.screenshot(path=str(Path(shots) / "hostile_home_tooltip.png"))
    finally:
        context.close()
    assert not {k: v for k, v in found.items() if v}, found


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_a_workbook_of_millions_of_cells_is_refused_and_the_server_gives_its_memory_back(browser, tmp_path):
    bomb = tmp_path / "roadmap.xlsx"
    bomb.write_bytes(cells_workbook(9_900_000))  # 300 KB whose size tag says A1:B2
    db, log = tmp_path / "reviews.db", tmp_path / "streamlit.log"
    with streamlit_server(_free_port(), db, log) as url:
        pid = _server_pid(url)
        context = browser.new_context(viewport={"width": 1280, "height": 1600})
        try:
            page = context.new_page()
            page.goto(url)
            page.get_by_role("heading", name="AI Roadmap Review").wait_for(timeout=60_000)
            _settled(page)
            baseline = _rss_mb(pid)
            start = time.monotonic()
            page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(bomb))
            page.get_by_text("holds over 250,000 cells").first.wait_for(timeout=60_000)
            seconds = time.monotonic() - start
            _settled(page)
            page.wait_for_timeout(1000)
            after = _rss_mb(pid)
        finally:
            context.close()
    assert seconds < 10, seconds  # upload, refusal and the page's rerun, in the browser
    assert after - baseline < 200, (baseline, after)


def _server_pid(url: str) -> int:
    """The PID of the streamlit server listening on the URL's port (found through /proc/net/tcp)."""
    port = int(url.rsplit(":", 1)[1])
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            parts = line.split()
            if int(parts[1].rsplit(":", 1)[1], 16) == port and parts[3] == "0A":  # LISTEN
                inodes.add(parts[9])
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fds = list((proc / "fd").iterdir())
            links = {str(fd.readlink()) for fd in fds}
        except OSError:
            continue
        if any(f"socket:[{inode}]" in links for inode in inodes):
            return int(proc.name)
    raise AssertionError(f"no process listens on port {port}")


def test_the_hostile_roadmap_loads(tmp_path):
    roadmap = load_roadmap(_roadmap("Q3"), name="hostile.csv")
    assert len(roadmap.projects) == len(HOSTILE)
