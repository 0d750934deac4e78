"""MCDA against examples computed by hand (see the arithmetic in each docstring)."""

import numpy as np
import pytest

from renouveau.portfolio import mcda


def test_weighted_sum_by_hand():
    # A = 0.5*1 + 0.5*0 = 0.5 ; B = 0.5*0.5 + 0.5*1 = 0.75 ; C = 0
    matrix = [[1, 0], [0.5, 1], [0, 0]]
    scores = mcda.weighted_sum(matrix, [2, 2])
    assert scores == pytest.approx([0.5, 0.75, 0])
    assert list(mcda.ranks(scores)) == [2, 1, 3]


def test_topsis_equal_weights_by_hand():
    """Columns have norm 5: R = [[.6,.8],[.8,.6],[0,0]]; V = R/2 = [[.3,.4],[.4,.3],[0,0]];
    A+ = (.4,.4), A- = (0,0). A: d+ = .1, d- = .5, C = .5/.6 = 0.8333; B likewise;
    C: d+ = sqrt(.32) = .5657, d- = 0, C = 0."""
    closeness = mcda.topsis([[3, 4], [4, 3], [0, 0]], [1, 1])
    assert closeness == pytest.approx([5 / 6, 5 / 6, 0], abs=1e-9)


def test_topsis_unequal_weights_by_hand():
    """w = (.75,.25): V = [[.45,.2],[.6,.15],[0,0]], A+ = (.6,.2), A- = (0,0).
    A: d+ = .15, d- = sqrt(.2425) = .49244, C = .76651.
    B: d+ = .05, d- = sqrt(.3825) = .61847, C = .92520."""
    closeness = mcda.topsis([[3, 4], [4, 3], [0, 0]], [3, 1])
    assert closeness == pytest.approx([0.76651, 0.92520, 0.0], abs=1e-5)
    assert list(mcda.ranks(closeness)) == [2, 1, 3]


def test_topsis_cost_criterion_by_hand():
    """One benefit column (norm 5) and one cost column (norm 5), equal weights:
    V = [[.3,.4],[.4,.3]]; A+ = (.4,.3), A- = (.3,.4). A: d+ = sqrt(.02), d- = 0 → 0;
    B: d+ = 0 → 1."""
    closeness = mcda.topsis([[3, 4], [4, 3]], [1, 1], benefit=[True, False])
    assert closeness == pytest.approx([0, 1])


def test_topsis_degenerate_cases():
    assert mcda.topsis([[1, 1], [1, 1]], [1, 1]) == pytest.approx([0.5, 0.5])
    assert mcda.topsis(np.zeros((0, 2)), [1, 1]).shape == (0,)
    with pytest.raises(ValueError):
        mcda.topsis([[1, 2]], [0, 0])
    with pytest.raises(ValueError):
        mcda.weighted_sum([[1, 2]], [-1, 2])


def test_ranks_are_stable_on_ties():
    assert list(mcda.ranks([0.5, 0.7, 0.5, 0.1])) == [2, 1, 3, 4]
    assert list(mcda.ranks([0.3, 0.1 + 0.2])) == [1, 2]  # float noise is not a difference


def test_sensitivity_finds_who_moves():
    """A = (1, 0), B = (0, 1), C = (0.45, 0.45), weights (1, 1): A = B = .5, C = .45.
    +20 % on criterion 0: A = 1.2/2.2 = .545, B = .455, C = .45 → order A, B, C (unchanged).
    −20 % on criterion 0: A = .8/1.8 = .444, B = .556, C = .45 → B, C, A: every one moves."""
    result = mcda.sensitivity([[1, 0], [0, 1], [0.45, 0.45]], [1, 1], delta=0.2)
    assert list(result.base_ranks) == [1, 2, 3]
    down = next(p for p in result.perturbations if p.criterion == 0 and p.factor < 1)
    moved = {(c.index, c.rank, c.new_rank) for c in down.changes}
    assert moved == {(0, 1, 3), (1, 2, 1), (2, 3, 2)}
    up = next(p for p in result.perturbations if p.criterion == 0 and p.factor > 1)
    assert up.changes == []
    assert list(result.max_shift) == [2, 1, 1]
    assert not result.stable.any()
    same = mcda.sensitivity([[1, 1], [0, 0]], [1, 1], method="topsis")
    assert same.stable.all()


def test_promethee2_by_hand():
    """One criterion, values (0, 0.1, 1), p = 0.25: clip(d / p, -1, 1) summed over the others,
    divided by n - 1 = 2. A: (-0.4 - 1) / 2 = -0.7; B: (0.4 - 1) / 2 = -0.3; C: (1 + 1) / 2 = 1.
    A second criterion (0.5, 0.5, 0) with weight 3 (w = .25, .75): A and B beat C by more than
    p on it, so +0.5 each, C -1; net = .25 * (-0.7, -0.3, 1) + .75 * (0.5, 0.5, -1)."""
    flows = mcda.promethee2([[0], [0.1], [1]], [1])
    assert flows == pytest.approx([-0.7, -0.3, 1.0])
    flows = mcda.promethee2([[0, 0.5], [0.1, 0.5], [1, 0]], [1, 3])
    assert flows == pytest.approx([0.2, 0.3, -0.5])
    assert flows.sum() == pytest.approx(0)  # net flows always sum to zero
    assert list(mcda.ranks(flows)) == [2, 1, 3]
    assert mcda.scores_for("promethee", [[0, 0.5], [0.1, 0.5], [1, 0]], [1, 3]) == pytest.approx(
        [0.6, 0.65, 0.25]
    )


@pytest.mark.parametrize("seed", range(5))
def test_promethee2_equals_the_pairwise_definition(seed):
    rng = np.random.default_rng(seed)
    n, m = 40, 5
    matrix = rng.integers(0, 13, (n, m)) / 12  # means of 3 marks 0-4: many ties and exact p
    weights = rng.integers(0, 4, m).astype(float) + (np.arange(m) == 0)
    w = weights / weights.sum()
    d = matrix[:, None, :] - matrix[None, :, :]  # a × b × criterion
    preference = np.clip(d / 0.25, 0, 1)  # P(a, b) per criterion
    pi = preference @ w
    expected = (pi.sum(axis=1) - pi.sum(axis=0)) / (n - 1)
    assert mcda.promethee2(matrix, weights) == pytest.approx(expected, abs=1e-12)


def test_promethee2_degenerate_cases():
    assert mcda.promethee2(np.zeros((0, 2)), [1, 1]).shape == (0,)
    assert mcda.promethee2([[0.3, 0.9]], [1, 1]) == pytest.approx([0.0])
    assert mcda.promethee2([[0.5], [0.5]], [1]) == pytest.approx([0.0, 0.0])
    with pytest.raises(ValueError):
        mcda.criterion_flows([[0.5], [0.4]], threshold=0)
