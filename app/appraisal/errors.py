"""Errors of the appraisal engine (one line, fit for the user)."""


class AppraisalError(ValueError):
    """A refused appraisal action (second survey, published period, bad score …)."""
