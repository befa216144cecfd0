"""The TR39 skeleton of usernames: look-alikes share it, different names do not."""

from __future__ import annotations

import pytest

from onlyjobless.services.confusables import skeleton


@pytest.mark.parametrize(
    "name",
    [
        "alice",
        "ALICE",
        "\u0430lice",  # Cyrillic а
        "\uff41\uff4c\uff49\uff43\uff45",  # full-width ａｌｉｃｅ
        "al\u0131ce",  # dotless ı
        "a1ice",  # the digit one looks like l
        "\u0430l\u0456\u0441\u0435",  # Cyrillic а, і, с, е
    ],
)
def test_look_alikes_of_alice_share_its_skeleton(name: str) -> None:
    assert skeleton(name) == skeleton("alice")


@pytest.mark.parametrize("name", ["alina", "alice2", "al-ice", "al.ice", "alicia", "bob"])
def test_different_names_keep_different_skeletons(name: str) -> None:
    assert skeleton(name) != skeleton("alice")


def test_cyrillic_names_are_judged_by_their_own_letters() -> None:
    assert skeleton("Иван") == skeleton("иван")
    assert skeleton("Иван") != skeleton("Иона")
