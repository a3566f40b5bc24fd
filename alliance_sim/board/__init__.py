"""The Alliance Leadership Board: who sits at it and votes (``membership.py``), how far they trust
one another (``trust.py``), how it meets and takes its business (``procedure.py``), how it decides
(``rules.py``), amends a blocked matter (``negotiation.py``), finds terms every member prefers
(``acceptable.py``), and what it may not decide whatever the vote (``prohibited.py``).
"""
