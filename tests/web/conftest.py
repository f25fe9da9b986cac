"""Browser-test fixtures: a workspace made by the real pipeline, ``storyline serve`` on it in a
subprocess, and a headless Chromium driven by Selenium.

The browser is Debian's ``/usr/bin/chromium`` with its ``/usr/bin/chromedriver``
(``scripts/install-browser``, run by ``make unit``). Selenium is always handed the driver's
path, so Selenium Manager never downloads anything. Without them the browser tests fail in CI
and skip elsewhere, saying what to install.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_PAGES = ROOT / "sample" / "pages"
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# Without the background-networking flags Chromium keeps calling home on a closed network.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
)
# A fresh `storyline serve` answers in a few seconds; a cold, loaded machine takes longer.
SERVER_START_SECONDS = 90.0
# Tallest full-page screenshot (pixels): a long page is cut there.
SCREENSHOT_MAX_HEIGHT = 8000
PAGE_WIDTH = 1280


def _missing(message: str) -> None:
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    """A free loopback TCP port (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """``python -m storyline --db DB serve --port PORT`` in a subprocess, this checkout's source."""

    def __init__(self, db: Path, log: Path, *args: str) -> None:
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
        command = [sys.executable, "-m", "storyline", "--db", str(db), "serve", *args]
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [*command, "--port", str(self.port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait(self, seconds: float = SERVER_START_SECONDS) -> None:
        """Until ``/stories.json`` answers 200; fails with the server's log otherwise."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"storyline serve exited ({self.process.returncode}):\n{self.output()}")
            try:
                if httpx.get(self.url + "/stories.json", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"storyline serve did not answer in {seconds:.0f} s:\n{self.output()}")

    def stop(self) -> None:
        # The whole process group: with ``--workers`` the server is a supervisor and its workers.
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@contextmanager
def serving(db: Path, log: Path, *args: str) -> Iterator[LiveServer]:
    """A live server on ``db`` for the ``with`` block; it is stopped however the block ends."""
    server = LiveServer(db, log, *args)
    try:
        server.wait()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def seeded_db(
    tmp_path_factory: pytest.TempPathFactory,
    seeds_dir: Path,
    run_cli: Callable[..., subprocess.CompletedProcess[str]],
) -> Path:
    """A workspace of the seeds and ``sample/pages/``, ingested by the real CLI."""
    db = tmp_path_factory.mktemp("web-seeded") / "seeded.db"
    result = run_cli(db, "ingest", "-q", str(seeds_dir), str(SAMPLE_PAGES))
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture(scope="session")
def live_server(seeded_db: Path) -> Iterator[LiveServer]:
    """``storyline serve`` on the seeded workspace, for the whole session."""
    with serving(seeded_db, seeded_db.with_name("serve.log")) as server:
        yield server


@pytest.fixture(scope="session")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """A headless Chromium (Debian's), never anything Selenium Manager would fetch."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        _missing(
            f"{CHROMIUM} or {CHROMEDRIVER} is missing: run scripts/install-browser "
            "(apt-get install chromium chromium-driver) for the browser tests"
        )
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed: pip install -e '.[dev]'")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    # An alert a payload opens must stay open for the test to see it, not be dismissed.
    options.unhandled_prompt_behavior = "ignore"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(
        str(CHROMEDRIVER),
        log_output=str(tmp_path_factory.mktemp("chromedriver") / "chromedriver.log"),
    )
    browser = webdriver.Chrome(options=options, service=service)
    browser.set_page_load_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()


def screenshot(driver: WebDriver, name: str) -> Path:
    """A full-page PNG of the current page to ``build/screenshots/NAME.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(PAGE_WIDTH, min(max(int(height) + 140, 600), SCREENSHOT_MAX_HEIGHT))
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(PAGE_WIDTH, 1000)
    return path


@pytest.fixture(scope="session")
def shoot() -> Callable[[WebDriver, str], Path]:
    """``shoot(driver, name)``: a full-page screenshot to ``build/screenshots/NAME.png``."""
    return screenshot


@pytest.fixture(scope="session")
def serve() -> Callable[..., AbstractContextManager[LiveServer]]:
    """``with serve(db, log, *args) as server``: another live server, stopped after the block."""
    return serving
