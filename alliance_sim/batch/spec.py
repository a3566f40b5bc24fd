"""The experiment file: which alliance, which design choices to compare, how many replications.

An experiment file is TOML, validated into frozen pydantic models before anything runs, exactly like
a scenario: a bad value is reported as one paragraph naming the file and the field (exit code 2).

.. code-block:: toml

    [experiment]
    name = "full_vs_associate"
    scenario = "mid-notts"            # built-in name, a TOML path (relative to this file) or a list
    replications = 500
    seed = 20160401

    [factors]                          # full factorial over dotted paths into the scenario
    "parties.council.membership" = ["full", "associate"]
    "board.rule" = ["unanimity", "best_for_service"]

    [uncertain]                        # optional: Latin hypercube over parameter ranges
    samples = 10
    ranges = { "stream.economics.social_care_uplift" = [0.1, 0.3] }
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..config.vocabulary import MOST_YEARS
from ..errors import echo, from_validation, shorten
from ..inputfile import parse, read_bytes
from .stages import Discovery, SensitivityStage

#: A level of a plain factor: one value written into the scenario at the factor's dotted path.
Scalar = bool | int | float | str


class Strict(BaseModel):
    """Unknown fields are errors, numbers are finite (``inf`` and ``nan`` are valid TOML, never a
    valid range, level or threshold), and the experiment never changes after validation."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


class ExperimentMeta(Strict):
    """What is run: the alliance(s), how many replications, from which master seed."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=80)
    title: str = ""
    description: str = ""
    question: str = ""
    scenario: str | list[str]
    replications: int = Field(ge=1, le=10_000_000)
    seed: int = Field(ge=0)
    horizon_days: int | None = Field(None, ge=28, le=MOST_YEARS * 366)
    chunk_size: int | None = Field(None, ge=1, le=10_000)

    @field_validator("scenario")
    @classmethod
    def _some_scenario(cls, value: str | list[str]) -> str | list[str]:
        if isinstance(value, list):
            if not value:
                raise ValueError("lists no scenario; give a name or a list of at least one")
            if len(set(value)) != len(value):
                raise ValueError("lists the same scenario twice")
        return value


class Bundle(Strict):
    """A factor that sets several fields at once: level *i* sets ``set[path][i]`` for every path.

    Used where one design choice touches many fields, e.g. the number of full members, or a
    representative's whole delegation (a list of excluded categories is not a scalar level).
    """

    levels: list[Scalar] = Field(min_length=1)
    set: dict[str, list[Any]] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_value_per_level(self) -> Bundle:
        if len(set(map(repr, self.levels))) != len(self.levels):
            raise ValueError("levels must be different from one another")
        for path, values in self.set.items():
            if len(values) != len(self.levels):
                raise ValueError(
                    f"`set.{path}` has {len(values)} value(s) but there are "
                    f"{len(self.levels)} levels; give one value per level"
                )
        return self


class Uncertain(Strict):
    """Parameters nobody knows, sampled over their ranges by Latin hypercube (scipy ``qmc``).

    Every design is run at every sampled point, so that designs are compared over the same
    uncertainty; ``integer`` lists the paths whose sampled values are rounded to whole numbers.
    """

    samples: int = Field(ge=1, le=100_000)
    ranges: dict[str, tuple[float, float]] = Field(min_length=1)
    integer: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _ordered(self) -> Uncertain:
        for path, (low, high) in self.ranges.items():
            if not low < high:
                raise ValueError(f"range of `{path}` must have low < high, got [{low}, {high}]")
        unknown = sorted(set(self.integer) - set(self.ranges))
        if unknown:
            raise ValueError(f"`integer` names {unknown}, which have no range")
        return self


class Statistics(Strict):
    """How the statistics are computed; the defaults suit a committee paper."""

    confidence: float = Field(0.95, gt=0.5, lt=1.0)
    bootstrap: int = Field(2000, ge=100, le=100_000)
    tail: float = Field(0.05, gt=0.0, le=0.5)


class ExperimentSpec(Strict):
    """A whole experiment file."""

    experiment: ExperimentMeta
    fixed: dict[str, Any] = Field(default_factory=dict, alias="set")
    factors: dict[str, list[Scalar] | Bundle] = Field(default_factory=dict)
    uncertain: Uncertain | None = None
    statistics: Statistics = Statistics()
    sensitivity: list[SensitivityStage] = Field(default_factory=list)
    discovery: Discovery | None = None

    @field_validator("factors", mode="before")
    @classmethod
    def _level_kinds(cls, value: Any) -> Any:
        """Say in one sentence what a factor may be, before pydantic tries every union branch."""
        if not isinstance(value, dict):
            return value
        for path, levels in value.items():
            if isinstance(levels, dict):
                continue  # a bundle: its own model reports its fields
            if not isinstance(levels, list):
                raise ValueError(
                    f"factor `{shorten(path)}` is {echo(levels)}; give a list of levels, e.g. "
                    f'"{shorten(path, 40)}" = ["full", "associate"], or a bundle table with '
                    "`levels` and `set`"
                )
            for i, level in enumerate(levels):
                if not isinstance(level, bool | int | float | str):
                    kind = "a table" if isinstance(level, dict) else "a list"
                    raise ValueError(
                        f"factor `{shorten(path)}` level {i + 1} is {kind} ({echo(level, 40)}); a "
                        "level must be a number, a text or true/false; to set several fields "
                        "per level use a bundle: [factors.NAME] with levels = [...] and "
                        'set = { "dotted.path" = [one value per level] }'
                    )
        return value

    @field_validator("factors")
    @classmethod
    def _levels(cls, value: dict[str, list[Scalar] | Bundle]) -> dict[str, list[Scalar] | Bundle]:
        for path, levels in value.items():
            if isinstance(levels, list):
                if not levels:
                    raise ValueError(f"factor `{path}` has no levels; list at least one")
                if len(set(map(repr, levels))) != len(levels):
                    raise ValueError(f"factor `{path}` lists the same level twice")
        return value

    @model_validator(mode="after")
    def _no_path_twice(self) -> ExperimentSpec:
        if "scenario" in self.factors and isinstance(self.experiment.scenario, list):
            raise ValueError("`scenario` is a factor already (experiment.scenario is a list)")
        seen: dict[str, str] = {}
        places = [(p, "set") for p in self.fixed]
        for name, levels in self.factors.items():
            paths = levels.set if isinstance(levels, Bundle) else [name]
            places += [(p, f"factors.{name}") for p in paths]
        if self.uncertain is not None:
            places += [(p, "uncertain.ranges") for p in self.uncertain.ranges]
        if self.sensitivity and self.uncertain is not None:
            raise ValueError("give `[[sensitivity]]` or `[uncertain]`, not both")
        if self.discovery is not None and not self.sensitivity:
            raise ValueError("`[discovery]` needs at least one `[[sensitivity]]` stage to sample")
        names = [s.name for s in self.sensitivity]
        if len(set(names)) != len(names):
            raise ValueError(f"`sensitivity` stages must have different names, got {names}")
        for path, where in places:
            if path in seen:
                raise ValueError(f"`{path}` is set in both `{seen[path]}` and `{where}`")
            seen[path] = where
        return self


@dataclass(frozen=True)
class Experiment:
    """A validated experiment file with where it came from and its fingerprint."""

    spec: ExperimentSpec
    path: Path
    text: str
    sha256: str

    @property
    def name(self) -> str:
        return self.spec.experiment.name

    @property
    def source(self) -> str:
        return str(self.path)

    def scenario_ref(self, name: str) -> str:
        """A built-in scenario name as is; a file path resolved against the experiment's folder."""
        from ..config.loading import builtin_names

        if name in builtin_names():
            return name
        candidate = Path(name)
        if not candidate.is_absolute():
            candidate = self.path.parent / candidate
        return str(candidate)


def _validate(data: dict, source: str) -> ExperimentSpec:
    try:
        return ExperimentSpec.model_validate(data)
    except ValidationError as exc:
        raise from_validation(source, exc, ExperimentSpec) from None


def parse_experiment(text: str, source: str) -> ExperimentSpec:
    """Validate an experiment file's text; ``source`` names it in error messages."""
    return _validate(parse(text.encode("utf-8"), source, "experiment").data, source)


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file; raises :class:`InputError` naming file and field."""
    path = Path(path)
    file = parse(read_bytes(path, "experiment"), str(path), "experiment")
    spec = _validate(file.data, str(path))
    return Experiment(spec=spec, path=path, text=file.text, sha256=file.sha256)
