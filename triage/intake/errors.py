"""The one error intake raises: a batch it cannot read is refused whole, never half-read."""

from __future__ import annotations


class IntakeError(ValueError):
    """An unreadable batch.

    `message` is one Vietnamese line for the staff member who pasted the batch: what is wrong,
    where (`location`, e.g. "dòng 12", "hàng 4", "byte 1532") and what to do about it.
    """

    def __init__(self, message: str, location: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return self.message
