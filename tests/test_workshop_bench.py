"""Benchmarks: thirty phones voting at the same moment on one server (``make bench``).

``test_thirty_phones_vote_at_once``: three rooms of ten tables (each phone its own browser
context, so its own device, each at its own party's table). In every round all thirty phones
show a vote card and tap "Vote yes" together; the time runs from the tap (``Date.now()`` in the
phone's page) to the phone showing that vote as in (``Date.now()`` in the same page, watched by a
MutationObserver). Goal: a median under 1 s. Every tap must be counted once: each room's saved
journal is read back and every card tapped must hold exactly one vote (none lost, none
duplicated). How soon a phone shows the tap as sent (before the server answers) is reported too.

``test_thirty_devices_at_the_tables_of_one_room``: a workshop of thirty people in one mid-notts
room (its eleven voting parties' tables, most of them shared, by choice), all tapping at once; each
card must hold one vote, every phone must show its table's vote as in, and the projector
(1280x720) must keep its tabs in view. How soon a tap shows its table's vote in is reported, not
held to the goal: most taps here are the second or third on a card, and every device at a table
is drawn again for its table-mate's vote. ``ALLIANCE_SIM_SCREENSHOTS=docs/screenshots`` saves that
projector as ``projector.png``.
"""

from __future__ import annotations

import os
import re
import statistics
from collections import Counter

import pytest

from alliance_sim.workshop import Design, views
from tests.test_workshop_browser import (
    CHROMIUM,
    PHONE,
    PROJECTOR,
    Device,
    Server,
    shoot,
)

pytestmark = [
    pytest.mark.benchmark,
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]
playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

ROOMS = 3
TABLES_PER_ROOM = 10
ROUNDS = 4
GOAL_MS = 1000
BASE = Design.of("mid-notts").base
FULL = [k for k, p in BASE.parties.items() if str(p.membership) == "full"]

#: Installed in a phone before the taps: a promise of the moments of the tap, of its vote showing
#: as in, and of the tap showing as sent.
WATCH = """() => {
  const card = document.querySelector('#ws-phone-card');
  window.__card = card ? card.dataset.request : null;
  window.__sent = null;
  window.__done = new Promise(resolve => {
    const seen = () => {
      const status = document.querySelector('#ws-phone-status');
      const cast = (status && status.dataset.cast || '').split(' ');
      if (window.__sent === null && document.querySelector('#ws-sending')) window.__sent = Date.now();
      if (cast.some(t => t.startsWith(window.__card + '='))) {
        observer.disconnect();
        resolve([window.__t0, Date.now(), window.__sent]);
      }
    };
    const observer = new MutationObserver(seen);
    observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  });
  return window.__card;
}"""
#: Tap ``label`` on the card watched (not on a card that replaced it meanwhile: a phone sharing a
#: table can see its table's vote come in before it taps).
TAP = """label => {
  const card = document.querySelector('#ws-phone-card');
  if (!card || card.dataset.request !== window.__card) return null;
  const b = [...card.querySelectorAll('button')].find(b => b.textContent.trim() === label);
  if (!b) return null;
  window.__t0 = Date.now(); b.click(); return window.__t0;
}"""
#: Resolves when the phone shows its vote as in (event-driven: no polling in the page).
RESULT = "() => window.__done"
#: The facilitator's screen no longer waits, or offers to let an agent vote.
SETTLED_OR_AGENT = """() => !document.querySelector('#ws-waiting')
  || document.querySelector('.ws-agent-btn:not([disabled])')"""


def launch(p):
    return p.chromium.launch(
        executable_path=str(CHROMIUM),
        args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
    )


class BenchRoom:
    """A projector and its phones, in a room of the benchmark's server."""

    def __init__(self, browser, url: str, seats: list[str]) -> None:
        self.url = url
        self.screen = Device(browser, *PROJECTOR)
        page = self.screen.page
        page.goto(url + "/")
        self.code = page.locator("#ws-code").inner_text()
        page.wait_for_function("code => location.search === '?room=' + code", arg=self.code)
        self.phones: list[tuple[str, Device]] = []
        for key in seats:
            phone = Device(browser, *PHONE)
            phone.page.goto(f"{url}/join?room={self.code}")
            name = views.short_name(BASE.parties[key].name)
            phone.page.get_by_role("button", name=re.compile(f"^{re.escape(name)}")).click()
            share = phone.page.get_by_role("button", name="Share this table")
            me = phone.page.locator("#ws-me")
            expect(share.or_(me)).to_be_visible()
            if share.is_visible():
                share.click()
            expect(me).to_be_visible()
            self.phones.append((key, phone))

    def devices(self) -> list[Device]:
        return [self.screen, *(p for _, p in self.phones)]

    def settle_with_agents(self) -> None:
        """Let the agent vote for every table the meeting still waits for."""
        page = self.screen.page
        for _ in range(60):
            page.wait_for_function(SETTLED_OR_AGENT)
            if page.locator("#ws-waiting").count() == 0:
                return
            button = page.locator(".ws-agent-btn:not([disabled])").first
            row = button.locator("xpath=ancestor::div[contains(@class, 'ws-table-row')]")
            key = row.locator("[data-party]").get_attribute("data-party")
            button.click()
            expect(page.locator(f'[data-party="{key}"]')).not_to_contain_text("to vote")
        raise AssertionError("the meeting kept waiting")

    def to_cards_for_every_table(self) -> None:
        """Run on until every table of the room has a vote card (the agents settling what the
        tables owe at meetings where some have none)."""
        page = self.screen.page
        tables = {key for key, _ in self.phones}
        for _ in range(40):
            waiting = page.locator("#ws-waiting")
            expect(waiting).to_be_visible()
            if tables <= set(waiting.get_attribute("data-owing").split()):
                for _, phone in self.phones:
                    expect(phone.page.locator("#ws-phone-card")).to_be_visible()
                return
            self.settle_with_agents()
            page.get_by_role("button", name="Run to end").click()
        raise AssertionError("no meeting asked every table")


def tap_together(rooms: list[BenchRoom], label: str) -> list[tuple[str, str, float, float]]:
    """Every phone taps ``label`` on its card at once: (room code, card, ms to in, ms to sent)
    for each tap."""
    phones = [(room, phone) for room in rooms for _, phone in room.phones]
    cards = [(room, phone, phone.page.evaluate(WATCH)) for room, phone in phones]
    assert all(card for _, _, card in cards), "every phone shows a card"
    tapped = [phone.page.evaluate(TAP, label) is not None for _, phone, _ in cards]
    out = []
    for (room, phone, card), tap in zip(cards, tapped, strict=True):
        t0, t_in, t_sent = phone.page.evaluate(RESULT)  # every phone sees its card's vote in
        if tap and t0 is not None and t_in >= t0:  # not seen in before it tapped
            out.append((room.code, card, t_in - t0, (t_sent - t0) if t_sent else float("nan")))
    return out


def counted_once(server: Server, taps: list[tuple[str, str, float, float]]) -> tuple[int, int]:
    """(lost, duplicated): cards tapped with no vote in the room's journal, and cards with more
    than one."""
    lost = duplicated = 0
    for code in {c for c, *_ in taps}:
        journal = server.saved(code)["journal"]
        held = Counter(a[4] for a in journal if a[0] == "vote")
        tapped = {card for c, card, *_ in taps if c == code}
        lost += sum(held[card] == 0 for card in tapped)
        duplicated += sum(n > 1 for n in held.values())
    return lost, duplicated


def summary(latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    return {
        "median_ms": round(statistics.median(ordered)),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))]),
        "max_ms": round(ordered[-1]),
    }


def test_thirty_phones_vote_at_once(tmp_path, benchmark):
    server = Server(tmp_path).start()
    taps: list[tuple[str, str, float, float]] = []
    try:
        with playwright.sync_playwright() as p:
            browser = launch(p)
            rooms = [BenchRoom(browser, server.url, FULL[:TABLES_PER_ROOM]) for _ in range(ROOMS)]
            for room in rooms:
                room.screen.page.get_by_role("button", name="Run to end").click()

            def one_round() -> None:
                for room in rooms:
                    room.to_cards_for_every_table()
                taps.extend(tap_together(rooms, "Vote yes"))

            benchmark.pedantic(one_round, rounds=ROUNDS, iterations=1)
            lost, duplicated = counted_once(server, taps)
            browser.close()
    finally:
        server.stop()
    assert len(taps) == ROUNDS * ROOMS * TABLES_PER_ROOM
    latency = summary([t[2] for t in taps])
    sent = statistics.median(t[3] for t in taps)
    benchmark.extra_info.update(
        {
            "phones": ROOMS * TABLES_PER_ROOM,
            "votes": len(taps),
            **latency,
            "sent_ms": sent,
            "lost": lost,
            "duplicated": duplicated,
        }  # fmt: skip
    )
    print(
        f"\n{len(taps)} votes from {ROOMS * TABLES_PER_ROOM} phones tapping at once: confirmed "
        f"on the phone in median {latency['median_ms']} ms (p95 {latency['p95_ms']}, max "
        f"{latency['max_ms']}); shown as sent in median {sent:.0f} ms; lost {lost}, "
        f"duplicated {duplicated}"
    )
    assert (lost, duplicated) == (0, 0)
    assert latency["median_ms"] < GOAL_MS, latency


def test_thirty_devices_at_the_tables_of_one_room(tmp_path, benchmark):
    # With screenshots asked for, the server listens on the network, so that its QR code is a
    # room's (on this machine only, the screen says phones cannot reach it).
    host = "0.0.0.0" if os.environ.get("ALLIANCE_SIM_SCREENSHOTS") else "127.0.0.1"
    server = Server(tmp_path, host).start()
    try:
        with playwright.sync_playwright() as p:
            browser = launch(p)
            seats = [FULL[i % len(FULL)] for i in range(30)]
            room = BenchRoom(browser, server.url, seats)
            page = room.screen.page
            expect(page.locator(".ws-tables .ws-h")).to_contain_text("30 devices connected")
            page.get_by_role("button", name="Run to end").click()
            room.to_cards_for_every_table()
            page.get_by_role("button", name="Projector mode").click()
            expect(page.locator(".ws-side")).to_have_count(0)
            meeting_tab = page.get_by_role("tab", name="Meeting")
            expect(meeting_tab).to_have_count(1)
            box = meeting_tab.bounding_box()
            assert box["y"] + box["height"] <= PROJECTOR[1], "the tabs stay in view"
            shoot(page, "projector")

            taps = benchmark.pedantic(
                lambda: tap_together([room], "Vote yes"), rounds=1, iterations=1
            )
            lost, duplicated = counted_once(server, taps)
            browser.close()
    finally:
        server.stop()
    latency = summary([t[2] for t in taps])
    cards = len({t[1] for t in taps})
    benchmark.extra_info.update({"devices": 30, "cards": cards, **latency})
    print(
        f"\n30 devices at {cards} tables tapping at once: each sees its table's vote in, median "
        f"{latency['median_ms']} ms (p95 {latency['p95_ms']}); lost {lost}, duplicated "
        f"{duplicated}"
    )
    assert (lost, duplicated) == (0, 0)
