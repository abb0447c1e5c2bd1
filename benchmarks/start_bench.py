"""Start-up benchmark: `streamlit run` to the first rendered page in Chromium, the app vs a hello world."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from benchmarks.measure import PYTHON, ROOT, bench_env, free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
HELLO_PAGE = 'import streamlit as st\n\nst.title("Hello")\n'
DEADLINE_S = 120.0


@dataclass(frozen=True)
class Target:
    """A script to serve and the h1 that shows its first page has rendered."""

    script: Path
    heading: str


def _streamlit_cmd(script: Path, port: int) -> list[str]:
    exe = Path(PYTHON).with_name("streamlit")
    base = [str(exe)] if exe.exists() else [PYTHON, "-m", "streamlit"]
    return [*base, "run", str(script), "--server.headless", "true", "--server.port", str(port),
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]


def _wait_healthy(proc: subprocess.Popen[bytes], port: int) -> None:
    url = f"http://localhost:{port}/_stcore/health"
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.02)
    raise RuntimeError(f"streamlit was not healthy on port {port} after {DEADLINE_S:.0f} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    # By its own pid only: terminate, then kill if it ignores that.
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def time_start(browser: Browser, target: Target, env: dict[str, str]) -> float:
    """Seconds from Popen to the page's h1 rendered and its script finished, in a fresh browser context."""
    port = free_port()
    # The browser is already running: its own launch is not part of the app's start-up.
    context = browser.new_context()
    start = time.perf_counter()
    proc = subprocess.Popen(_streamlit_cmd(target.script, port), cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_healthy(proc, port)
        page = context.new_page()
        page.goto(f"http://localhost:{port}/", timeout=DEADLINE_S * 1000)
        page.locator("h1", has_text=target.heading).first.wait_for(timeout=DEADLINE_S * 1000)
        page.wait_for_selector(READY, timeout=DEADLINE_S * 1000)
        return time.perf_counter() - start
    finally:
        context.close()
        _stop(proc)


def measure(runs: int, warmup: bool, workdir: Path) -> dict[str, list[float]]:
    """Start-up seconds of the app and of a hello world, `runs` each, interleaved."""
    hello = workdir / "hello.py"
    hello.write_text(HELLO_PAGE, encoding="utf-8")
    targets = {"hello": Target(hello, "Hello"), "app": Target(ROOT / "app.py", "AI Roadmap Review")}
    times: dict[str, list[float]] = {name: [] for name in targets}
    env = bench_env(workdir)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            if warmup:  # first starts read cold files and compile bytecode; not what a user waits for twice
                for target in targets.values():
                    time_start(browser, target, env)
            for _ in range(runs):
                for name, target in targets.items():
                    times[name].append(time_start(browser, target, env))
        finally:
            browser.close()
    return times
