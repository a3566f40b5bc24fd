"""The documents' words that every section of a scenario uses, and the strict model each is made of.

The seven Alliance Objectives (000 §1.2 a-g), membership levels (001 §33-35), what a provider
delivers (001 §34), the categories a representative's delegated authority may exclude (001 §46;
000 §3.2.3) and the kinds of business the documents name. Every section is a :class:`Strict`
model: unknown fields are errors and a validated scenario never changes.
"""

from __future__ import annotations

import types
import typing
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

#: The seven Alliance Objectives, 000 §1.2 (a)-(g), in order.
OBJECTIVES: tuple[str, ...] = (
    "outcomes",  # (a) improved outcomes for Service Users
    "seamless",  # (b) seamless journey irrespective of health or social care need
    "accessible",  # (c) accessible services
    "local",  # (d) local where appropriate
    "prevention",  # (e) a focus on prevention
    "sustainability",  # (f) system sustainability through reduced system cost
    "choice",  # (g) protect and promote choice
)


class Membership(StrEnum):
    """Full members vote and share risk; associates attend only (001 §33, 35)."""

    FULL = "full"
    ASSOCIATE = "associate"
    NONE = "none"


class Sector(StrEnum):
    """What a provider delivers; sets how a shift of activity reaches it (001 §34)."""

    ACUTE = "acute"
    COMMUNITY = "community"
    MENTAL_HEALTH = "mental_health"
    #: bed-based mental-health services, such as rehabilitation wards: care moved into the
    #: community costs it bed income, as it costs an acute trust activity (004 p.13)
    MENTAL_HEALTH_INPATIENT = "mental_health_inpatient"
    PRIMARY = "primary"
    AMBULANCE = "ambulance"
    SOCIAL_CARE = "social_care"
    NONE = "none"


class Category(StrEnum):
    """Categories a representative's delegated authority may exclude (001 §46; 000 §3.2.3)."""

    STRATEGIC = "strategic"
    POLICY = "policy"
    RESOURCE = "resource"
    FINANCIAL = "financial"
    SERVICE = "service"
    MEMBERSHIP = "membership"


class MatterKind(StrEnum):
    """The kinds of business the documents name."""

    SERVICE_CHANGE = "service_change"  # activity shift, 000 §1.3; 001 §34
    PAYMENT_MODEL = "payment_model"  # capitated / outcome payments, 001 §30, 43
    RISK_REWARD = "risk_reward"  # gain/loss share scheme, 000 §2.2d; 003
    ADMISSION = "admission"  # admission of a member, 001 §39; 002 §6.5
    VARIATION = "variation"  # of a services contract, 000 §1.3; 002 §4.3; 003
    AGREEMENT_VARIATION = "agreement_variation"  # Notice of Variation of the agreement, 002 §6.8
    TRANSITION_EXTENSION = "transition_extension"  # 001 §40(a)
    RECONFIGURATION = "reconfiguration"  # 001 §40(b)
    TERMINATION = "termination"  # 001 §40(c); 002 §6.2-6.3
    TERM_EXTENSION = "term_extension"  # extension of the agreement's term, 001 §40; 002 §2.2
    REMOVAL = "removal"  # removal of a partner proposed by another, 002 §6.7
    MANDATORY_CHANGE = "mandatory_change"  # Reserved Matter, 000 §3.4
    THIRD_PARTY_TRANSFER = "third_party_transfer"  # Reserved Matter, 000 §3.4
    PUBLIC_CONSULTATION = "public_consultation"  # Reserved Matter, 000 §3.4


RESERVED_KINDS = frozenset(
    {MatterKind.MANDATORY_CHANGE, MatterKind.THIRD_PARTY_TRANSFER, MatterKind.PUBLIC_CONSULTATION}
)
#: Resolutions about the alliance itself, raised by what happens: blocking one is no dispute over
#: business, so it counts toward neither a removal (002 §6.7) nor a dispute (002 §6.3).
RESOLUTION_KINDS = frozenset(
    {MatterKind.TRANSITION_EXTENSION, MatterKind.RECONFIGURATION, MatterKind.TERMINATION,
     MatterKind.TERM_EXTENSION, MatterKind.REMOVAL}
)  # fmt: skip
#: The kinds the generated stream draws at a rate (``stream.kinds``); the others arise from what
#: happens: the transition matters at the start (001 §43), escalations when its deadline is missed
#: (001 §40), payment models and the risk/reward scheme among the transition matters.
DRAWN_KINDS = frozenset(
    {MatterKind.SERVICE_CHANGE, MatterKind.VARIATION, MatterKind.AGREEMENT_VARIATION,
     MatterKind.ADMISSION} | RESERVED_KINDS
)  # fmt: skip


# -- what the reference says of each field (docs/SCENARIO.md, `alliance-sim schema`, `new`) --------
#: Units, as the reference and the commented template write them.
MONEY = "£m"
MONEY_YEAR = "£m a year"
DAYS = "days"
DAY = "day of the term (0 = scenario.start)"
SHARE = "share, 0-1"
WEIGHT = "weight, 0-1"
PER_YEAR = "per year"
COUNT = "count"
TIMES = "times"
DATE = "date, YYYY-MM-DD"

#: Where a field's value comes from, besides a document's clause (cited as "001 §42") and the
#: assumptions registry (``assumptions.RULES``, which knows each assumption's range and why):
YOURS = "yours"  # a fact of your alliance, which no default can know
SETTING = "setting"  # a switch of the model, or a design choice to compare in an experiment
ASSUMED = "assumption"  # assumed, and not a quantity to sample (a table, a list, a text)


def doc(unit: str = "", source: str = "") -> dict[str, str]:
    """A field's unit and the source of its default, carried into the JSON Schema (``x-unit``,
    ``x-source``) for the reference, the template and editors."""
    out = {}
    if unit:
        out["x-unit"] = unit
    if source:
        out["x-source"] = source
    return out


def reference_error(path: str, message: str) -> PydanticCustomError:
    """An error about a cross-reference, carrying the field path it belongs to."""
    return PydanticCustomError("reference", "{message}", {"path": path, "message": message})


def optional(annotation: object) -> bool:
    """Whether a field's type admits None (``date | None``): it may be left unset."""
    origin = typing.get_origin(annotation)
    return origin in (typing.Union, types.UnionType) and type(None) in typing.get_args(annotation)


def none_to_null(model: type[BaseModel], data: object) -> object:
    """TOML has no null, so an optional field is unset by writing ``none`` (in a file or with
    ``--set path=none``): the text ``none`` becomes None wherever the field may be None."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for name, field in model.model_fields.items():
        value = out.get(name)
        if (
            isinstance(value, str)
            and value.strip().lower() == "none"
            and optional(field.annotation)
        ):
            out[name] = None
    return out


#: The longest a calendar may leave between a body's meetings, or ask as notice of one, in days:
#: a body that met less than once a year could not govern an alliance, and a larger number (1e17
#: was accepted) only meant a body that never meets. Its first meeting may wait ten times as long
#: (tests place a home body beyond a term that way), no longer.
MOST_DAYS_APART = 365
#: The longest term a scenario may simulate, in years: alliance agreements run for a few years
#: with extensions of a few more (001 §40: three, then seven); a longer term is a typing slip that
#: would simulate for hours.
MOST_YEARS = 50


def days_apart(default: int, least: int = 0, **kwargs) -> Any:
    """A field of days between meetings or of their notice: ``least`` to
    :data:`MOST_DAYS_APART`."""
    return Field(default, ge=least, le=MOST_DAYS_APART, **kwargs)


class Strict(BaseModel):
    """Unknown fields are errors, numbers are finite, inputs never change after validation, and
    ``none`` unsets an optional field.

    Every number must be finite (``inf`` and ``nan`` are valid TOML): the one exception is a KPI
    level's threshold, whose lowest level takes any score (``-inf``, ``risk.Threshold``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _none_is_unset(cls, data: object) -> object:
        return none_to_null(cls, data)
