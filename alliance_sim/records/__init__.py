"""What the engine keeps about a run: each matter's facts and progress (``matters.py``), how the
parties stand on a matter at some terms (``evaluation.py``), and the event log with every vote
(``events.py``): typed, named records that the board writes and the readers of a run (reasons,
tables, the workshop) word and count.
"""
