"""Independent reimplementation of the backtest's IC and quintile figures.

    python3 backtest_reference.py STORE.db PANEL.csv HORIZON

PANEL.csv is `alphadesk score --history FROM..TO --every month --out PANEL.csv`: the
scores are the input under test; this script recomputes everything after them with
pandas and scipy, from the prices in the store: forward returns (close on the
rebalance date to the close HORIZON trading days later on the union trading
calendar, both closes required), per-date Spearman IC of the Alpha Score and each
pillar (at least 5 names), the mean forward return of each Alpha Score quintile
(quintiles by average rank, so ties share one), the factor-weighted long-short
return (weights: the score minus its mean over the sum of absolute deviations;
Alphalens's factor weights) with the equal-weighted universe's, and the mean
Spearman correlation of the score between consecutive dates. Prints one JSON
object.
"""

import json
import sqlite3
import sys

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

FACTORS = ["alpha_score", "momentum", "value", "quality", "sentiment"]


def main(db, panel_csv, horizon):
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

    means = [[] for _ in range(5)]
    for d, g in panel.groupby("date"):
        g = g[g["alpha_score"].notna() & g["fwd"].notna()]
        n = len(g)
        if n < 5:
            continue
        r = g["alpha_score"].rank(method="average")
        q = np.minimum(np.floor((r - 1) * 5 / n), 4).astype(int)
        for k in range(5):
            sel = g["fwd"][q == k]
            if len(sel):
                means[k].append(float(sel.mean()))
    out["quintiles"]["mean_returns"] = [float(np.mean(m)) if m else None for m in means]

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
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
