"""Throughput and latency of `assess` on one core, over a mixed batch of situations.

Not a test: prints figures. Run: .venv/bin/python benchmarks/bench_rules_core.py [--seconds N]
The whole call is measured: validation, classification, dates, explanations and next steps.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
import gc
import os
import random
import statistics
import time
from datetime import date, timedelta

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rules_core import assess  # noqa: E402

BATCH = [
    # QPLO after a layoff, with a code to check and a rate for the estimate
    {"as_of": "2025-11-01", "left_job": True, "separation_date": "2025-03-14", "offset_date": "2025-06-30",
     "birth_date": "1984-07-01", "loan_balance": 12000, "loan_in_good_standing": True, "box7_code": "1",
     "marginal_tax_rate": 0.22},
    # default while employed, Q4 miss
    {"as_of": "2026-05-01", "left_job": False, "missed_payment_due_date": "2025-11-30", "caught_up_on": None,
     "birth_date": "1969-01-01", "loan_balance": "9500.50"},
    # ordinary offset more than a year after leaving, with cash and withholding
    {"as_of": "2026-04-01", "left_job": True, "separation_date": "2025-03-14", "offset_date": "2026-03-16",
     "age": 45, "loan_balance": 3000, "cash_paid_not_rolled_over": 7000, "loan_in_good_standing": True},
    # plan termination
    {"as_of": "2025-11-01", "plan_terminated": True, "plan_termination_date": "2025-02-01",
     "offset_date": "2025-09-01", "left_job": False, "loan_in_good_standing": True, "age": 61,
     "loan_balance": 5000, "box7_code": "M7"},
    # cure window still open
    {"as_of": "2025-10-01", "missed_payment_due_date": "2025-08-31"},
    # deemed then offset later
    {"as_of": "2026-09-01", "missed_payment_due_date": "2025-02-28", "caught_up_on": None,
     "separation_date": "2026-01-15", "offset_date": "2026-02-01", "birth_date": "1980-05-05",
     "loan_balance": 7000},
    # not enough facts yet
    {"as_of": "2025-11-01", "left_job": True},
    # bad loan terms, and a partial rollover question
    {"as_of": "2025-11-01", "loan_date": "2024-05-01", "loan_term_months": 84, "loan_amount": 20000,
     "age": 40, "left_job": False, "principal_residence_loan": False},
]


# Issue 10's situations, added to the batch with --situations: a rolling cure over a payment
# history, a planned offset, a refinancing over the limit, an offset after death with an RMD,
# a military suspension, two loans offset together.
SITUATIONS = [
    {"as_of": "2019-10-01", "left_job": False, "age": 45, "loan_balance": 8000,
     "payment_history": {"installments": [{"due_date": d, "amount_due": "500"} for d in (
         "2019-03-31", "2019-04-30", "2019-05-31", "2019-06-30", "2019-07-31", "2019-08-31")],
         "payments": [{"date": "2019-05-31", "amount": "500"}, {"date": "2019-06-30", "amount": "500"},
                      {"date": "2019-07-31", "amount": "1000"}]}},
    {"as_of": "2026-12-05", "separation_date": "2026-11-30", "offset_date": "2027-01-31",
     "loan_in_good_standing": True, "birth_date": "1980-01-01", "loan_balance": 12000},
    {"as_of": "2006-06-01", "loan_date": "2006-01-01", "loan_amount": 40000, "loan_term_months": 60,
     "vested_balance": 200000, "replaced_loan_balance": 33322, "replaced_loan_date": "2005-01-01",
     "highest_loan_balance_12m": 40000, "other_loans_balance": 0, "age": 40, "left_job": False},
    {"as_of": "2026-06-01", "death_date": "2026-02-01", "offset_date": "2026-03-01", "beneficiary": "spouse",
     "loan_balance": 5000, "birth_date": "1952-01-01", "rmd_not_yet_distributed": 2000},
    {"as_of": "2026-06-01", "loan_date": "2023-01-15", "loan_term_months": 60, "military_service_start": "2024-03-01",
     "military_service_end": "2025-02-28", "missed_payment_due_date": "2024-09-30", "left_job": False},
    {"as_of": "2026-06-01", "separation_date": "2026-01-15", "offset_date": "2026-02-01", "birth_date": "1980-01-01",
     "offset_loans": [{"balance": 6000, "in_good_standing": True}, {"balance": 4000, "in_good_standing": False}]},
]


DATE_FIELDS = ("as_of", "separation_date", "offset_date", "missed_payment_due_date", "caught_up_on",
               "birth_date", "plan_termination_date", "loan_date", "replaced_loan_date", "death_date",
               "military_service_start", "military_service_end")


def _moved(day: str, shift: timedelta) -> str:
    return (date.fromisoformat(day) + shift).isoformat()


def varied(count: int, seed: int = 7, templates: list = BATCH) -> list:
    """`count` distinct situations: each template with all its dates moved by the same random
    number of days (so they stay consistent), so no cache sees the same dates twice."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        facts = dict(templates[i % len(templates)])
        shift = timedelta(days=rng.randrange(-2500, 2500))
        for name in DATE_FIELDS:
            if isinstance(facts.get(name), str):
                facts[name] = _moved(facts[name], shift)
        if "payment_history" in facts:
            history = facts["payment_history"]
            facts["payment_history"] = {
                "installments": [dict(i, due_date=_moved(i["due_date"], shift)) for i in history["installments"]],
                "payments": [dict(p, date=_moved(p["date"], shift)) for p in history["payments"]]}
        out.append(facts)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--situations", type=int, default=20000, help="distinct fact sets in the batch")
    parser.add_argument("--with-issue-10", action="store_true",
                        help="add issue 10's situations (payment history, planned offset, refinancing, death "
                             "with an RMD, military service, two loans) to the batch")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    templates = BATCH + SITUATIONS if args.with_issue_10 else BATCH
    situations = varied(args.situations, templates=templates)
    for facts in templates:  # load the YAML data once, outside the measurement
        assess(facts)
    gc.collect()
    gc.freeze()  # the batch itself is long-lived input, as a server's startup objects are
    timings = []
    rates = []
    deadline = time.perf_counter() + args.seconds
    while time.perf_counter() < deadline or len(rates) < 3:
        round_ns = 0
        for facts in situations:
            start = time.perf_counter_ns()
            assess(facts)
            elapsed = time.perf_counter_ns() - start
            round_ns += elapsed
            timings.append(elapsed)
        rates.append(len(situations) / (round_ns / 1e9))
    timings.sort()
    pct = lambda p: timings[min(len(timings) - 1, int(p / 100 * len(timings)))] / 1000
    print(f"assessments:        {len(timings)} in {len(rates)} rounds of {len(situations)} distinct situations")
    print(f"assessments/second: {statistics.median(rates):,.0f} median of rounds "
          f"(best {max(rates):,.0f}, worst {min(rates):,.0f}; one core)")
    print(f"one assess p50:     {pct(50):.1f} µs")
    print(f"one assess p99:     {pct(99):.1f} µs")
    print(f"one assess mean:    {statistics.fmean(timings) / 1000:.1f} µs")


if __name__ == "__main__":
    main()
