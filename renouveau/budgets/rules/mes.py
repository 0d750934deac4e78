"""Method of Equal Shares, equal to pabutools' ``method_of_equal_shares`` (resolute, default
lexicographic tie-breaking), with the Add1 completion (``voter_budget_increment=1``).

Algorithm (per run, for a per-voter budget ``b0``)
--------------------------------------------------
Every voter starts with ``b0``.  In each round, for every remaining project ``j`` whose supporters
still hold at least its cost, the *price per unit of satisfaction unit* ``pi_j`` is the smallest
value such that ``sum_i w_i * min(b_i, pi_j * u_ij) == cost_j``; its affordability is
``rho_j = pi_j / scale_j`` (pabutools' ``affordability``).  The project with the smallest ``rho`` is
selected (ties: smallest project id, as ``lexico_tie_breaking``), each supporter pays
``min(b_i, pi * u_ij)``.  Projects whose supporters cannot pay any more are dropped for good.

Speed
-----
* identical ballots are grouped (``compiled.Compiled``), every vector operation is on groups;
* ``pi_j`` is found by Newton iterations on the concave piecewise-linear function
  ``f(pi) = sum_i w_i min(b_i, pi u_ij)`` (no sort), started from a lower bound;
* affordabilities only increase during a run, so stale values are lower bounds: projects are
  re-evaluated lazily, in increasing order of their stale value, until the stale value exceeds the
  best current one (as pabutools does).

Exactness
---------
Computations are done in floating point together with an error bound.  Every decision (is a
project affordable, is a voter capped, which project has the smallest ``rho``) whose float margin
is within the error bound is re-decided in exact rational arithmetic.  Exact values are obtained
lazily from the structure of the run: a voter who is not exhausted has the exact budget
``b0 - sum_q pi_q u_{i,j_q}`` over the projects selected so far, and the exact ``pi_q`` of a round
follows from the set of capped voters of that round.  Hence floating point never changes an outcome.

Add1
----
pabutools runs MES with ``b0 = budget/n + k`` for ``k = 0, 1, 2, ...`` and stops at the first ``k``
whose outcome is over the budget (returning the outcome of ``k - 1``) or exhaustive.  Every quantity
of a run is an affine function of ``b0`` as long as no decision changes sign, so each run also
computes (with derivatives) how far ``b0`` can grow with all decisions unchanged; the runs in
between are skipped since they have the same outcome.  A run that needed an exact decision is never
skipped from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .compiled import Compiled

EPS = float(np.finfo(float).eps)
_KEEP = 64.0  # comparisons closer than this (in units of b0) are remembered individually
_NO_CMP = (np.zeros(0, dtype=np.int64), np.zeros(0), math.inf)


def _cmp_min(cmp: tuple) -> float:
    """Smallest radius of a round's comparisons (close ones listed, the others >= floor)."""
    _, radii, floor = cmp
    return min(float(_min(radii)), floor) if len(radii) else floor


# ufunc reductions without the ndarray-method wrappers (these arrays are small: overhead matters)
_sum = np.add.reduce
_any = np.logical_or.reduce
_min = np.minimum.reduce
_abs = np.absolute


@dataclass
class MESRound:
    project: int
    rho: float
    pi: float
    drho: float  # derivatives with respect to b0 (used to extrapolate when resuming)
    dpi: float
    err: float  # error bound of rho
    supporters: int
    cap_ids: np.ndarray  # groups exhausted in this round (were alive)
    units_uncapped: int
    pi_exact: Fraction | None = None
    pay_arrays: tuple | None = None

    def payers(self) -> tuple[int, int]:
        """(voters who paid something, voters who paid all they had left)."""
        w, alive, bs, capped, units, tol_b = self.pay_arrays
        paying = alive & (bs > 0)
        emptied = capped | (bs - self.pi * units <= tol_b)
        return int(w[paying].sum()), int(w[paying & emptied].sum())


@dataclass
class MESDrop:
    project: int
    round: int  # 1-based round during which the project was found unaffordable
    money: float  # what its supporters still held
    cost: Fraction
    dmoney: float = 0.0


@dataclass
class MESRun:
    b0: Fraction
    rounds: list[MESRound]
    drops: dict[int, MESDrop]
    radius: float  # b0 may grow by this much with the same outcome
    exact_decisions: int = 0
    state: _Run | None = None  # to resume from (Add1)

    @property
    def selected(self) -> list[int]:
        return [r.project for r in self.rounds]


@dataclass
class _Cand:
    j: int
    supp: np.ndarray
    units_i: np.ndarray
    units_f: np.ndarray
    w_f: np.ndarray
    wu_i: np.ndarray
    wu_f: np.ndarray
    total_units: int
    unit: bool
    cost: Fraction
    cost_f: float
    scale: Fraction
    scale_f: float
    supporters: int


def _crossing(d: np.ndarray, dd: np.ndarray, margin, pad: float) -> float:
    """Smallest growth of b0 at which one of the affine decisions ``d + dd*x`` may change sign."""
    mask = (d * dd) < 0
    if not _any(mask):
        return math.inf
    m = margin[mask] if isinstance(margin, np.ndarray) else margin
    p = pad[mask] if isinstance(pad, np.ndarray) else pad
    r = (_abs(d[mask]) - m) / (_abs(dd[mask]) + p)
    return max(float(_min(r)), 0.0)


def _crossing_vec(d: np.ndarray, dd: np.ndarray, margin, pad) -> np.ndarray:
    """Per decision: growth of b0 at which ``d + dd*x`` may change sign (inf: never)."""
    out = np.full(len(d), math.inf)
    mask = (d * dd) < 0
    if _any(mask):
        m = margin[mask] if isinstance(margin, np.ndarray) else margin
        p = pad[mask] if isinstance(pad, np.ndarray) else pad
        out[mask] = np.maximum((_abs(d[mask]) - m) / (_abs(dd[mask]) + p), 0.0)
    return out


def _crossing1(d: float, dd: float, margin: float, pad: float) -> float:
    if d * dd >= 0:
        return math.inf
    return max((abs(d) - margin) / (abs(dd) + pad), 0.0)


class MES:
    """Prepared MES solver for one compiled election; ``run(b0)`` computes one MES run."""

    def __init__(self, comp: Compiled, exclude: set[int] | None = None):
        self.comp = comp
        self.units = comp.units
        self.w = comp.weights
        self.w_f = comp.weights.astype(float)
        self.n = comp.n_voters
        self.cmax = float(max(comp.costs)) if comp.costs else 0.0
        exclude = exclude or set()
        self.zero_cost: list[int] = []  # supported free projects (selected up-front by pabutools)
        self.cands: list[_Cand] = []
        self.unsupported: list[int] = []
        for j in range(comp.n_projects):
            if j in exclude:
                continue
            col = comp.units[:, j]
            supp = np.flatnonzero(col > 0)
            total = int(comp.weights[supp] @ col[supp]) if len(supp) else 0
            if total <= 0 or comp.scale[j] == 0:  # (a free project under cost satisfaction)
                self.unsupported.append(j)
                continue
            if comp.costs[j] == 0:
                self.zero_cost.append(j)
                continue
            u_i = col[supp]
            w = comp.weights[supp]
            self.cands.append(
                _Cand(
                    j=j,
                    supp=supp,
                    units_i=u_i,
                    units_f=u_i.astype(float),
                    w_f=w.astype(float),
                    wu_i=w * u_i,
                    wu_f=(w * u_i).astype(float),
                    total_units=total,
                    unit=bool((u_i == 1).all()),
                    cost=comp.costs[j],
                    cost_f=float(comp.costs[j]),
                    scale=comp.scale[j],
                    scale_f=float(comp.scale[j]),
                    supporters=int(w.sum()),
                )
            )
        self.zero_cost.sort(key=lambda j: comp.ids[j])
        # neighbours[k]: candidates sharing a supporter with candidate k (their price may change
        # when k is bought; the others keep exactly the same price and need no re-evaluation)
        if self.cands:
            cols = np.asarray([c.j for c in self.cands])
            support = (comp.units[:, cols] > 0).astype(np.float32)
            overlap = (support.T @ support) > 0
            self.neighbours = [np.flatnonzero(row).tolist() for row in overlap]
        else:
            self.neighbours = []

    # ------------------------------------------------------------------ one run
    def run(self, b0: Fraction, track: bool = True) -> MESRun:
        return _Run(self, Fraction(b0), track).go()

    def resume(self, run: MESRun, delta: Fraction) -> MESRun:
        """The run for ``run.b0 + delta``, reusing the rounds that ``run`` certifies unchanged."""
        if run.state is None:
            return self.run(run.b0 + delta)
        return run.state.resumed(Fraction(delta)).go()


class _Run:
    def __init__(self, mes: MES, b0: Fraction, track: bool):
        self.mes = mes
        self.comp = mes.comp
        self.b0 = b0
        self.b0f = float(b0)
        self.track = track
        G = mes.units.shape[0]
        self.b = np.full(G, self.b0f)
        self.db = np.ones(G)
        self.alive = np.ones(G, dtype=bool)
        self.rounds: list[MESRound] = []
        self.sel_cols: list[int] = []
        self.drops: dict[int, MESDrop] = {}
        self.radius = math.inf
        self.exact_decisions = 0
        self.scale_sum = mes.n * self.b0f + mes.cmax + 1.0
        self.pad_ratio = 1.0 / max(self.b0f, 1e-300)
        cands = mes.cands
        K = len(cands)
        # stale affordabilities (lower bounds), their derivative in b0 and error bound
        self.srho = np.array([c.cost_f / (c.total_units * c.scale_f) for c in cands], dtype=float)
        self.sdrho = np.zeros(K)
        self.serr = self.srho * (4 * EPS)
        self.active = np.ones(K, dtype=bool)
        # per iteration: radius of its decisions, and the state at its start (for resuming)
        self.round_radius: list[float] = []
        # per round: radius of the decisions that change the state (selected project's
        # affordability and capped supporters, dropped projects, exact ties), and of the
        # comparisons with the other projects: (min, project indices, radii) for the close ones
        self.round_struct: list[float] = []
        self.round_cmp: list[tuple[float, np.ndarray, np.ndarray]] = []
        self.snapshots: list[tuple] = []
        self.cur_radius = math.inf

    def resumed(self, delta: Fraction) -> _Run:
        """A new run for b0 + delta that starts at the first round whose decisions may change.

        A round is kept when its state-changing decisions are certified up to ``delta``; its
        comparisons with other projects are either certified too, or checked directly at
        ``b0 + delta`` by evaluating those projects in the extrapolated state of the round.
        """
        d = float(delta)
        new = _Run(self.mes, self.b0 + delta, self.track)
        kept_cmp: list[tuple] = []
        q = 0
        n_rounds = len(self.rounds)
        while q < n_rounds and self.round_struct[q] > d:
            ks, radii, floor = self.round_cmp[q]
            if _cmp_min(self.round_cmp[q]) > d:
                kept_cmp.append((ks, radii - d, floor - d))
                q += 1
                continue
            if floor <= d:
                break
            checked = self._check_at(new, q, d, ks, radii, floor)
            if checked is None:
                break
            kept_cmp.append(checked)
            q += 1
        if q == 0:
            return new
        self._load_into(new, q, d)
        new.round_struct = [r - d for r in self.round_struct[:q]]
        new.round_cmp = kept_cmp
        new.round_radius = [
            min(a, _cmp_min(b)) for a, b in zip(new.round_struct, kept_cmp, strict=True)
        ]
        new.radius = min(new.round_radius, default=math.inf)
        new.exact_decisions = 0
        return new

    def _load_into(self, new: _Run, q: int, d: float) -> None:
        """Put into ``new`` (per-voter budget b0 + d) the state at the start of round ``q``."""
        shift, b, db, alive, srho, sdrho, serr, active = self.snapshots[q]
        d0 = shift + d
        new.b = b + d0 * db
        new.db = db.copy()
        new.alive = alive.copy()
        new.srho = srho + d0 * sdrho
        new.sdrho = sdrho.copy()
        new.serr = serr.copy()
        new.active = active.copy()
        new.rounds = [
            MESRound(
                project=r.project,
                rho=r.rho + d * r.drho,
                pi=r.pi + d * r.dpi,
                drho=r.drho,
                dpi=r.dpi,
                err=r.err,
                supporters=r.supporters,
                cap_ids=r.cap_ids,
                units_uncapped=r.units_uncapped,
                pay_arrays=r.pay_arrays,
            )
            for r in self.rounds[:q]
        ]
        new.sel_cols = self.sel_cols[:q]
        new.drops = {
            j: MESDrop(j, drop.round, drop.money + d * drop.dmoney, drop.cost, drop.dmoney)
            for j, drop in self.drops.items()
            if drop.round <= q
        }
        new.snapshots = [(sn[0] + d, *sn[1:]) for sn in self.snapshots[:q]]

    def _check_at(self, new: _Run, q: int, d: float, ks: np.ndarray, radii: np.ndarray, floor):
        """Check round ``q``'s close comparisons at b0 + d; return its new comparison data."""
        fragile = radii <= d
        sel = self.rounds[q]
        rho_s = sel.rho + d * sel.drho
        self._load_into(new, q, d)
        new.tol_b, new.tol_sum = new._tols()
        new_radii = radii - d
        for pos in np.flatnonzero(fragile).tolist():
            k = int(ks[pos])
            ev = new._evaluate(self.mes.cands[k], new.srho[k])
            if ev is None or ev["rho"] - ev["err"] <= rho_s + sel.err:
                return None  # dropped, tied or cheaper at b0 + d: recompute this round
            margin = ev["err"] + sel.err
            new_radii[pos] = _crossing1(
                ev["rho"] - rho_s, ev["drho"] - sel.drho, margin, margin * new.pad_ratio
            )
        return (ks, new_radii, floor - d)

    # -- error bounds ------------------------------------------------------
    def _tols(self) -> tuple[float, float]:
        t = len(self.rounds)
        e = EPS * 64.0 * (t + 2) ** 2
        return e * (self.b0f + self.mes.cmax), e * self.scale_sum

    def _bound(self, r: float) -> None:
        if r < self.radius:
            self.radius = r
        if r < self.cur_radius:
            self.cur_radius = r

    # -- exact values ------------------------------------------------------
    def _pi_exact(self, q: int) -> Fraction:
        rec = self.rounds[q]
        if rec.pi_exact is None:
            cand_cost = self.comp.costs[rec.project]
            paid = self._exact_sum(rec.cap_ids, q)
            rec.pi_exact = (cand_cost - paid) / rec.units_uncapped
        return rec.pi_exact

    def _exact_sum(self, ids: np.ndarray, t: int) -> Fraction:
        """Exact sum of w_i * b_i over alive groups ``ids`` at the start of round ``t``."""
        if len(ids) == 0:
            return Fraction(0)
        w = self.mes.w[ids]
        total = self.b0 * int(w.sum())
        if t:
            cols = self.sel_cols[:t]
            counts = w @ self.mes.units[np.ix_(ids, cols)]
            for q in range(t):
                cnt = int(counts[q])
                if cnt:
                    total -= self._pi_exact(q) * cnt
        return total

    def _exact_budgets(self, ids: np.ndarray, t: int) -> list[Fraction]:
        if len(ids) == 0:
            return []
        if t == 0:
            return [self.b0] * len(ids)
        rows = self.mes.units[np.ix_(ids, self.sel_cols[:t])]
        uniq, inv = np.unique(rows, axis=0, return_inverse=True)
        pis = [self._pi_exact(q) for q in range(t)]
        vals = []
        for row in uniq:
            v = self.b0
            for q, x in enumerate(row.tolist()):
                if x:
                    v -= pis[q] * x
            vals.append(v)
        return [vals[k] for k in np.asarray(inv).reshape(-1).tolist()]

    # -- evaluation of one project ------------------------------------------
    def _evaluate(self, c: _Cand, stale_rho: float):
        """Return None if unaffordable, else a dict describing the price of the project."""
        tol_b, tol_sum = self.tol_b, self.tol_sum
        t = len(self.rounds)
        bs = self.b[c.supp]
        wb = c.w_f * bs
        money = float(_sum(wb))
        if self.track:
            dbs = self.db[c.supp]
            wdb = c.w_f * dbs
            dmoney = float(_sum(wdb))
        d = money - c.cost_f
        radius = math.inf  # how far b0 may grow with this evaluation's decisions unchanged
        if abs(d) <= tol_sum:
            self.exact_decisions += 1
            radius = 0.0
            alive_ids = c.supp[self.alive[c.supp]]
            affordable = self._exact_sum(alive_ids, t) >= c.cost
        else:
            affordable = d > 0
            if self.track:
                radius = _crossing1(d, dmoney, tol_sum, tol_sum * self.pad_ratio)
        if not affordable:
            self.drops[c.j] = MESDrop(c.j, t + 1, money, c.cost, dmoney if self.track else 0.0)
            self._bound(radius)
            return None
        # Newton iterations from a lower bound of pi.
        uf = c.units_f
        pi = max(stale_rho * c.scale_f, c.cost_f / c.total_units)
        capped = bs < pi if c.unit else bs < pi * uf
        ncap = int(np.count_nonzero(capped))
        for _ in range(10000):
            P = float(wb @ capped)
            A = c.total_units - int(c.wu_i @ capped)
            if A <= 0:
                pi = None
                break
            new_pi = (c.cost_f - P) / A
            new_capped = bs < new_pi if c.unit else bs < new_pi * uf
            nn = int(np.count_nonzero(new_capped))
            pi, capped = new_pi, new_capped
            if nn == ncap:
                break
            ncap = nn
        pi_exact = None
        if pi is None:  # cannot happen in exact arithmetic when affordable: decide exactly
            self.exact_decisions += 1
            radius = 0.0
            pi_exact, capped = self._full_exact(c, t)
            pi = float(pi_exact)
            A = c.total_units - int(c.wu_i @ capped)
            P = float(wb @ capped)
        # Certify the partition capped / uncapped.
        if c.unit:
            diff = bs - pi
            margin = tol_b + tol_sum / max(A, 1)
        else:
            diff = bs - pi * uf
            margin = tol_b + uf * (tol_sum / max(A, 1))
        unsure = _abs(diff) <= margin
        if pi_exact is None and _any(unsure):
            self.exact_decisions += 1
            radius = 0.0
            pi_exact, capped = self._resolve(c, t, bs, capped, unsure, pi, A)
            pi = float(pi_exact)
            A = c.total_units - int(c.wu_i @ capped)
        dpi = 0.0
        if self.track:
            dP = float(wdb @ capped)
            dpi = -dP / A
        err = 2.0 * tol_sum / (A * c.scale_f)
        return {
            "pi": pi,
            "dpi": dpi,
            "rho": pi / c.scale_f,
            "drho": dpi / c.scale_f,
            "err": err,
            "capped": capped,
            "A": A,
            "pi_exact": pi_exact,
            "bs": bs,
            "dbs": dbs if self.track else None,
            "radius": radius,
            "diff": diff if pi_exact is None else None,
            "margin": margin,
            "pad": tol_sum * self.pad_ratio,
        }

    def _resolve(self, c: _Cand, t, bs, capped, unsure, pi_f, A_f):
        """Exact price when some supporters are too close to the float threshold."""
        alive_mask = self.alive[c.supp]
        sure_cap = capped & ~unsure & alive_mask
        sure_unc = ~capped & ~unsure
        base_paid = self._exact_sum(c.supp[sure_cap], t)
        A = int(c.wu_i[sure_unc].sum())
        u_pos = np.flatnonzero(unsure)
        ids = c.supp[u_pos]
        alive_u = alive_mask[u_pos]
        budgets = self._exact_budgets(ids[alive_u], t)
        items = []
        k = 0
        for p, al in zip(u_pos.tolist(), alive_u.tolist(), strict=True):
            bud = budgets[k] if al else Fraction(0)
            k += al
            items.append((bud / int(c.units_i[p]), p, bud))
        items.sort(key=lambda x: x[0])
        A += sum(int(c.wu_i[p]) for _, p, _ in items)
        paid = base_paid
        result = None
        newly_capped = []
        for _ratio, p, bud in items:
            if A <= 0:
                break
            cand = (c.cost - paid) / A
            if cand * int(c.units_i[p]) <= bud:
                result = cand
                break
            paid += int(self.mes.w[c.supp[p]]) * bud
            A -= int(c.wu_i[p])
            newly_capped.append(p)
        if result is None and A > 0:
            result = (c.cost - paid) / A
        new_capped = sure_cap | (capped & ~alive_mask)
        if newly_capped:
            new_capped[np.asarray(newly_capped)] = True
        # Check that the exact price is consistent with the float-certain part.
        ok = result is not None
        if ok:
            r = float(result)
            tol_b, tol_sum = self._tols()
            slack = (bs - r * c.units_f)[~unsure]
            ok = bool(np.all((slack < 0) == capped[~unsure]))
        if not ok:
            return self._full_exact(c, t)
        return result, new_capped

    def _full_exact(self, c: _Cand, t: int):
        """Exact price computed from the exact budgets of all supporters (slow, rare)."""
        alive_mask = self.alive[c.supp]
        pos = np.flatnonzero(alive_mask)
        budgets = self._exact_budgets(c.supp[pos], t)
        items = sorted(
            (
                (bud / int(c.units_i[p]), p, bud)
                for p, bud in zip(pos.tolist(), budgets, strict=True)
            ),
            key=lambda x: x[0],
        )
        capped = ~alive_mask.copy()
        A = int(c.wu_i[pos].sum())
        paid = Fraction(0)
        for _ratio, p, bud in items:
            cand = (c.cost - paid) / A
            if cand * int(c.units_i[p]) <= bud:
                return cand, capped
            paid += int(self.mes.w[c.supp[p]]) * bud
            A -= int(c.wu_i[p])
            capped[p] = True
        raise ArithmeticError("MES: project declared affordable but no price found")

    def _rho_exact(self, c: _Cand, ev: dict, t: int) -> Fraction:
        if ev["pi_exact"] is None:
            cap_ids = c.supp[ev["capped"] & self.alive[c.supp]]
            ev["pi_exact"] = (c.cost - self._exact_sum(cap_ids, t)) / ev["A"]
        return ev["pi_exact"] / c.scale

    # -- main loop ----------------------------------------------------------
    def _partition_radius(self, c: _Cand, ev: dict) -> float:
        """How far b0 may grow before a supporter of the selected project changes side."""
        if ev["diff"] is None:
            return ev["radius"]
        ddiff = ev["dbs"] - ev["dpi"] * c.units_f
        return min(ev["radius"], _crossing(ev["diff"], ddiff, ev["margin"], ev["pad"]))

    def go(self) -> MESRun:
        ids = self.comp.ids
        cands = self.mes.cands
        srho, sdrho, serr, active = self.srho, self.sdrho, self.serr, self.active
        # evaluations still exact: no supporter of the project has paid since
        cache: list[dict | None] = [None] * len(cands)
        while True:
            if self.track:
                self.snapshots.append(
                    (
                        0.0,
                        self.b.copy(),
                        self.db.copy(),
                        self.alive.copy(),
                        srho.copy(),
                        sdrho.copy(),
                        serr.copy(),
                        active.copy(),
                    )
                )
            self.cur_radius = math.inf
            self.tol_b, self.tol_sum = self._tols()
            idx = np.flatnonzero(active)
            if len(idx) == 0:
                self._end_round(self.cur_radius, _NO_CMP)
                break
            t = len(self.rounds)
            sub = srho[idx]
            perm = np.argsort(sub, kind="stable")
            order = idx[perm].tolist()
            lower = (sub - serr[idx])[perm].tolist()
            best = None
            best_rho = math.inf
            best_err = 0.0
            evaluated: list[tuple[int, dict]] = []
            for pos, k in enumerate(order):
                if best is not None and lower[pos] > best_rho + best_err:
                    break
                ev = cache[k]
                if ev is None:
                    ev = cache[k] = self._evaluate(cands[k], srho[k])
                if ev is None:
                    active[k] = False
                    continue
                srho[k], sdrho[k], serr[k] = ev["rho"], ev["drho"], ev["err"]
                evaluated.append((k, ev))
                if ev["rho"] < best_rho:
                    best, best_rho, best_err = (k, ev), ev["rho"], ev["err"]
            if best is None:
                self._end_round(self.cur_radius, _NO_CMP)
                break
            band = [(k, ev) for k, ev in evaluated if ev["rho"] - ev["err"] <= best_rho + best_err]
            exact_band: dict[int, Fraction] = {}
            if len(band) > 1:
                self.exact_decisions += 1
                exact = [
                    (self._rho_exact(cands[k], ev, t), ids[cands[k].j], k, ev) for k, ev in band
                ]
                exact.sort(key=lambda x: (x[0], x[1]))
                _, _, bk, bev = exact[0]
                best = (bk, bev)
                exact_band = {k: rho for rho, _, k, _ in exact}
            sk, sev = best
            if self.track:
                # Only the selected project's own decisions (affordable, who is capped) must stay
                # unchanged: then every budget stays affine in b0.  The affordability of another
                # project is a convex function of b0 (its price solves a concave equation), so
                # its tangent -- current value and derivative -- is a lower bound, and staying
                # above the selected project's affine affordability is enough.
                self._bound(self._partition_radius(cands[sk], sev))
                if exact_band:
                    self._bound(self._band_radius(exact_band, sk, srho, sdrho, serr))
                o = active.copy()  # dropped projects are no longer active
                o[sk] = False
                for k in exact_band:
                    o[k] = False
                ks = np.flatnonzero(o)
                margin = serr[ks] + sev["err"]
                radii = _crossing_vec(
                    srho[ks] - sev["rho"], sdrho[ks] - sev["drho"], margin, margin * self.pad_ratio
                )
                close = radii < _KEEP
                far = radii[~close]
                floor = float(_min(far)) if len(far) else math.inf
                self._end_round(self.cur_radius, (ks[close], radii[close], floor))
            else:
                self._end_round(0.0, _NO_CMP)
            self._pay(cands[sk], sev)
            active[sk] = False
            for k in self.mes.neighbours[sk]:
                cache[k] = None
        if not self.track:
            self.radius = 0.0
        return MESRun(
            self.b0,
            self.rounds,
            self.drops,
            self.radius,
            self.exact_decisions,
            self if self.track else None,
        )

    def _end_round(self, struct: float, cmp: tuple) -> None:
        self.round_struct.append(struct)
        self.round_cmp.append(cmp)
        r = min(struct, _cmp_min(cmp))
        self.round_radius.append(r)
        if r < self.radius:
            self.radius = r

    def _band_radius(self, exact_band, sk, srho, sdrho, serr) -> float:
        """Radius for the comparisons decided exactly (near ties) with the selected project."""
        rs = exact_band[sk]
        radius = math.inf
        for k, rk in exact_band.items():
            if k == sk:
                continue
            slope = float(sdrho[k] - sdrho[sk])
            pad = (serr[k] + serr[sk]) * self.pad_ratio
            if rk == rs:
                # an exact tie won by the smaller id: it holds while k's lower bound does not
                # fall below, certain only if both slopes are exactly zero (prices unaffected).
                if not (sdrho[k] == 0.0 and sdrho[sk] == 0.0) and not slope > pad:
                    return 0.0
                continue
            d = float(rk - rs)
            radius = min(radius, _crossing1(d, slope, abs(d) * 1e-9, pad))
        return radius

    def _pay(self, c: _Cand, ev: dict) -> None:
        capped = ev["capped"]
        alive_s = self.alive[c.supp]
        cap_alive = capped & alive_s
        cap_ids = c.supp[cap_alive]
        unc = ~capped
        unc_ids = c.supp[unc]
        pi = ev["pi"]
        bs = ev["bs"]
        rec = MESRound(
            project=c.j,
            rho=ev["rho"],
            pi=pi,
            drho=ev["drho"],
            dpi=ev["dpi"],
            err=ev["err"],
            supporters=c.supporters,
            cap_ids=cap_ids,
            units_uncapped=ev["A"],
            pi_exact=ev["pi_exact"],
            pay_arrays=(self.mes.w[c.supp], alive_s, bs, capped, c.units_f, self.tol_b),
        )
        # exact budgets of the uncapped supporters that end (almost) at zero stay exact.
        new_b = bs[unc] - (pi if c.unit else pi * c.units_f[unc])
        self.b[unc_ids] = np.maximum(new_b, 0.0)
        self.b[cap_ids] = 0.0
        self.alive[cap_ids] = False
        if self.track:
            dpi = ev["dpi"]
            self.db[unc_ids] = ev["dbs"][unc] - (dpi if c.unit else dpi * c.units_f[unc])
            self.db[cap_ids] = 0.0
        self.rounds.append(rec)
        self.sel_cols.append(c.j)


def mes_add1(
    mes: MES, budget: Fraction, n: int, increment: Fraction | None = Fraction(1), skip: bool = True
) -> tuple[MESRun, int, int]:
    """MES with the Add1 completion, as pabutools' ``voter_budget_increment``.

    Returns ``(run, k, runs)``: the run whose outcome is returned (per-voter budget
    ``budget/n + k * increment``), and how many MES runs were computed (fully or resumed).
    """
    base = Fraction(budget) / n
    if increment is None:
        return mes.run(base, track=False), 0, 1
    # money in integer units of the common denominator of the costs and the budget
    den = 1
    for x in [*mes.comp.costs, Fraction(budget)]:
        den = math.lcm(den, x.denominator)
    costs = [int(x * den) for x in mes.comp.costs]
    budget_i = int(Fraction(budget) * den)
    zero_cost = 0
    cand_costs = [(costs[c.j], c.j) for c in mes.cands]
    k = 0
    runs = 1
    run = mes.run(base, track=skip)
    prev: tuple[int, MESRun] | None = None
    while True:
        spent = zero_cost + sum(costs[j] for j in run.selected)
        if prev is not None and spent > budget_i:
            pk, prun = prev
            if pk != k - 1:
                again = mes.run(base + (k - 1) * increment, track=False)
                runs += 1
                if again.selected != prun.selected:  # pragma: no cover - safety net
                    # a skip was not safe: go back and step one by one from there.
                    skip = False
                    k = pk + 1
                    run = mes.run(base + k * increment, track=False)
                    runs += 1
                    prev = (pk, prun)
                    continue
                prun = again
            return prun, k - 1, runs
        chosen = set(run.selected)
        exhaustive = all(j in chosen or cost + spent > budget_i for cost, j in cand_costs)
        if exhaustive:
            return run, k, runs
        steps = 0
        if skip and run.radius > 0 and increment > 0:
            r = run.radius / float(increment)
            steps = int(min(math.floor(r * (1 - 1e-9)), 10**12)) if math.isfinite(r) else 10**12
        prev = (k + steps, run)
        if skip:
            run = mes.resume(run, (steps + 1) * increment)
        else:
            run = mes.run(base + (k + steps + 1) * increment, track=False)
        runs += 1
        k = k + steps + 1
