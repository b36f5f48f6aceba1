"""Custom actions of 政策通. Each module holds the actions of one feature; the answering logic they
share (reading the tracker, choosing records, writing replies) lives in `actions.answering`.

The action server imports this package once at start-up; the policy catalogue is loaded then, in the
background, so the first question does not wait for it."""
from .answering.catalog import warm_up_in_background

warm_up_in_background()
