"""Stream ids: the bulk forms of a sheet row's and a rating's id are exactly uuid5, as the single forms."""

from __future__ import annotations

from uuid import UUID, uuid5

from hypothesis import given
from hypothesis import strategies as st

from ledger import ids


@given(st.lists(st.text(), max_size=20))
def test_bulk_sheet_row_ids_equal_uuid5_of_the_row_key(keys: list[str]) -> None:
    uuids, hexes = ids.sheet_row_streams(keys)
    for key, u, h in zip(keys, uuids, hexes, strict=True):
        expected = uuid5(ids.NAMESPACE, f"finding-row:{key}")
        assert u == expected == ids.sheet_row_id(key)
        assert hash(u) == hash(expected) and str(u) == str(expected) and u.version == 5
        assert h == expected.hex and UUID(h) == expected


@given(st.lists(st.text(), max_size=20))
def test_bulk_rating_ids_equal_the_single_rating_id_of_each_ref(refs: list[str]) -> None:
    uuids, hexes = ids.rating_streams(refs)
    for ref, u, h in zip(refs, uuids, hexes, strict=True):
        expected = ids.rating_id(ref)
        assert u == expected == uuid5(ids.NAMESPACE, f"rating:{ref}")
        assert hash(u) == hash(expected) and str(u) == str(expected) and u.version == 5
        assert h == expected.hex and UUID(h) == expected
