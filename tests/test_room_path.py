"""The room-aware voting path must match the plain one when the room leaves every vote to the
agents: the workshop's histories are then the same as ``simulate``'s."""

import pytest

from alliance_sim import builtin_names, simulate


@pytest.mark.parametrize("name", builtin_names())
@pytest.mark.parametrize("seed", [0, 7])
def test_a_silent_room_changes_nothing(name, seed):
    asked = []

    def silent(matter, party, agent_yes):
        asked.append((matter.id, party))
        return None

    plain = simulate(name, seed=seed)
    with_room = simulate(name, seed=seed, room_vote=silent)
    assert asked, "the room path was taken"
    assert with_room.decisions.equals(plain.decisions)
    assert with_room.votes.equals(plain.votes)
    assert with_room.ledger.equals(plain.ledger)
