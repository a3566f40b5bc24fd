"""The parties to an alliance as Mesa agents: commissioners, providers, VCSE bodies and the council."""

from .base import Party
from .commissioner import Commissioner
from .council import Council
from .provider import Provider
from .vcse import VCSEBody

#: Agent class for each kind of party named in a scenario (``parties.<id>.kind``).
AGENT_TYPES: dict[str, type[Party]] = {
    "commissioner": Commissioner,
    "provider": Provider,
    "vcse": VCSEBody,
    "council": Council,
}

__all__ = ["AGENT_TYPES", "Commissioner", "Council", "Party", "Provider", "VCSEBody"]
