"""Benchmark: 30 tables in 6 rooms on one server; how long a table's vote takes to reach the
facilitator's screen (issue 15: under 300 ms). ``BENCH_ROOMS=1`` runs one room.

Six facilitator pages and thirty phone pages (each its own browser context, so its own device) in
one headless Chromium. In every round one table in each of the six rooms votes at the same moment;
the time runs from the click in the phone's page (``Date.now()`` there) to the facilitator's page
showing the new count of room votes (``Date.now()`` there, polled every animation frame). Run with
``make bench``.
"""

from __future__ import annotations

import statistics

import pytest

from tests.test_workshop_browser import (
    CHROMIUM,
    OWING_AFTER,
    Device,
    start_server,
    stop_server,
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

ROOMS = int(__import__("os").environ.get("BENCH_ROOMS", "6"))
TABLES = {
    "council": "Nottinghamshire County Council",
    "sfh": "Sherwood Forest Hospitals",
    "nuh": "Nottingham University Hospitals",
    "ccg_mansfield_ashfield": "Mansfield and Ashfield",
    "ccg_newark_sherwood": "Newark and Sherwood",
}
CLICK = """() => {
  const card = document.querySelector('#ws-phone-card');
  const b = card && [...card.querySelectorAll('button')].find(b => b.textContent.includes('Vote no'));
  if (!b) return null;
  const t0 = Date.now(); b.click(); return [t0, card.dataset.request];
}"""
#: Installed in the facilitator's page before the vote: the moment the count of votes changes.
WATCH = """() => {
  const text = () => document.querySelector('#ws-running')?.textContent;
  const before = text();
  window.__seen = null;
  const observer = new MutationObserver(() => {
    if (window.__seen === null && text() !== before) { window.__seen = Date.now(); observer.disconnect(); }
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""
SEEN = "() => window.__seen"


def test_a_vote_reaches_the_facilitators_screen_in_under_300_ms(tmp_path, benchmark):
    process, url = start_server(tmp_path)
    latencies: list[float] = []
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
            )
            rooms = []
            for _ in range(ROOMS):
                screen = Device(browser, 1280, 800)
                screen.page.goto(url + "/")
                code = screen.page.locator("#ws-code").inner_text()
                phones = {}
                for key, name in TABLES.items():
                    phone = Device(browser, 390, 844)
                    phone.page.goto(f"{url}/join?room={code}")
                    phone.page.get_by_role(
                        "button", name=__import__("re").compile(f"^{name}")
                    ).click()
                    expect(phone.page.locator("#ws-me")).to_be_visible()
                    phones[key] = phone
                screen.page.get_by_role("button", name="Run to end").click()
                expect(screen.page.locator("#ws-waiting")).to_be_visible()
                rooms.append([screen, phones, 0])

            def one_round() -> None:
                started = []
                for room in rooms:
                    screen, phones, _ = room
                    owing = screen.page.wait_for_function(OWING_AFTER, arg=room[2]).json_value()
                    if owing:  # the first table the screen says is to vote votes on its phone
                        phone = phones[owing[0]]
                        expect(phone.page.locator("#ws-phone-card")).to_be_visible()
                        started.append((room, phone))
                        room[2] += 1
                    else:  # every table has voted: the facilitator runs on to the next vote
                        run = screen.page.get_by_role("button", name="Run to end")
                        if run.is_enabled():
                            run.click()
                            expect(screen.page.locator("#ws-waiting")).to_be_visible()
                for room, _ in started:
                    room[0].page.evaluate(WATCH)
                clicks = [(room, phone, phone.page.evaluate(CLICK)) for room, phone in started]
                for room, phone, (t0, request) in clicks:
                    seen = room[0].page.wait_for_function(SEEN)
                    latencies.append(seen.json_value() - t0)
                    # The phone has caught up too, so that the next round never clicks a card
                    # that was already answered.
                    card = phone.page.locator(f'#ws-phone-card[data-request="{request}"]')
                    expect(card).to_have_count(0)

            benchmark.pedantic(one_round, rounds=6, iterations=1)
            browser.close()
    finally:
        stop_server(process)
    assert len(latencies) >= ROOMS
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    benchmark.extra_info.update(
        {"votes": len(latencies), "median_ms": statistics.median(latencies), "p95_ms": p95}
    )
    print(
        f"\n{len(latencies)} votes: median {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms, max {latencies[-1]:.0f} ms"
    )
    # The goal is for a typical vote (the median) with every room voting at the same instant, the
    # worst case; the 95th percentile is reported beside it (it depends on what else the machine
    # is running: on a shared 2-core machine it was 2-3 times the median).
    assert statistics.median(latencies) < 300, f"median {statistics.median(latencies):.0f} ms"
