"""The workshop's pages in the browser (Solara): the facilitator's screen and a table's phone.

Only this package needs Solara. It draws what the rest of ``alliance_sim.workshop`` computes (the
room, the session, the views) and sends the devices' taps back to the room; it holds no state of
its own beyond what a page shows.
"""
