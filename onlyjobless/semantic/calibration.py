"""The scorer's tuned constants, kept as data (calibration.json beside this module).

benchmarks/calibrate_scorer.py fits them on benchmarks/data/scorer_calibration.json and the
evaluation set's dev split, and writes the file; nothing here depends on a language.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from pathlib import Path

CALIBRATION_FILE = Path(__file__).resolve().parent / "calibration.json"


@dataclass(frozen=True)
class Calibration:
    """Thresholds on e5 cosines and gains, and how the parts of the score are weighed."""

    point_low: float = 0.15
    """A key point's gain (see scorer) at which it starts to count."""
    point_high: float = 0.55
    """The gain at which it counts fully."""
    close_low: float = 0.2
    close_high: float = 0.7
    """The same two ends for the answer's closeness to the stored model answer."""
    coverage_weight: float = 0.7
    """Share of the score from key-point coverage; the rest is closeness to the model answer."""
    explanation_margin: float = 0.02
    """A model-answer sentence stands in for the key points it is nearest to, within this cosine margin."""
    covered_at: float = 0.5
    """A key point whose degree of coverage reaches this is listed as covered."""
    echo_similarity: float = 0.96
    """A sentence this close to the question repeats it."""
    echo_overlap: float = 0.75
    """...as does one whose content words mostly come from the question."""
    evasive_similarity: float = 0.9
    """An answer this close to an evasive example ("I don't know") declines to answer."""
    evasive_max_words: int = 16
    salad_function_share: float = 0.15
    salad_run_length: int = 5
    salad_run_share: float = 0.5
    """An answer of at least salad_min_words words is a keyword list when fewer than salad_function_share
    of its words are function words and at least salad_run_share of them stand in runs of
    salad_run_length or more words with no function word or clause break between them."""
    salad_min_words: int = 5
    salad_item_words: int = 3
    salad_min_items: int = 5
    salad_item_share: float = 0.9
    """...or when at least salad_min_items of its list items (pieces between commas, line breaks and
    joining words such as "and") are bare, at most salad_item_words content words with function words
    only at their edges, and at least salad_item_share of its content words stand in them."""
    guard_cap: float = 1.0
    """The highest score an empty, evasive, echoing or keyword-list answer can get."""

    def save(self, path: Path = CALIBRATION_FILE) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")


def load(path: Path = CALIBRATION_FILE) -> Calibration:
    """The stored calibration; defaults for anything the file lacks (or for a missing file)."""
    if not path.exists():
        return Calibration()
    raw = json.loads(path.read_text(encoding="utf-8"))
    known = {field.name for field in fields(Calibration)}
    return Calibration(**{key: value for key, value in raw.items() if key in known})


@lru_cache(maxsize=1)
def stored() -> Calibration:
    return load()
