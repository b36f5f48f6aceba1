"""Custom actions of 政策通. Each module holds the actions of one feature; the answering logic they
share (reading the tracker, choosing records, writing replies) lives in `actions.answering`."""
