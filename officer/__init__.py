"""The policy officers' tools, beside the catalogue package `policy_db`: drafting a record file from a new
document (`drafting`), what the bot could not answer and the 不满意 answers (`reporting`), the messages users
left for a person (`messages`) and the ratings of answers (`ratings`), with their CSV writer (`spreadsheet`)
and the escaping of what users wrote for an officer's terminal (`terminal`).

The commands stay `python -m policy_db draft | review | report | messages` (policy_db/__main__.py).
"""
