"""The parties to an alliance as Mesa agents: commissioners, providers, VCSE bodies and the council.

Each kind is one module registering its class in ``PARTY_KINDS`` (``alliance_sim.registry``); what
a party decides and weighs is in ``base.py`` (the organisation), ``valuation.py`` (how it values a
matter) and ``voting.py`` (how its representative votes, when it refers, what its home body does).
"""

from alliance_sim.registry import PARTY_KINDS

from . import commissioner, council, provider, vcse  # noqa: F401  (each registers its kind)
from .base import Party
from .commissioner import Commissioner
from .council import Council
from .provider import Provider
from .vcse import VCSEBody

__all__ = ["PARTY_KINDS", "Commissioner", "Council", "Party", "Provider", "VCSEBody"]
