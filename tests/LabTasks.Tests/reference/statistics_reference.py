#!/usr/bin/python3
"""Reference values for VirtLab's statistics, computed with SciPy (Debian's python3-scipy), not with
Perfolizer. Reads a JSON list of cases on stdin, writes one JSON result per case on stdout."""
import itertools
import json
import math
import sys

import numpy as np
from scipy import stats
from scipy.stats import mstats


def harrell_davis_interval(values, p, level=0.95):
    # Harrell-Davis weights from the Beta CDF; the interval is estimate +- t(n-1) * sqrt(weighted variance).
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    a, b = (n + 1) * p, (n + 1) * (1 - p)
    edges = stats.beta.cdf(np.arange(n + 1) / n, a, b)
    w = np.diff(edges)
    c1 = float(np.sum(w * x))
    se = math.sqrt(max(float(np.sum(w * x * x)) - c1 * c1, 0.0))
    t = stats.t.ppf(1 - (1 - level) / 2, n - 1)
    return [c1 - t * se, c1 + t * se]


def exact_u_cdf(n, m):
    # P(U < u) for every u, by enumerating which ranks the first sample takes.
    counts = {}
    for ranks in itertools.combinations(range(n + m), n):
        u = sum(ranks) - n * (n - 1) // 2
        counts[u] = counts.get(u, 0) + 1
    total = math.comb(n + m, n)
    return lambda u: sum(c for k, c in counts.items() if k < u) / total


def moses_ratio_interval(x, y, alpha=0.05):
    n, m = len(x), len(y)
    below = exact_u_cdf(n, m)
    k = 0
    while k < n * m // 2 and below(k + 1) <= alpha / 2:
        k += 1
    if k == 0:
        return None
    d = sorted(math.log(b) - math.log(a) for b in y for a in x)
    return [math.exp(d[k - 1]), math.exp(d[n * m - k])]


def run(case):
    kind = case["kind"]
    if kind == "distribution":
        v = case["values"]
        hd = mstats.hdquantiles(v, prob=[0.5, 0.95, 0.99])
        return {"median": float(hd[0]), "p95": float(hd[1]), "p99": float(hd[2]),
                "interval": harrell_davis_interval(v, 0.5)}
    if kind == "proportion":
        ci = stats.binomtest(case["k"], case["n"]).proportion_ci(confidence_level=0.95, method="exact")
        return {"interval": [float(ci.low), float(ci.high)]}
    if kind == "comparison":
        x, y = case["baseline"], case["candidate"]
        p = stats.mannwhitneyu(x, y, alternative="two-sided", method="exact").pvalue
        ratio = float(np.median([b / a for b in y for a in x]))
        return {"p": float(p), "ratio": ratio, "interval": moses_ratio_interval(x, y)}
    raise ValueError(kind)


print(json.dumps([run(c) for c in json.load(sys.stdin)]))
