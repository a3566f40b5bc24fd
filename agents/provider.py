"""NHS or independent provider: its income depends on activity and the payment model, so a shift
of activity from hospital to community reaches it by its sector: an acute trust loses activity,
community, mental-health, primary-care and ambulance services gain it (001 §30, 34, 37)."""

from alliance_sim.config import Party as PartyConfig
from alliance_sim.config import Sector
from alliance_sim.registry import PARTY_KINDS

from .base import Party


@PARTY_KINDS.register("provider")
class Provider(Party):
    kind = "provider"

    @classmethod
    def stream_role(cls, config: PartyConfig) -> str:
        return "acute" if config.sector == Sector.ACUTE else "community"
