#!/usr/bin/env python3
"""The trailing retention series (NRR, GRR, CRR, DRR for every month that has a
year-ago month) computed with pandas from a snapshots CSV in the import format
(account_id,month,product,arr), as the speed comparison for
`cockpit metrics retention --from … --to … --json`.

Usage: python3 benches/retention_pandas.py SNAPSHOTS_CSV

Prints one line per month and, last, the elapsed time from reading the CSV to
the finished series. Money is summed in integer cents, as the cockpit does.
"""

import sys
import time

import numpy as np
import pandas as pd


def main(path: str) -> None:
    started = time.perf_counter()
    frame = pd.read_csv(
        path,
        usecols=["account_id", "month", "arr"],
        dtype={"account_id": "category", "month": "category", "arr": "float64"},
    )
    loaded = time.perf_counter()
    # Cents: two decimals at most, so rounding the parsed value is exact.
    cents = np.rint(frame["arr"].to_numpy() * 100).astype(np.int64)
    # Months as integers, converted once per distinct month.
    months = frame["month"].cat.categories
    month_values = np.array([int(m[:4]) * 12 + int(m[5:7]) - 1 for m in months], dtype=np.int64)
    month_index = month_values[frame["month"].cat.codes.to_numpy()]
    first, last = int(month_values.min()), int(month_values.max())
    # ARR per account and month (products added up), as a dense account × month grid.
    accounts = frame["account_id"].cat.codes.to_numpy()
    grid = np.zeros((len(frame["account_id"].cat.categories), last - first + 1), dtype=np.int64)
    np.add.at(grid, (accounts, month_index - first), cents)

    rows = []
    for offset in range(12, last - first + 1):
        then = grid[:, offset - 12]
        now = grid[:, offset]
        cohort = then > 0
        cohort_arr = int(then[cohort].sum())
        current_arr = int(now[cohort].sum())
        kept_arr = int(np.minimum(now[cohort], then[cohort]).sum())
        accounts = int(cohort.sum())
        retained = int((now[cohort] > 0).sum())
        rows.append((first + offset, accounts, cohort_arr, current_arr, kept_arr, retained))
    finished = time.perf_counter()

    def rate(numerator: int, denominator: int) -> str:
        return "null" if denominator == 0 else f"{numerator / denominator:.6f}"

    for month, accounts, cohort_arr, current_arr, kept_arr, retained in rows:
        print(
            f"{month // 12:04d}-{month % 12 + 1:02d} cohort_accounts={accounts} "
            f"cohort_arr={cohort_arr / 100:.2f} current_arr={current_arr / 100:.2f} "
            f"nrr={rate(current_arr, cohort_arr)} grr={rate(kept_arr, cohort_arr)} "
            f"crr={rate(retained, accounts)} drr={rate(current_arr, cohort_arr)}"
        )
    print(
        f"elapsed {finished - started:.3f} s "
        f"(read CSV {loaded - started:.3f} s, series {finished - loaded:.3f} s)"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: retention_pandas.py SNAPSHOTS_CSV")
    main(sys.argv[1])
