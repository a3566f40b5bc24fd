"""Voluntary, community and social enterprise body such as TEAM: small budget, low risk capacity (001 §37; 004)."""

from .base import Party


class VCSEBody(Party):
    kind = "vcse"
    home_body_noun = "trustees"
