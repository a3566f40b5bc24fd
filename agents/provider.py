"""NHS or independent provider: its income depends on activity and the payment model, so a shift
of activity from hospital to community reaches it by its sector (001 §30, 34, 37): an acute trust
loses activity, as do the wards of a bed-based mental-health service (004 p.13: "reduce bed usage
through the development of viable community solutions"); community, mental-health, primary-care
and social-care providers gain it; the
ambulance trust loses the conveyances that avoided admissions would have needed (001 §22: Call for
Care and admission avoidance; its own sector, 001 §37)."""

from alliance_sim.config import Party as PartyConfig
from alliance_sim.config import Sector
from alliance_sim.registry import PARTY_KINDS

from .base import Party

#: How a shift of activity reaches each sector (``stream.SHIFT_ROLES``); the rest: ``community``.
SECTOR_ROLES = {Sector.ACUTE: "acute", Sector.MENTAL_HEALTH_INPATIENT: "acute",
                Sector.AMBULANCE: "ambulance"}  # fmt: skip


@PARTY_KINDS.register("provider")
class Provider(Party):
    kind = "provider"

    @classmethod
    def stream_role(cls, config: PartyConfig) -> str:
        return SECTOR_ROLES.get(config.sector, "community")
