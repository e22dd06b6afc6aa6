"""Independent reimplementation of the backtest's IC and quintile figures.

    python3 backtest_reference.py STORE.db PANEL.csv HORIZON [LAGS]

PANEL.csv is `alphadesk score --history FROM..TO --every month --out PANEL.csv`: the
scores are the input under test; this script recomputes everything after them with
pandas and scipy, from the prices in the store: forward returns (close on the
rebalance date to the close HORIZON trading days later on the union trading
calendar, both closes required), per-date Spearman IC of the Alpha Score and each
pillar (at least 5 names), the mean forward return of each Alpha Score quintile
(quintiles by average rank, so ties share one), the factor-weighted long-short
return (weights: the score minus its mean over the sum of absolute deviations;
Alphalens's factor weights) with the equal-weighted universe's, and the mean
Spearman correlation of the score between consecutive dates. Also the variants:
quintile returns less the date's mean (demeaned) and, with quintiles formed
within each sector of at least five names, less the sector's mean
(sector-neutral); each with Newey-West standard errors of LAGS lags (default
0); and the IC with forward returns less their sector's mean. Prints one JSON
object.
"""

import json
import sqlite3
import sys

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

FACTORS = ["alpha_score", "momentum", "value", "quality", "sentiment"]


def nw_se(xs, lags):
    """Newey-West (Bartlett) standard error of the mean, population variance."""
    x = np.asarray(xs, dtype=float)
    n = len(x)
    if n < 2:
        return None
    d = x - x.mean()
    lrv = (d * d).sum() / n
    for k in range(1, min(lags, n - 1) + 1):
        lrv += 2.0 * (1.0 - k / (lags + 1.0)) * (d[k:] * d[:-k]).sum() / n
    return float(np.sqrt(lrv / n)) if lrv > 0 else None


def quintile(values):
    r = values.rank(method="average")
    return np.minimum(np.floor((r - 1) * 5 / len(values)), 4).astype(int)


def main(db, panel_csv, horizon, lags):
    con = sqlite3.connect(db)
    px = pd.read_sql("SELECT ticker, date, adj_close FROM prices", con)
    px = px[px["adj_close"].notna() & (px["adj_close"] > 0)]
    calendar = sorted(pd.read_sql("SELECT DISTINCT date FROM prices", con)["date"])
    nxt = {d: calendar[i + horizon] for i, d in enumerate(calendar) if i + horizon < len(calendar)}
    close = px.set_index(["date", "ticker"])["adj_close"]

    panel = pd.read_csv(panel_csv, dtype={"date": str})
    panel = panel[panel["date"].isin(nxt.keys())].copy()
    panel["target"] = panel["date"].map(nxt)
    p0 = close.reindex(pd.MultiIndex.from_arrays([panel["date"], panel["ticker"]])).to_numpy()
    p1 = close.reindex(pd.MultiIndex.from_arrays([panel["target"], panel["ticker"]])).to_numpy()
    panel["fwd"] = p1 / p0 - 1.0

    out = {"ic": {}, "quintiles": {}}
    for f in FACTORS:
        series = []
        for d, g in panel.groupby("date"):
            g = g[g[f].notna() & g["fwd"].notna()]
            if len(g) < 5:
                continue
            rho = spearmanr(g[f], g["fwd"]).statistic
            if np.isfinite(rho):
                series.append({"date": d, "ic": float(rho), "n": int(len(g))})
        v = np.array([s["ic"] for s in series])
        out["ic"][f] = {
            "mean": float(v.mean()) if len(v) else None,
            "std": float(v.std(ddof=1)) if len(v) > 1 else None,
            "series": series,
        }

    out["sector_neutral_ic"] = {}
    series = []
    for d, g in panel.groupby("date"):
        g = g[g["alpha_score"].notna() & g["fwd"].notna()]
        if len(g) < 5:
            continue
        adjusted = g["fwd"] - g.groupby("sector")["fwd"].transform("mean")
        rho = spearmanr(g["alpha_score"], adjusted).statistic
        if np.isfinite(rho):
            series.append({"date": d, "ic": float(rho)})
    out["sector_neutral_ic"]["alpha_score"] = {"series": series}

    variants = {v: [[] for _ in range(5)] for v in ["raw", "demeaned", "sector_neutral"]}
    spreads = {v: [] for v in variants}
    for d, g in panel.groupby("date"):
        g = g[g["alpha_score"].notna() & g["fwd"].notna()]
        if len(g) < 5:
            continue
        q = quintile(g["alpha_score"])
        rows = {"raw": g["fwd"].groupby(q).mean()}
        rows["demeaned"] = rows["raw"] - g["fwd"].mean()
        parts = []
        for _, s in g.groupby("sector"):
            if len(s) >= 5:
                parts.append(pd.DataFrame({"q": quintile(s["alpha_score"]), "r": s["fwd"] - s["fwd"].mean()}))
        rows["sector_neutral"] = pd.concat(parts).groupby("q")["r"].mean() if parts else pd.Series(dtype=float)
        for v, m in rows.items():
            for k in range(5):
                if k in m.index:
                    variants[v][k].append(float(m[k]))
            if 0 in m.index and 4 in m.index:
                spreads[v].append(float(m[4] - m[0]))
    for v, means in variants.items():
        out["quintiles"][v] = {
            "mean_returns": [float(np.mean(m)) if m else None for m in means],
            "std_errors": [nw_se(m, lags) for m in means],
            "spread_mean": float(np.mean(spreads[v])) if spreads[v] else None,
            "spread_std_error": nw_se(spreads[v], lags),
        }
    out["quintiles"]["mean_returns"] = out["quintiles"]["raw"]["mean_returns"]

    series = []
    for d, g in panel.groupby("date"):
        g = g[g["alpha_score"].notna() & g["fwd"].notna()]
        if len(g) < 5:
            continue
        dev = g["alpha_score"] - g["alpha_score"].mean()
        gross = dev.abs().sum()
        if gross <= 0:
            continue
        series.append({"date": d, "long_short": float((dev / gross * g["fwd"]).sum()), "universe": float(g["fwd"].mean())})
    out["factor_returns"] = {"series": series}

    scores = {d: g.dropna(subset=["alpha_score"]).set_index("ticker")["alpha_score"] for d, g in panel.groupby("date")}
    dates = sorted(scores)
    rhos = []
    for a, b in zip(dates, dates[1:]):
        both = pd.concat([scores[a], scores[b]], axis=1, join="inner")
        if len(both) >= 5:
            rho = spearmanr(both.iloc[:, 0], both.iloc[:, 1]).statistic
            if np.isfinite(rho):
                rhos.append(float(rho))
    out["rank_autocorrelation"] = float(np.mean(rhos)) if rhos else None
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 0)
