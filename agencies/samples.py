"""Sample returns: what each agency would send for a period (the demo reproduces seed 004)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from agencies.roster import DEFAULT_ROSTER, read_yaml, validate_document

DEFAULT_SAMPLES = DEFAULT_ROSTER.parent / "samples" / "2023-H1.yaml"


class SampleFigure(BaseModel):
    """A figure with the words around it (agencies/figure_words.py), as the JSON return writes one."""

    model_config = ConfigDict(extra="forbid")

    value: float | int
    qualifier: str | None = None
    trend: str | None = None
    status: str | None = None


def _as_written(figure: SampleFigure) -> dict[str, Any]:
    return figure.model_dump(exclude_none=True)


# A figure as `fill_form_workbook` and the JSON return take it: a number, or the number and its words.
Figure = float | int | Annotated[SampleFigure, AfterValidator(_as_written)]


class SampleReturn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    figures: dict[str, Figure] = Field(default_factory=dict)
    narrative: dict[str, list[str]] = Field(default_factory=dict)


class SampleSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: str
    report_date: date
    returns: dict[str, SampleReturn]


def load_samples(path: Path = DEFAULT_SAMPLES) -> SampleSet:
    return validate_document(SampleSet, read_yaml(path), path)
