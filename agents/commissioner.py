"""Clinical Commissioning Group: holds the budgets, sets outcomes and KPIs, alone exercises Reserved Matters (000 §3.4; 003)."""

from .base import Party


class Commissioner(Party):
    kind = "commissioner"
    home_body_noun = "governing body"
