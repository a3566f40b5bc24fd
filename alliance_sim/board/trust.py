"""Trust between the parties: a weighted network built from prior collaboration and from events.

Trust starts from the scenario (``trust.relationships``, else ``trust.initial``), rises when the
board agrees, falls between those who block and those who wanted the matter, and falls when one
party takes a loss while another gains (001 §34). It sets how far the board concedes when it
amends a blocked matter (``agents/voting.concession``). A new representative resets part of its
party's trust and reopens what its predecessor had settled (004 p.15: continuity of board
members). The hot path keeps trust in
a matrix; ``network()`` gives it as a networkx graph for views and export.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from ..config import Trust

if TYPE_CHECKING:
    from agents import Party


class TrustNetwork:
    def __init__(self, config: Trust, keys: list[str]) -> None:
        self.config = config
        n = len(keys)
        self.T = np.full((n, n), config.initial)
        index = {k: i for i, k in enumerate(keys)}
        for rel in config.relationships:
            a, b = index[rel.a], index[rel.b]
            self.T[a, b] = self.T[b, a] = rel.trust
        np.fill_diagonal(self.T, 1.0)
        self.baseline = self.T.copy()
        self._pairs: dict[tuple[int, ...], np.ndarray] = {}  # voters -> gain for each pair
        #: (losers, gainers) as masks -> what each pair's trust is multiplied by (unshared_losses)
        self._loss_factors: dict[tuple[int, int], np.ndarray] = {}
        #: supporters of a blocked matter -> what their trust with a blocker is multiplied by
        self._block_factors: dict[tuple[int, ...], np.ndarray] = {}

    def mean(self, members: np.ndarray | None = None) -> float:
        T = self.T if members is None else self.T[np.ix_(members, members)]
        n = len(T)
        return float((T.sum() - n) / (n * (n - 1))) if n > 1 else 1.0

    def agreed(self, voters: list[int]) -> None:
        gain = self.config.agree_gain
        if len(voters) == len(self.T):
            self.T += gain * (1.0 - self.T)  # the diagonal stays at 1
            return
        pairs = self._pairs.get(tuple(voters))
        if pairs is None:
            member = np.zeros(len(self.T), dtype=bool)
            member[voters] = True
            pairs = self._pairs[tuple(voters)] = gain * np.outer(member, member)
        self.T += (1.0 - self.T) * pairs

    def blocked(self, blockers: list[int], supporters: list[int]) -> None:
        """Trust falls both ways between each blocker and each member who wanted the matter."""
        if not len(blockers) or not len(supporters):
            return
        key = tuple(supporters)  # the same few sets of supporters block after block
        factor = self._block_factors.get(key)
        if factor is None:
            factor = self._block_factors[key] = np.ones(len(self.T))
            factor[supporters] = 1.0 - self.config.block_loss
        for b in blockers:  # usually one: a row and a column beat building a pair matrix
            self.T[b] *= factor
            self.T[:, b] *= factor

    def unshared_losses(self, net: np.ndarray) -> None:
        losing = gaining = 0
        for i, v in enumerate(net.tolist()):  # a dozen parties: plain floats beat numpy's calls
            if v < 0:
                losing |= 1 << i
            elif v > 0:
                gaining |= 1 << i
        if losing and gaining:
            # The same few patterns of losers and gainers recur period after period.
            factor = self._loss_factors.get((losing, gaining))
            if factor is None:
                n = len(self.T)
                losers = np.array([losing >> i & 1 for i in range(n)], dtype=bool)
                gainers = np.array([gaining >> i & 1 for i in range(n)], dtype=bool)
                pair = np.outer(losers, gainers)
                factor = 1.0 - self.config.unshared_loss * (pair | pair.T)
                self._loss_factors[(losing, gaining)] = factor
            self.T *= factor

    def new_representative(self, party: int) -> None:
        """A new face at the table: trust moves back toward where it started."""
        share = self.config.reset_share
        row = self.T[party, :] - share * (self.T[party, :] - self.baseline[party, :])
        self.T[party, :] = row
        self.T[:, party] = row
        self.T[party, party] = 1.0

    def network(self, parties: list[Party], blockers: set[int] = frozenset()) -> nx.Graph:
        """The relationships as a graph: nodes carry kind, budget and membership; edges trust."""
        g = nx.Graph()
        for p in parties:
            g.add_node(p.key, name=p.name, kind=p.kind, budget_m=p.budget_m,
                       membership=str(p.membership), blocker=p.index in blockers)  # fmt: skip
        n = len(parties)
        for i in range(n):
            for j in range(i + 1, n):
                trust = float((self.T[i, j] + self.T[j, i]) / 2)
                g.add_edge(parties[i].key, parties[j].key, trust=round(trust, 4))
        return g
