"""Errors a person can read: every message says what went wrong and what to do instead."""


class RnnvizError(ValueError):
    """Base class: the message is written for a student, never a traceback."""


class EmptyTextError(RnnvizError):
    """The text holds no tokens."""


class TargetError(RnnvizError):
    """A gradient target names a class, word or position the model does not have."""


class CheckpointError(RnnvizError):
    """A model file or vocabulary is missing, too large, unreadable or does not fit its spec."""
