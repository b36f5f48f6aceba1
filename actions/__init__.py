"""Custom actions of 政策通. Each module holds the actions of one feature; the answering logic they
share (reading the tracker, choosing records, writing replies) lives in `actions.answering`.

The action server imports this package once, before it starts serving; the policy catalogue is loaded
then, so /health answers only when the first question can be answered at full speed."""

import gc

from .answering.catalog import warm_up

warm_up()
# The catalogue and the libraries stay for the life of the server: keep them out of full garbage
# collections, which would otherwise walk them all (tens of ms) in the middle of a request.
gc.collect()
gc.freeze()
