"""End to end: the real workshop app in headless Chromium (Debian's, driven by Playwright).

Starts ``alliance-sim workshop mid-notts`` on a free localhost port (its rooms saved in a temporary
folder). One facilitator and three tables, each in its own browser context (its own cookies: its
own device), play one room: the tables join with the room's code on a phone-sized page, vote on
their own devices, the facilitator's screen shows who has voted and holds the meeting. Then the
session survives a reload, Reset asks first, and no page asks solara.dev for anything. Every wait
is on the page's state (a selector or its text), never a fixed sleep.

``ALLIANCE_SIM_SCREENSHOTS=docs/screenshots`` also saves the README's screenshots.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_MS = 30_000
TABLES = {
    "council": "Nottinghamshire County Council",
    "sfh": "Sherwood Forest Hospitals",
    "nuh": "Nottingham University Hospitals",
}

#: Once the facilitator's screen shows ``n`` room votes (or no longer waits): the tables it
#: waits for, read from the one element that holds both.
OWING_AFTER = """n => {
  const w = document.querySelector('#ws-waiting');
  if (!w) return [];
  return w.dataset.votes == String(n) ? w.dataset.owing.split(' ').filter(Boolean) : null;
}"""

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


def start_server(state: Path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "alliance_sim.cli", "workshop", "mid-notts", "--port", str(port)]
        + ["--state", str(state)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, stopped as a whole below
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            pytest.fail(f"the workshop server exited:\n{process.stdout.read()}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            if time.monotonic() > deadline:
                stop_server(process)
                pytest.fail("the workshop server did not answer within 60 s")
            time.sleep(0.2)  # polling the server's socket, not waiting on the page


def stop_server(process) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app, started by its own command, on a free port; stopped after the tests."""
    process, url = start_server(tmp_path_factory.mktemp("rooms"))
    try:
        yield url
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield chromium
        chromium.close()


class Device:
    """One browser context (its own cookies, so its own device), with the hosts it asked."""

    def __init__(self, browser, width: int, height: int) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.hosts: set[str] = set()
        self.page.on(
            "request", lambda r: self.hosts.add(re.sub(r"^\w+://([^/:]+).*", r"\1", r.url))
        )

    def close(self) -> None:
        self.context.close()


def shoot(page, name: str) -> None:
    folder = os.environ.get("ALLIANCE_SIM_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), animations="disabled")


def run_until_the_room_is_asked(page) -> None:
    page.get_by_role("button", name="Run to end").click()
    expect(page.locator("#ws-waiting")).to_be_visible()


def test_three_tables_vote_from_their_own_devices_in_one_room(browser, server):
    facilitator = Device(browser, 1280, 800)
    phones = {key: Device(browser, 390, 844) for key in TABLES}
    try:
        page = facilitator.page
        page.goto(server + "/")
        code = page.locator("#ws-code").inner_text()
        assert re.fullmatch(r"[A-Z]{4}", code)
        expect(page.locator("#ws-qr svg")).to_be_visible()
        expect(page.locator("#ws-join-url")).to_contain_text(f"/join?room={code}")

        # Each table joins with the code (one by the form, two by the QR code's address).
        for i, (key, name) in enumerate(TABLES.items()):
            phone = phones[key].page
            if i == 0:
                phone.goto(server + "/join")
                phone.get_by_label("Room code").fill(code.lower())
                phone.get_by_role("button", name="Join").click()
            else:
                phone.goto(f"{server}/join?room={code}")
            phone.get_by_role("button", name=re.compile(f"^{name}")).click()
            expect(phone.locator("#ws-me")).to_contain_text(f"You play {name}")
            expect(page.locator(f'[data-party="{key}"]')).to_be_visible()

        run_until_the_room_is_asked(page)
        expect(page.get_by_role("button", name="Step one meeting")).to_be_disabled()
        meeting = int(page.locator("#ws-where").inner_text().split(" of ")[0]) + 1

        # Every table the facilitator's screen says is to vote votes on its own phone, until
        # the meeting needs nothing more.
        voted = 0
        for _ in range(30):
            owing = page.wait_for_function(OWING_AFTER, arg=voted).json_value()
            if not owing:
                break
            device = phones[owing[0]]
            card = device.page.locator("#ws-phone-card")
            expect(card).to_be_visible()
            request = card.get_attribute("data-request")
            if voted == 0:
                shoot(device.page, "phone-vote")
            device.page.get_by_role("button", name="Vote no").click()
            voted += 1
            expect(device.page.locator(f'#ws-phone-card[data-request="{request}"]')).to_have_count(
                0
            )
            expect(page.locator("#ws-running")).to_contain_text(f"room votes {voted}")
            if voted == 1:
                shoot(page, "facilitator-room")  # one table has voted, others to vote
        assert voted >= 1
        expect(page.locator("#ws-waiting")).to_have_count(0)
        status = page.locator("[data-party]").all_inner_texts()
        assert "voted" in status, f"the facilitator sees who has voted: {status}"
        assert meeting == int(page.locator("#ws-where").inner_text().split(" of ")[0]) + 1, (
            "the votes are in, but the facilitator holds the meeting"
        )

        page.get_by_role("button", name="Step one meeting").click()
        expect(page.locator("#ws-where")).to_contain_text(f"{meeting} of 40 meetings held")
        for device in phones.values():
            expect(device.page.locator("#ws-phone-where")).to_contain_text(f"{meeting} of 40")
        page.get_by_role("tab", name="Narrative").click()
        expect(page.locator("#ws-narrative")).to_contain_text("votes no (the room's vote)")

        # Nothing lost: a phone that reloads keeps its seat; the facilitator's screen its room.
        phone = phones["council"].page
        phone.reload()
        expect(phone.locator("#ws-me")).to_contain_text(TABLES["council"])
        page.reload()
        expect(page.locator("#ws-code")).to_have_text(code)
        expect(page.locator("#ws-where")).to_contain_text(f"{meeting} of 40 meetings held")

        # Reset asks first, and Cancel keeps everything.
        page.get_by_role("button", name="Reset").click()
        expect(page.get_by_text("Start this design again from its first meeting?")).to_be_visible()
        page.get_by_role("button", name="Cancel").click()
        expect(page.get_by_text("Start this design again")).to_be_hidden()
        expect(page.locator("#ws-where")).to_contain_text(f"{meeting} of 40 meetings held")

        # The handout is there to download, and no page asked an outside host for anything.
        with page.expect_download() as download:
            page.get_by_role("button", name="Handout (HTML)").click()
        assert download.value.suggested_filename == f"workshop-{code}.html"
        asked = set().union(facilitator.hosts, *(d.hosts for d in phones.values()))
        assert asked <= {"127.0.0.1", "localhost"}, f"outside hosts asked: {asked}"
    finally:
        for device in (facilitator, *phones.values()):
            device.close()


def test_a_double_click_holds_one_meeting_a_design_change_asks_and_projector_mode(browser, server):
    device = Device(browser, 1280, 800)
    try:
        page = device.page
        page.goto(server + "/")
        where = page.locator("#ws-where")
        expect(where).to_contain_text("0 of 40 meetings held")
        page.get_by_role("button", name="Step one meeting").dblclick()
        expect(where).to_contain_text("1 of 40")
        page.get_by_role("tab", name="Meeting").click()
        expect(page.locator("#ws-meeting")).to_contain_text("board meeting 1")
        assert where.inner_text().startswith("1 of 40"), "the second click held nothing"

        seed = page.get_by_label("Seed")
        seed.fill("7")
        seed.press("Enter")
        expect(page.get_by_text("The new design restarts the run")).to_be_visible()
        page.get_by_role("button", name="Cancel").click()
        expect(page.get_by_text("The new design restarts the run")).to_be_hidden()
        expect(where).to_contain_text("1 of 40")
        expect(page.locator(".ws-sub").first).to_contain_text("Seed 1")

        expect(page.locator(".ws-side")).to_be_visible()
        page.get_by_role("button", name="Projector mode").click()
        expect(page.locator(".ws-side")).to_have_count(0)
        shoot(page, "projector")
    finally:
        device.close()
