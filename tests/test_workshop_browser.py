"""End to end: the real workshop app in headless Chromium (Debian's, driven by Playwright).

Starts ``alliance-sim workshop mid-notts`` on a free localhost port, loads the page, steps three
meetings, checks the vote table, hands the council to the room, casts a "no" with the button and
checks that the narrative records the room's vote and the matter is blocked. Every wait is on the
page's state (a selector or its text), never a fixed sleep.

``ALLIANCE_SIM_SCREENSHOTS=docs/screenshots`` also saves the README's screenshots (1280x800).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from alliance_sim import load_scenario

CHROMIUM = Path("/usr/bin/chromium")
COUNCIL = "Nottinghamshire County Council"
TIMEOUT_MS = 30_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium; .ci/run "
        "installs it)",
    ),
]
playwright = pytest.importorskip("playwright.sync_api", reason="needs playwright (the dev extra)")
pytest.importorskip("solara", reason="needs the workshop extra (pip install -e '.[workshop]')")
expect = playwright.expect


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """The app, started by its own command, on a free port; stopped after the tests."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "alliance_sim.cli", "workshop", "mid-notts", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, stopped as a whole below
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"the workshop server exited:\n{process.stdout.read()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("the workshop server did not answer within 60 s")
                time.sleep(0.2)  # polling the server's socket, not waiting on the page
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server)
    page.get_by_role("button", name="Step one meeting").wait_for()
    yield page
    context.close()


def shoot(page, name: str) -> None:
    folder = os.environ.get("ALLIANCE_SIM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), animations="disabled")


def open_tab(page, name: str, ready: str) -> None:
    page.get_by_role("tab", name=name).click()
    page.locator(ready).wait_for()


def test_step_role_play_a_no_and_see_the_matter_blocked(page):
    where = page.locator("#ws-where")
    expect(where).to_contain_text("No meeting yet")
    shoot(page, "setup")

    step = page.get_by_role("button", name="Step one meeting")
    for n in (1, 2, 3):
        step.click()
        expect(where).to_contain_text(f"Meeting {n} of ")

    votes = page.locator("#ws-votes")
    parties = load_scenario("mid-notts").parties
    expect(votes.locator("tbody tr")).to_have_count(len(parties))  # every party has a row
    expect(votes).to_contain_text(COUNCIL)
    expect(votes).to_contain_text("Sherwood Forest Hospitals")
    expect(votes).to_contain_text("the system as a whole gains")  # the reasons, in plain English
    expect(votes).to_contain_text("referred")
    shoot(page, "meeting")

    open_tab(page, "Role-play and debrief", "#ws-debrief")
    page.locator("label", has_text=COUNCIL).click()
    expect(page.get_by_role("checkbox", name=COUNCIL)).to_be_checked()

    step.click()
    card = page.locator("#ws-roomvote")
    expect(card).to_contain_text(f"The room votes for {COUNCIL}")
    expect(card).to_contain_text("The agent would vote")
    expect(step).to_be_disabled()
    matter = card.locator("b").first.inner_text().split()[0]  # e.g. "M002"
    shoot(page, "room-vote")

    page.get_by_role("button", name="Vote no").click()
    expect(where).to_contain_text("Meeting 4 of ")
    expect(card).to_have_count(0)

    open_tab(page, "Narrative", "#ws-narrative")
    expect(page.locator("#ws-narrative")).to_contain_text(f"{COUNCIL} votes no (the room's vote)")
    open_tab(page, "Meeting", "#ws-agenda")
    row = page.locator("#ws-agenda tbody tr", has_text=matter)
    expect(row).to_contain_text(f"Blocked by {COUNCIL}")
    expect(page.locator("#ws-running")).to_contain_text("room votes 1")

    if os.environ.get("ALLIANCE_SIM_SCREENSHOTS"):
        open_tab(page, "Network", "#ws-network")
        shoot(page, "network")
        page.get_by_role("button", name="Run to end").click()
        done = where.filter(has_text="Term ended")
        no = page.get_by_role("button", name="Vote no")
        while True:
            expect(no.or_(done)).to_be_visible()
            request = page.evaluate(
                "() => document.querySelector('#ws-roomvote')?.dataset.request ?? null"
            )
            if request is None:
                if done.is_visible():
                    break
                continue
            no.click()
            expect(page.locator(f'#ws-roomvote[data-request="{request}"]')).to_have_count(0)
        open_tab(page, "Role-play and debrief", "#ws-debrief")
        page.locator("#ws-debrief").evaluate("e => e.scrollIntoView({block: 'start'})")
        shoot(page, "debrief")
