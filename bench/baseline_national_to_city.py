#!/usr/bin/python3
"""Baseline for `npm run bench`: the national-to-city job as an analyst would script it
with pandas + openpyxl (Debian's python3-pandas, python3-openpyxl).

Reads the roster and the national workbook with every cell as text (so 学籍号 keep their
letters and leading zeros), normalises 学籍号 (NFKC, whitespace removed, upper case),
left-joins the national rows to the roster, and writes the matched rows (national columns,
体检日期 last) and the unmatched rows to two .xlsx files.

It does less than shili: no value checks, no identity matching by 姓名 + 出生日期, no duplicate
detection, no candidates, cells written back as read. It is the quick script, done properly.

Usage: baseline_national_to_city.py --roster R.xlsx --national N.xlsx --out DIR [--exam-date 2025-09-15]
       baseline_national_to_city.py --versions
Prints one JSON line: row counts and the seconds each step took.
"""
import argparse
import json
import os
import resource
import sys
import time
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd

ID_HEADERS = ("学籍号", "全国学籍号")
EXAM_DATE = "体检日期"


def normalise_ids(ids: pd.Series) -> pd.Series:
    """NFKC (full-width digits and letters, ideographic spaces), no whitespace, upper case."""
    return (
        ids.fillna("")
        .map(lambda v: unicodedata.normalize("NFKC", v))
        .str.replace(r"\s+", "", regex=True)
        .str.upper()
    )


def id_column(df: pd.DataFrame, path: str) -> str:
    for name in ID_HEADERS:
        if name in df.columns:
            return name
    sys.exit(f"{path}: no 学籍号 column (columns: {', '.join(map(str, df.columns))})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--roster")
    ap.add_argument("--national")
    ap.add_argument("--out")
    ap.add_argument("--exam-date", help="for rows (or files) without 体检日期")
    ap.add_argument("--header-row", type=int, default=0, help="0-based row of the national header (1 with a title row)")
    ap.add_argument("--versions", action="store_true")
    args = ap.parse_args()
    if args.versions:
        print(json.dumps({"python": sys.version.split()[0], "pandas": pd.__version__, "openpyxl": openpyxl.__version__}))
        return
    if not (args.roster and args.national and args.out):
        ap.error("--roster, --national and --out are required")

    t = {}
    start = time.perf_counter()
    roster = pd.read_excel(args.roster, dtype=str, engine="openpyxl")
    t["readRoster"] = time.perf_counter() - start

    mark = time.perf_counter()
    national = pd.read_excel(args.national, dtype=str, header=args.header_row, engine="openpyxl")
    t["readNational"] = time.perf_counter() - mark

    mark = time.perf_counter()
    keys = normalise_ids(roster[id_column(roster, args.roster)])
    known = pd.DataFrame({"_key": keys[keys != ""].drop_duplicates(), "_in_roster": True})
    national["_key"] = normalise_ids(national[id_column(national, args.national)])
    joined = national.merge(known, on="_key", how="left")
    if EXAM_DATE not in joined.columns:
        joined[EXAM_DATE] = args.exam_date
    elif args.exam_date:
        joined[EXAM_DATE] = joined[EXAM_DATE].fillna(args.exam_date)
    in_roster = joined["_in_roster"].notna() & (joined["_key"] != "")
    columns = [c for c in national.columns if c not in ("_key", EXAM_DATE)] + [EXAM_DATE]
    matched = joined.loc[in_roster, columns]
    unmatched = joined.loc[~in_roster, columns]
    t["join"] = time.perf_counter() - mark

    mark = time.perf_counter()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = Path(args.national).stem
    matched.to_excel(out / f"{stem}.city-upload.xlsx", index=False, sheet_name="Sheet1", engine="openpyxl")
    unmatched.to_excel(out / f"{stem}.unmatched.xlsx", index=False, sheet_name="需人工处理", engine="openpyxl")
    t["write"] = time.perf_counter() - mark
    t["total"] = time.perf_counter() - start

    usage = resource.getrusage(resource.RUSAGE_SELF)
    rss_file = os.environ.get("SHILI_BENCH_RSS_FILE")
    if rss_file:
        # Only read when /usr/bin/time is missing; ru_maxrss is in KiB on Linux.
        with open(rss_file, "w") as f:
            json.dump({"maxRssKb": usage.ru_maxrss, "cpuS": usage.ru_utime + usage.ru_stime}, f)
    print(json.dumps({"rows": len(national), "matched": int(in_roster.sum()), "unmatched": int((~in_roster).sum()), "seconds": t}))


if __name__ == "__main__":
    main()
