#!/usr/bin/env python3
# Independent reference values for @driftprune/stats' tests, computed with numpy/scipy (not with our code):
#   python3 packages/stats/reference/make-reference.py > packages/stats/reference/reference.json
# - normal: scipy.special.ndtr / ndtri
# - sign tests: scipy.stats.binomtest (two-sided, p = 1/2)
# - bootstrap: scipy.stats.bootstrap (percentile and BCa, 1,000,000 resamples) on fixed samples; for samples of n <= 7
#   also the exact bootstrap distribution (all n^n resamples, equally likely): its quantiles, BCa's z0 (ties half) and
#   the jackknife acceleration, written out by hand here.
# - cluster bootstrap: the exact distribution over all k^k resamples of k clusters (pooled mean).
import itertools, json, sys
import numpy as np
from scipy import special, stats

out = {"generatedWith": f"numpy {np.__version__}, scipy {__import__('scipy').__version__}"}

xs = [-8.0, -5.0, -3.0, -1.959963984540054, -1.0, -0.5, 0.0, 0.3, 1.0, 1.644853626951472, 2.5, 4.0, 7.5]
out["normalCdf"] = [[x, float(special.ndtr(x))] for x in xs]
ps = [1e-10, 1e-6, 0.001, 0.01, 0.02425, 0.025, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-6]
out["normalQuantile"] = [[p, float(special.ndtri(p))] for p in ps]

out["signTest"] = [
    {"positive": k, "negative": n - k, "p": float(stats.binomtest(k, n, 0.5).pvalue)}
    for k, n in [(0, 3), (3, 3), (1, 10), (9, 10), (2, 10), (5, 10), (0, 12), (7, 20), (40, 100), (230, 500)]
]

samples = {
    "skewed12": [0.11, 0.35, -0.2, 1.8, 0.05, 0.42, 2.9, -0.6, 0.27, 0.9, 0.15, 4.1],
    "symmetric10": [-1.2, -0.7, -0.3, -0.1, 0.0, 0.2, 0.4, 0.6, 1.1, 1.5],
    "deltaNE20": [0.31, 0.12, -0.05, 0.44, 0.27, 0.09, 0.51, 0.18, -0.12, 0.36, 0.22, 0.08, 0.61, 0.14, 0.29, 0.03, 0.47, 0.2, 0.33, 0.11],
    "small6": [1.0, 2.0, 3.5, 4.0, 9.0, 2.5],
}
boot = []
for name, data in samples.items():
    x = np.array(data)
    case = {"name": name, "data": data}
    for method in ("percentile", "BCa"):
        r = stats.bootstrap((x,), np.mean, n_resamples=1_000_000, confidence_level=0.95, method=method, random_state=np.random.default_rng(7), vectorized=True)
        case[method.lower()] = [float(r.confidence_interval.low), float(r.confidence_interval.high)]
        case["bootstrapStd"] = float(r.standard_error)
    jack = np.array([np.delete(x, i).mean() for i in range(len(x))])
    d = jack.mean() - jack
    case["acceleration"] = float((d ** 3).sum() / (6 * ((d ** 2).sum()) ** 1.5))
    if len(x) <= 7:
        means = np.array([x[list(idx)].mean() for idx in itertools.product(range(len(x)), repeat=len(x))])
        t = x.mean()
        case["exactZ0"] = float(special.ndtri(((means < t).sum() + (means <= t).sum()) / (2 * len(means))))
        case["exactPercentile"] = [float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))]
    boot.append(case)
out["bootstrap"] = boot

clusters = [[0.5, 0.7, 0.2], [1.9, 2.4], [-0.3, 0.1, 0.0, 0.4], [3.1], [0.8, 1.3], [2.2, 1.7, 2.9]]
k = len(clusters)
sums = np.array([sum(c) for c in clusters])
sizes = np.array([len(c) for c in clusters])
pooled = []
for idx in itertools.product(range(k), repeat=k):
    pooled.append(sums[list(idx)].sum() / sizes[list(idx)].sum())
pooled = np.array(pooled)
out["cluster"] = {
    "clusters": clusters,
    "pooledMean": float(sums.sum() / sizes.sum()),
    "exactPercentile": [float(np.quantile(pooled, 0.025)), float(np.quantile(pooled, 0.975))],
    "exactStd": float(pooled.std()),
}
json.dump(out, sys.stdout, indent=1)
print()
