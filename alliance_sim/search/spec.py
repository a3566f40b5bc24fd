"""The ``[search]`` table of an experiment file: which design levers, which objectives, which limits.

A search file is an experiment file (``[experiment]``, ``[set]``, ``[statistics]`` as for
``alliance-sim run``; ``[uncertain]`` is not supported yet) whose design choices are not a
factorial but a space for ``alliance-sim search`` to explore. It is validated into frozen pydantic models before anything
runs; a bad value is one paragraph naming the file and the field (exit code 2).

.. code-block:: toml

    [search]
    candidates = 200               # designs the search evaluates
    population = 20                # designs per generation (evaluated together, in parallel)
    objectives = ["stalemate_rate", "mean_days", "loss_gain_gap", "net:council"]
    confirm = 8                    # at most this many Pareto designs re-evaluated ...
    confirm_replications = 400     # ... on this many fresh replications, which choose ...
    recommend = 3                  # ... this many, reported on ...
    report_replications = 400      # ... this many more, never used to choose

    [search.levers]                # dotted paths into the scenario, as factors are written
    "parties.council.authority.threshold_m" = [0.25, 0.5, 1.0, 3.0]   # allowed values
    "board.cadence_days" = { low = 14, high = 56, step = 7 }          # a range
    [search.levers.delegation]                                         # a bundle, as a factor
    levels = ["refer 4 categories", "financial only"]
    set = { "parties.council.authority.excluded_categories" = [[...], ["financial"]] }

    [search.constraints]
    stay_full = ["council"]        # these parties are full members in every design
    max_full_members = 11
    members_break_even = true      # every full member's expected net >= -its participation cost

``experiment.replications`` is the number of replications per candidate; every candidate runs on
the same seeds (common random numbers). The search's seeds, the selection seeds
(``confirm_replications``) and the reporting seeds (``report_replications``, by default as many as
``confirm_replications``) are three disjoint streams of the master seed.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, ValidationError, field_validator, model_validator

from ..batch.spec import Bundle, Experiment, ExperimentSpec, Scalar, Strict
from ..errors import InputError, from_validation
from ..inputfile import read_bytes
from .objectives import check_objective_name


class Range(Strict):
    """A lever that takes any value in ``[low, high]`` (on a grid of ``step`` if given).

    Integer ranges (``integer = true``, or whole-number bounds and step) give whole numbers, e.g.
    days between meetings.
    """

    low: float
    high: float
    step: float | None = Field(None, gt=0)
    integer: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.low < self.high:
            raise ValueError(f"needs low < high, got low = {self.low}, high = {self.high}")
        if self.is_integer:
            bad = [v for v in (self.low, self.high, self.step) if v is not None and v != int(v)]
            if bad:
                raise ValueError(f"is an integer range but {bad[0]} is not a whole number")
        return self

    @property
    def is_integer(self) -> bool:
        if self.integer:
            return True
        values = [self.low, self.high] + ([self.step] if self.step is not None else [])
        return self.step is not None and all(float(v).is_integer() for v in values)


def _lever_kind(value: Any) -> str:
    if isinstance(value, list):
        return "values"
    if isinstance(value, dict) and "levels" in value:
        return "bundle"
    return "range"


#: A lever: allowed values (a list), a range (a table with low/high), or a bundle (levels + set).
Lever = Annotated[
    Annotated[list[Scalar], Tag("values")]
    | Annotated[Range, Tag("range")]
    # a bundle is written exactly like a Bundle factor
    | Annotated[Bundle, Tag("bundle")],
    Discriminator(_lever_kind),
]


class Constraints(Strict):
    """Limits a design must respect to be recommended (violations make it infeasible)."""

    stay_full: tuple[str, ...] = ()
    max_full_members: int | None = Field(None, ge=1)
    members_break_even: bool = False


class SearchSettings(Strict):
    """The search: levers, objectives, constraints, and how hard to look and to confirm."""

    sampler: Literal["nsga2", "tpe"] = "nsga2"
    candidates: int = Field(ge=2, le=100_000)
    population: int = Field(20, ge=2, le=10_000)
    levers: dict[str, Lever] = Field(min_length=1)
    objectives: tuple[str, ...] = Field(min_length=1)
    constraints: Constraints = Constraints()
    confirm: int = Field(8, ge=1, le=1000)
    confirm_replications: int = Field(200, ge=2, le=1_000_000)
    recommend: int = Field(3, ge=1, le=50)
    report_replications: int | None = Field(None, ge=2, le=1_000_000)

    @property
    def reporting_replications(self) -> int:
        """Runs per design on the reporting seeds (as many as the selection's unless given)."""
        return self.report_replications or self.confirm_replications

    @field_validator("levers")
    @classmethod
    def _levels(cls, value: dict[str, Any]) -> dict[str, Any]:
        for path, lever in value.items():
            if isinstance(lever, list):
                if len(lever) < 2:
                    raise ValueError(f"lever `{path}` needs at least two allowed values")
                if len(set(map(repr, lever))) != len(lever):
                    raise ValueError(f"lever `{path}` lists the same value twice")
        return value

    @field_validator("objectives")
    @classmethod
    def _known_objectives(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            check_objective_name(name)
        if len(set(value)) != len(value):
            raise ValueError("lists the same objective twice")
        return value


class SearchFile(ExperimentSpec):
    """An experiment file with a ``[search]`` table instead of factors."""

    search: SearchSettings

    @model_validator(mode="after")
    def _search_not_factors(self) -> SearchFile:
        if self.factors:
            raise ValueError(
                "a search file has no [factors]: put the design choices under [search.levers] "
                "(values, a range, or a bundle with levels and set)"
            )
        if isinstance(self.experiment.scenario, list):
            raise ValueError("`experiment.scenario` must name one scenario for a search")
        seen = {p: "set" for p in self.fixed}
        if self.uncertain is not None:
            seen.update({p: "uncertain.ranges" for p in self.uncertain.ranges})
        for name, lever in self.search.levers.items():
            for path in lever.set if isinstance(lever, Bundle) else [name]:
                if path in seen:
                    raise ValueError(
                        f"`{path}` is set in both `{seen[path]}` and `search.levers.{name}`"
                    )
                seen[path] = f"search.levers.{name}"
        return self


def is_search_file(path: str | Path) -> bool:
    """Whether an experiment file has a ``[search]`` table (for ``alliance-sim search``)."""
    try:
        return "search" in tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def load_search(path: str | Path) -> Experiment:
    """Read and validate a search file; raises :class:`InputError` naming the file and field."""
    path = Path(path)
    raw = read_bytes(path, "experiment")
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file; save it as UTF-8 TOML.") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc}); fix the syntax there.") from None
    if isinstance(data, dict) and "search" not in data:
        raise InputError(
            f"{path}: has no [search] table, so there is nothing to search; add [search] with "
            "levers and objectives (see experiments/design_mid_notts.toml), or run a factorial "
            "experiment with `alliance-sim run`."
        )
    try:
        spec = SearchFile.model_validate(data)
    except ValidationError as exc:
        raise from_validation(str(path), exc, SearchFile) from None
    return Experiment(spec=spec, path=path, text=text, sha256=hashlib.sha256(raw).hexdigest())
