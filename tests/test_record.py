"""A reading's dict read back (:meth:`Reading.from_dict`), as the store gives it or of another shape."""
from __future__ import annotations

from dataclasses import fields, replace

import pytest

from questionnaire.record import _READING_FIELDS, Reading

READ = Reading("siret", "12345678901234", "123 456 789 01234", "form_field", 1, (1.0, 2.0, 3.0, 4.0),
               (0.5, 1.5, 3.5, 4.5), 0.9, "Chiffres mal lus", "crops/siret.png")


def test_a_stored_reading_is_read_back_without_the_dataclasss_arguments_its_dict_left_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every field given, as :meth:`Reading.to_dict` gives them: the same reading, with or without its
    boxes, made without the dataclass's ``__init__``; the dict read is not the reading's own."""
    assert [f.name for f in fields(Reading)] == list(_READING_FIELDS)
    data = READ.to_dict()
    given = dict(data)
    made = []
    init = Reading.__init__
    monkeypatch.setattr(Reading, "__init__", lambda self, *args, **kwargs: (made.append(kwargs), init(self, *args,
                                                                                                          **kwargs))[1])
    whole, slim = Reading.from_dict(data), Reading.from_dict(data, boxes=False)
    assert made == []
    assert whole == READ and slim == replace(READ, bbox=None, zone=None)
    whole.value = "autre"
    assert data == given


def test_a_reading_of_another_shape_is_filled_in_or_refused_by_the_dataclass() -> None:
    """A reading missing fields (a store written by an older version) takes their defaults; one
    with a field the dataclass does not know is refused, as before."""
    assert Reading.from_dict({"key": "board", "value": True, "bbox": [1, 2, 3, 4]}) == \
        Reading("board", True, bbox=(1, 2, 3, 4))
    with pytest.raises(TypeError):
        Reading.from_dict({**READ.to_dict(), "angle": 90})
