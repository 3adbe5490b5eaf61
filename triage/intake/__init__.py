"""Intake: turns any pasted or uploaded batch into clean, located opinions.

`read_batch` accepts JSON Lines, CSV or tab-separated Excel pastes, .xlsx and .docx files,
compiled documents and piles of posts, repairs legacy Vietnamese encodings through
`triage.text`, finds each opinion's submitter, locality and personal data, and refuses an
unreadable batch whole with an `IntakeError` whose message says what, where and what to do.
"""

from triage.intake.errors import IntakeError
from triage.intake.locality import find_locality
from triage.intake.models import Batch, IntakeOpinion, PersonalDataSpan, SkippedPart
from triage.intake.personal import find_personal_data, mask_personal_data
from triage.intake.reader import INPUT_FORMATS, read_batch

__all__ = [
    "INPUT_FORMATS",
    "Batch",
    "IntakeError",
    "IntakeOpinion",
    "PersonalDataSpan",
    "SkippedPart",
    "find_locality",
    "find_personal_data",
    "mask_personal_data",
    "read_batch",
]
