"""One real-browser run: a `streamlit run` server driven by headless Chromium through
upload -> kill list -> CSV download -> project review of the top item."""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from core import config, portfolio
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    log_path = tmp_path_factory.mktemp("server") / "streamlit.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "AIRR_DATABASE_URL": f"sqlite:///{log_path.parent / 'decisions.db'}"},
        )
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
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if os.environ.get("AIRR_SHOW_SERVER_LOG"):
            print(log_path.read_text())


def _settled(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)


def test_upload_kill_list_download_and_review(server, tmp_path):
    from playwright.sync_api import sync_playwright

    expected = portfolio.kill_list(portfolio.score(load_roadmap(UPLOAD).projects, config.defaults()))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600}, accept_downloads=True)
            page.goto(server)
            page.get_by_role("heading", name="AI Roadmap Review").wait_for(timeout=60_000)
            _settled(page)

            page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(UPLOAD))
            page.get_by_text("hospital_network.csv").first.wait_for(timeout=60_000)
            page.get_by_text("(uploaded file)").wait_for(timeout=60_000)
            _settled(page)

            page.locator('[data-testid="stPageLink-NavLink"][href^="Kill_list"]').first.click()
            page.get_by_role("heading", name="Kill list").wait_for(timeout=60_000)
            _settled(page)

            with page.expect_download(timeout=60_000) as info:
                page.get_by_role("button", name="Kill list (CSV)").click()
            target = tmp_path / "kill_list.csv"
            info.value.save_as(target)
            rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
            assert [r["project_id"] for r in rows] == list(expected["project_id"])
            assert {r["verdict"] for r in rows} <= {"kill", "prove"}
            assert all(int(r["projected_savings_usd"]) == round(v)
                       for r, v in zip(rows, expected["projected_savings_usd"], strict=True))

            top = expected.iloc[0]
            page.get_by_role("link", name=f"Review #1: {top['project']}").first.click()
            page.get_by_role("heading", name="Project review").wait_for(timeout=60_000)
            _settled(page)
            page.get_by_role("heading", name=top["project"]).first.wait_for(timeout=60_000)
            assert f"project={top['project_id']}" in page.url
            assert "review=" in page.url  # the review travels with every link
        finally:
            browser.close()
