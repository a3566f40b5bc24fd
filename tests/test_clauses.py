"""Every reason cites its own alliance's clause (issue 22 §3; docs/FIDELITY.md, "Citations").

A citation in a narrative line, a vote's reason or a matter's title comes from the scenario's
``[clauses]`` table (``config/clauses.py``), never from a constant in code: Walsall's notice of
business is 002 §5.4.1, not Mid-Notts' 000 §3.2.1 and 001 §46; a rule an alliance's documents
have no clause for cites nothing; a lesson drawn from elsewhere says so ("a general lesson of 004
p.15"). The documents an alliance may cite are those of its ``scenario.sources``.
"""

from __future__ import annotations

import re

import pytest

from alliance_sim import builtin_names, load_scenario, simulate
from alliance_sim.cli import main
from alliance_sim.config import Clause, Clauses, Lesson
from alliance_sim.config.clauses import WHAT
from alliance_sim.errors import InputError
from alliance_sim.registry import DECISION_RULES, PROHIBITED_GROUNDS

SEEDS = range(5)
RULES = DECISION_RULES.names()
#: A document cited: its number, then a clause (§), a page (p., pp.), its cover or a quoted heading.
DOCUMENT = re.compile(r"\b(00[0-4])(?= (?:§|pp?\.|cover\b|'))")
#: A citation marked as a general lesson, which any alliance may draw on.
LESSON = re.compile(r"a general lesson of 00[0-4] [^;,)]*")


def cited(text: str) -> set[str]:
    """The documents ``text`` cites as an alliance's own (general lessons left out)."""
    return set(DOCUMENT.findall(LESSON.sub("", text)))


def own_documents(name: str) -> set[str]:
    return {source.split()[0] for source in load_scenario(name).scenario.sources}


def texts(scenario, rules=RULES, seeds=SEEDS) -> list[str]:
    """Every narrative line, vote reason and matter title of the runs."""
    out: list[str] = []
    for rule in rules:
        for seed in seeds:
            result = simulate(scenario, seed=seed, overrides={"board.rule": rule})
            out += result.narrative().splitlines()
            out += result.votes["reason"].tolist()
            out += result.decisions["title"].tolist()
    return out


@pytest.fixture(scope="module")
def lines() -> dict[str, list[str]]:
    return {name: texts(name) for name in builtin_names()}


@pytest.mark.parametrize("name", builtin_names())
def test_no_narrative_or_vote_reason_cites_another_alliances_documents(lines, name):
    own = own_documents(name)
    foreign = [line for line in lines[name] if cited(line) - own]
    assert not foreign, f"{name} cites documents outside its sources {sorted(own)}: {foreign[:3]}"
    # not vacuous: the runs cite something, their own clauses or a lesson marked as such
    assert any(cited(line) or LESSON.search(line) for line in lines[name])


def test_the_same_rule_cites_each_alliances_own_clause(lines):
    def ending(name: str, start: str) -> set[str]:
        return {
            re.sub(r".*\(", "(", line) for line in lines[name] if line.lstrip().startswith(start)
        }

    assert ending("walsall", "Referred on notice") == {"(002 §5.4.1)"}
    assert ending("mid-notts", "Referred on notice") == {"(000 §3.2.1; 001 §46)"}
    term = "; the simulation still ends"
    walsall_term = {line.split(term)[0][-10:] for line in lines["walsall"] if term in line}
    mid_notts_term = {line.split(term)[0][-9:] for line in lines["mid-notts"] if term in line}
    assert walsall_term == {"(002 §2.2)"} and mid_notts_term == {"(001 §40)"}
    voids = {line for line in lines["walsall"] if "Prohibited Matter" in line}
    assert voids and all("(002 §3.4)" in line for line in voids)
    shocks = [line for line in lines["walsall"] if "Policy change:" in line]
    assert shocks and all(line.endswith("(002 §4.2)") for line in shocks)
    # a lesson Walsall's own agreement does not give is marked as one
    new_reps = [line for line in lines["walsall"] if "New representative:" in line]
    assert new_reps and all("(a general lesson of 004 p.15)" in line for line in new_reps)
    lambeth = [line for line in lines["lambeth-ipsa"] if "New representative:" in line]
    assert lambeth and all(line.rstrip().endswith("(004 p.15)") for line in lambeth)


def test_an_alliance_that_names_no_clause_cites_nothing():
    """A user's alliance whose file has no ``[clauses]`` cites no one else's: here Walsall with
    its table taken away, under every rule."""
    bare = load_scenario("walsall", {"clauses": {}})
    assert bare.clauses == Clauses()
    found = [line for line in texts(bare, seeds=range(3)) if cited(line) or LESSON.search(line)]
    assert not found, found[:3]


def test_resignations_are_counted_whatever_the_clause_says():
    """The runs table counts resignations from the roster, not by finding a clause in a reason."""
    for clauses in ({}, {"resignation": "our agreement, clause 9"}):
        s = load_scenario("walsall", {"clauses": clauses})
        resigned = notices = 0
        for seed in range(6):
            result = simulate(s, seed=seed)
            resigned += result.summary()["resigned"]
            notices += int((result.events.event == "notice").sum())
        assert resigned == notices > 0, clauses


def test_an_unknown_clause_key_is_an_input_error_listing_the_known_ones(capsys):
    with pytest.raises(InputError) as info:
        load_scenario("walsall", {"clauses.notise": "002 §5.4.1"})
    message = str(info.value)
    assert "clauses.notise" in message and "'notice'" in message and "'host_recovery'" in message
    code = main(["simulate", "walsall", "--set", "clauses.chairman=001 §47", "--quiet"])
    out, err = capsys.readouterr()
    assert code == 2 and "clauses.chairman" in err and "'chair'" in err
    assert "Traceback" not in out + err


@pytest.mark.parametrize("value", ["", "   ", 3, {"lesson": ""}, {"lesson": "004 p.15", "x": 1}])
def test_a_citation_is_a_clause_or_a_lesson(value):
    with pytest.raises(InputError) as info:
        load_scenario("walsall", {"clauses.notice": value})
    message = str(info.value)
    assert "clauses.notice" in message and "lesson" in message and "\n" not in message


def test_a_lesson_is_printed_as_one_and_a_missing_key_as_nothing():
    table = Clauses({Clause.NOTICE: "002 §5.4.1", Clause.CHAIR: Lesson(lesson="004 p.15")})
    assert table.cite(Clause.NOTICE) == " (002 §5.4.1)"
    assert table.cite(Clause.CHAIR) == " (a general lesson of 004 p.15)"
    assert table.cite(Clause.RECUSAL) == "" and table.cite(Clause.RECUSAL, "so") == " (so)"
    assert table.cite(Clause.NOTICE, "Notice of Variation") == " (Notice of Variation, 002 §5.4.1)"


def test_every_key_says_what_it_cites_and_every_ground_has_a_key():
    assert set(WHAT) == set(Clause)
    assert set(PROHIBITED_GROUNDS) <= set(Clause)


@pytest.mark.parametrize("name", builtin_names())
def test_each_table_cites_its_own_documents_or_marks_a_lesson(name):
    s = load_scenario(name)
    own = own_documents(name)
    assert s.clauses.root, "every built-in alliance has a clause table"
    for key, citation in s.clauses.root.items():
        if isinstance(citation, str):
            assert cited(citation) and cited(citation) <= own, (key, citation, own)
        else:
            assert cited(citation.lesson), (key, citation)
