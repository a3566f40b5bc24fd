"""The local authority: statutory social-care duties that never transfer, so a shift of activity
raises the demand it carries (001 §34, 55); its representative refers strategic, policy, resource
and financial decisions to a council committee on the committee cycle (001 §12, 46); if its
nominated social-care provider is refused full membership it may leave or become an associate on
one month's notice (001 §39)."""

from alliance_sim.config import Membership, MembershipRules, Sector
from alliance_sim.registry import PARTY_KINDS

from .base import Party


@PARTY_KINDS.register("council")
class Council(Party):
    kind = "council"
    sectors = (Sector.NONE, Sector.SOCIAL_CARE)
    sectors_why = (
        "the council carries social-care demand by its kind (001 §34, 55); another sector is "
        "not read"
    )

    def response_to_refused_admission(self, rules: MembershipRules) -> Membership | None:
        """001 §39, as the scenario's ``membership.council_response_to_refusal`` reads it."""
        response = rules.council_response_to_refusal
        if response == "stay" or self.membership is not Membership.FULL:
            return None
        return Membership.ASSOCIATE if response == "associate" else Membership.NONE
