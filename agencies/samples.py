"""Sample returns: what each agency would send for a period (the demo reproduces seed 004)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from agencies.roster import DEFAULT_ROSTER, read_yaml, validate_document

DEFAULT_SAMPLES = DEFAULT_ROSTER.parent / "samples" / "2023-H1.yaml"


class SampleReturn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    figures: dict[str, float | int] = Field(default_factory=dict)
    narrative: dict[str, list[str]] = Field(default_factory=dict)


class SampleSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: str
    report_date: date
    returns: dict[str, SampleReturn]


def load_samples(path: Path = DEFAULT_SAMPLES) -> SampleSet:
    return validate_document(SampleSet, read_yaml(path), path)
