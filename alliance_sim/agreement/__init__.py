"""The agreement over its term, each a resolution the board is asked to decide: the transition
deadline and its escalations (``transition.py``, 001 §40-43), the term's extension and its ending
before the term (``term.py``, 001 §40; 002 §2.2, 6.2-6.3), and a partner's removal
(``removal.py``, 002 §6.7).
"""
