"""The handout at the end of a session: the debrief and the narrative as one printable page, and the
room's votes as a CSV file.

The page is self-contained (its style inline, no scripts, no links), so it can be mailed, printed or
opened years later on a machine with no network.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io

from . import records, views
from .session import WorkshopSession

PRINT_CSS = """
body { font: 11pt/1.4 Georgia, 'Times New Roman', serif; margin: 2em auto; max-width: 46em;
  color: #111; }
h1 { font-size: 18pt; margin: 0 0 .2em 0; } h2 { font-size: 14pt; margin: 1.4em 0 .4em 0; }
h3 { font-size: 12pt; margin: 1em 0 .2em 0; }
p.meta { color: #444; margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; margin: .4em 0; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #eee; }
p.line { margin: 1px 0 1px 1.2em; font-size: 10pt; }
p.vote { margin: 1px 0 1px 2.6em; font-size: 10pt; color: #333; }
p.room { margin: 1px 0 1px 2.6em; font-size: 10pt; border-left: 3px solid #a3306f;
  padding-left: 4px; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; }
  tr, p { break-inside: avoid; } }
"""


def _esc(text: object) -> str:
    return html.escape(str(text))


def _table(headers: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def vote_rows(session: WorkshopSession) -> list[list[object]]:
    """The room's votes: meeting, matter, title, party, room's vote, agent's, whether they differ."""
    return [row[:7] for row in vote_records(session)]


def vote_records(session: WorkshopSession) -> list[list[object]]:
    """:func:`vote_rows` with the agent's reason for its own vote, and the vote as the run
    recorded it, with its reason (the narrative's line)."""
    model = session.model
    recorded = {(v.meeting, v.matter, v.party): v for v in records.votes(model)}
    rows = []
    for d in session.debrief().decisions:
        r = d.request
        vote = recorded.get((r.meeting, r.matter, r.party))
        rows.append(
            [
                r.meeting,
                r.matter_id,
                model.matters[r.matter].title,
                model.parties[r.party].name,
                views.choice_word(d.choice),
                r.agent_says,
                "yes" if d.differs else "no",
                r.agent_reason,
                records.vote_sentence(model, vote) if vote is not None else "",
            ]
        )
    return rows


VOTE_COLUMNS = ["meeting", "matter", "title", "party", "room", "agent", "differs"]
CSV_COLUMNS = [*VOTE_COLUMNS, "agent_reason", "recorded"]


def votes_csv(session: WorkshopSession) -> str:
    """The room's votes as CSV, each with the agent's reason and the vote as recorded."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(vote_records(session))
    return out.getvalue()


def html_handout(session: WorkshopSession, code: str = "") -> str:
    """The debrief and the whole narrative of the run, as one printable HTML page."""
    model = session.model
    debrief = session.debrief()
    title = model.scenario.scenario.title or model.scenario.scenario.name
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{_esc(title)}: workshop handout</title><style>{PRINT_CSS}</style></head><body>",
        f"<h1>{_esc(title)}</h1>",
        f"<p class='meta'>Workshop room {_esc(code)}; {dt.date.today():%d %B %Y}; "
        f"seed {session.design.seed}; design: {_esc(session.design.label())}</p>",
        f"<p class='meta'>With the room: {_esc(debrief.ended[0])}. "
        f"The agents alone: {_esc(debrief.ended[1])}.</p>",
        "<h2>Debrief</h2>",
        f"<p>The room cast {views.plural(len(debrief.cast), 'vote')}; "
        f"{views.plural(debrief.overruled, 'differs', 'differ')} from what the agent would "
        "have done.</p>",
        _table(["", "With the room", "Agents alone"], [list(r) for r in debrief.summary]),
        "<h3>The room's votes and the agents'</h3>",
        _table(
            ["Meeting", "Matter", "Title", "Party", "Room", "Agent", "Differs"], vote_rows(session)
        ),
        "<h3>What the room changed</h3>",
        _table(
            ["Matter", "With the room", "Agents alone"],
            [[f"{d.matter_id} {d.title}", d.a, d.b] for d in debrief.differences],
        )
        if debrief.differences
        else "<p>No matter ended differently.</p>",
        "<h2>Narrative</h2>",
    ]
    for story in reversed(views.narrative(model, votes=True)):
        parts.append(f"<h3>{_esc(story.heading)}</h3>")
        for line in story.lines:
            klass = "room" if line.kind == "room" else ("vote" if line.kind == "vote" else "line")
            parts.append(f"<p class='{klass}'>{_esc(line.text)}</p>")
    parts.append("</body></html>")
    return "".join(parts)
