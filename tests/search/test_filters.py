"""Filter values → the catalog's facet keys; the workplace field and its aliases."""

from __future__ import annotations

import pytest

from search.errors import InvalidFilterError
from search.filters import Filters, facet_conditions, workplace_key


@pytest.mark.parametrize(
    ("value", "key"),
    [("remote", "remote"), ("Hybrid", "hybrid"), ("on-site", "on-site"), ("onsite", "on-site")]
    + [("office", "on-site"), ("In-Person", "on-site"), ("WFH", "remote")],
)
def test_workplace_key_aliases(value, key):
    assert workplace_key(value) == key


@pytest.mark.parametrize("value", ["moon", "remote-ish", "   "])
def test_workplace_key_unknown_names_the_field(value):
    with pytest.raises(InvalidFilterError) as raised:
        workplace_key(value)
    assert raised.value.field == "workplace"


def test_workplace_is_its_own_condition_anded_with_location():
    conditions = facet_conditions(Filters(locations=("germany",), workplaces=("remote", "hybrid")))
    assert conditions["workplace"] == [("workplace", "remote"), ("workplace", "hybrid")]
    assert ("country", "de") in conditions["location"]
    assert ("workplace", "remote") not in conditions["location"]
