"""The business before the board and what it does to money: the stream of matters that arrives
over the term (``stream.py``), the gains and pains each period brings and the risk/reward pool
that shares them (``risk.py``), and the payment regime an agreed capitated budget sets
(``payment.py``).
"""
