"""Voluntary, community and social enterprise body such as TEAM: a small budget and little
capacity to carry risk, high value for prevention; gains prevention grants when activity moves to
the community (001 §37; 004)."""

from alliance_sim.config import Sector
from alliance_sim.registry import PARTY_KINDS

from .base import Party


@PARTY_KINDS.register("vcse")
class VCSEBody(Party):
    kind = "vcse"
    sectors = (Sector.NONE, Sector.COMMUNITY, Sector.SOCIAL_CARE, Sector.PRIMARY)
    sectors_why = (
        "a voluntary-sector body gains prevention grants by its kind (001 §37); a hospital or "
        "ambulance sector is not read"
    )
