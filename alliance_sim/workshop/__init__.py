"""The workshop app: a browser app for teaching alliance contracting, with role-play (issue 5).

``alliance-sim workshop [SCENARIO]`` serves :mod:`alliance_sim.workshop.pages.app` with Solara.
The pages (``pages/``) are the only part that needs Solara; the rest of the package works without
a browser, so it is tested directly:

- ``design``   the set-up panel's choices (membership, rule, authority, weights, cadence, seed)
  as one value that turns into scenario overrides;
- ``session``  the controller: steps meetings, pauses for the room's votes, debriefs;
- ``rehearsal`` the meeting waiting for the room, held on a detached copy of the run;
- ``views``    what the app shows, as plain rows and text (meeting, referrals, narrative, stats);
- ``figures``  the relationship network and the charts over time, as matplotlib figures;
- ``compare``  one seed under two designs, and where their histories part;
- ``records``  the one place the workshop reads the engine's records (event log, votes, table);
- ``room``     a room shared by many devices: its journal, its facilitator, its saved state, the
  server's rooms; ``codes`` (room codes, checked), ``seats`` (who sits at which table, who is
  still there), ``listeners`` (the pages following a room, told of changes);
- ``handout``  the printable debrief and narrative, and the votes as CSV;
- ``qr``       the join address and its QR code.

``pages/``: ``app`` (the routes), ``facilitator`` (the projector's screen) and ``participant`` (a
table's phone), drawn with ``components``, ``tabs`` and ``style``, with ``client`` (the parts that
act in the browser before the server answers: ``pages/vue/``).
"""

from .design import Design
from .session import RoomRequest, WorkshopSession

__all__ = ["Design", "RoomRequest", "WorkshopSession"]
