"""Voluntary, community and social enterprise body such as TEAM: a small budget and little
capacity to carry risk, high value for prevention; gains prevention grants when activity moves to
the community (001 §37; 004)."""

from alliance_sim.registry import PARTY_KINDS

from .base import Party


@PARTY_KINDS.register("vcse")
class VCSEBody(Party):
    kind = "vcse"
