"""The validated scenario: the rulebook of one alliance, as data, one module per section.

A scenario file (TOML) is parsed into frozen pydantic models before anything runs, so that a bad
value is reported once, clearly, naming the field (see ``errors.py``). Money is in £ millions
(``*_m`` fields) and time in days from the scenario's start date. :class:`Scenario`
(``scenario.py``) assembles the sections: ``parties``, ``matters``, ``stream``, ``board``,
``risk`` and ``host``, ``membership``, ``trust``, ``escalation``, ``term`` and ``clauses``; ``vocabulary.py``
holds the words they share. ``loading.py`` reads a scenario file (built-in or a user's) with
overrides; ``assumptions.py`` is the registry of every number the documents do not give.

Sources (``../shared/domain.md``): parties and membership (001 §33-37), the seven Alliance
Objectives (000 §1.2 a-g), Best for Service (000 §1.4, 3.1), delegated authority and referral
(000 §3.2; 002 §5.4), Prohibited and Reserved Matters (000 §3.3-3.5), unanimity (001 §47).
"""

from .board import Board
from .clauses import Clause, Clauses, Lesson
from .matters import Ideal, Impact, MatterSpec, PoolShare, Term
from .membership import MembershipRules
from .parties import Authority, HomeBody, Party, Weights
from .risk import Host, KpiLevel, ResultArea, Risk, Scheme
from .scenario import Scenario, ScenarioMeta
from .stream import Economics, KindStream, Stream
from .term import Escalation, TermRules
from .trust import Relationship, Trust
from .vocabulary import (
    DRAWN_KINDS,
    OBJECTIVES,
    RESERVED_KINDS,
    RESOLUTION_KINDS,
    Category,
    MatterKind,
    Membership,
    Sector,
    Strict,
)

__all__ = [
    "DRAWN_KINDS",
    "OBJECTIVES",
    "RESERVED_KINDS",
    "RESOLUTION_KINDS",
    "Authority",
    "Board",
    "Category",
    "Clause",
    "Clauses",
    "Economics",
    "Escalation",
    "HomeBody",
    "Host",
    "Ideal",
    "Impact",
    "KindStream",
    "KpiLevel",
    "Lesson",
    "MatterKind",
    "MatterSpec",
    "Membership",
    "MembershipRules",
    "Party",
    "PoolShare",
    "Relationship",
    "ResultArea",
    "Risk",
    "Scenario",
    "Scheme",
    "ScenarioMeta",
    "Sector",
    "Strict",
    "Stream",
    "Term",
    "TermRules",
    "Trust",
    "Weights",
]
