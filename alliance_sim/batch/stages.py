"""The ``[[sensitivity]]`` stages and ``[discovery]`` table of an experiment file.

.. code-block:: toml

    [[sensitivity]]                 # stage 1: screen every assumption of the scenario
    name = "screening"
    method = "morris"
    trajectories = 20

    [[sensitivity]]                 # stage 2: variance shares of the six that matter most
    name = "sobol"
    method = "sobol"
    samples = 256
    top = 6                         # ... read from stage 1's results (its sensitivity.csv)
    rank_by = "loss_share.council | associate - full"

    [discovery]                     # where does the finding hold, where does it fail?
    finding = "loss_share.council | associate - full"
    holds = "above"                 # the finding is "the difference is above `threshold`"
    threshold = 0.0

Stages run in file order, each into its own folder ``results/<experiment>/<stage>/`` (resumable
like any experiment); a stage with ``top`` reads the ranking of the stage before it from that
folder, so stage 2 can be rerun alone once stage 1 is done.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class SensitivityStage(_Strict):
    """One global sensitivity analysis over the scenario's assumption registry."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=40)
    method: Literal["morris", "sobol"]
    trajectories: int = Field(20, ge=2, le=1000, description="Morris r")
    levels: int = Field(4, ge=2, le=20, description="Morris grid levels (even)")
    samples: int = Field(256, ge=8, le=65536, description="Sobol N, a power of two")
    parameters: list[str] | Literal["all"] = "all"
    top: int | None = Field(None, ge=1, le=100)
    rank_by: str | None = None
    groups: Literal["family", "field"] = "family"
    outcomes: list[str] | None = None
    bootstrap: int = Field(200, ge=50, le=100_000, description="resamples for intervals")
    batch: int = Field(32, ge=1, le=10_000, description="sample points per task")

    @model_validator(mode="after")
    def _consistent(self) -> SensitivityStage:
        if self.method == "morris" and self.levels % 2:
            raise ValueError(f"`levels` must be even for Morris screening, got {self.levels}")
        if self.method == "sobol" and self.samples & (self.samples - 1):
            raise ValueError(f"`samples` must be a power of two for Sobol, got {self.samples}")
        if self.top is not None and self.parameters != "all":
            raise ValueError("give either `top` (from the previous stage) or `parameters`")
        if self.top is not None and not self.rank_by:
            raise ValueError("`top` needs `rank_by`: the outcome whose ranking picks them")
        return self


class Discovery(_Strict):
    """Scenario discovery (PRIM) for one finding: where it fails, as boxes of assumptions."""

    finding: str
    holds: Literal["above", "below"] = "above"
    threshold: float = 0.0
    stage: str | None = None
    density: float = Field(0.8, gt=0.0, le=1.0, description="least density of the chosen box")
    peel_alpha: float = Field(0.05, gt=0.0, lt=0.5)
    mass_min: float = Field(0.05, gt=0.0, lt=1.0)
