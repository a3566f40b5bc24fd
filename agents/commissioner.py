"""Clinical Commissioning Group: holds the budgets and the services contracts, sets outcomes and
KPIs, and alone exercises Reserved Matters: mandatory changes, transfers to third parties, public
consultation, decided after consulting the board unless urgent (000 §3.4-3.5; 003)."""

from alliance_sim.config import Sector
from alliance_sim.registry import PARTY_KINDS

from .base import Party


@PARTY_KINDS.register("commissioner")
class Commissioner(Party):
    kind = "commissioner"
    sectors = (Sector.NONE,)
    sectors_why = "a commissioner pays for services and delivers none: its sector is not read"
    exercises_reserved_matters = True
    holds_the_services_contracts = True
