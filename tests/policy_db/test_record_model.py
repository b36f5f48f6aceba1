"""One record model: the records the loader reads from the files are the records the database returns,
field for field, because the tables and the row mapping are derived from the same record classes."""

from __future__ import annotations

import dataclasses

import pytest

from policy_db.models import TABLES
from policy_db.records import TABLE_RECORDS, BenefitRecord
from policy_db.schema import data_specs


def test_every_benefit_comes_back_from_the_database_as_it_was_read(policy_data, catalog):
    read = {b.key: b for doc in policy_data.documents for b in doc.benefits}
    stored = {b.key: b for b in catalog.benefits}
    assert stored.keys() == read.keys()
    different = {
        key: [
            f.name
            for f in dataclasses.fields(BenefitRecord)
            if f.compare and getattr(read[key], f.name) != getattr(stored[key], f.name)
        ]
        for key in read
        if read[key] != stored[key]
    }
    assert different == {}
    little_giant = stored["pds-xjr-national"]
    assert [f.text for f in little_giant.figures] == ["50万元"] and little_giant.departments[0] == "市财政局"


def test_cities_topics_and_documents_come_back_too(policy_data, catalog):
    assert catalog.cities == policy_data.cities
    assert catalog.topics == policy_data.topics
    stored = {b.document.key: b.document for b in catalog.benefits}
    for doc in policy_data.documents:
        assert stored[doc.key] == doc.document and stored[doc.key].full_text == doc.full_text


@pytest.mark.parametrize("cls", TABLE_RECORDS, ids=lambda c: c.__name__)
def test_every_field_written_in_the_data_files_is_stored(cls):
    table = TABLES[cls]
    for spec in data_specs(cls):
        if spec.nested is None:
            assert spec.name in table.c, f"{cls.__name__}.{spec.name}"
        else:
            child = TABLES[spec.nested]
            assert {fk.column.table.name for fk in child.c.parent_id.foreign_keys} == {table.name}
