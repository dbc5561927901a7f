"""mart_fees: what Lincoln billed, collected, refunded and waived in
2025-2026, and what is owed by days past due, as of October 15 2025.

- W1: 300.00 due in thirds on Sep 1, Oct 1 and Nov 1; paid 150.00 on Sep 5
  (and 10.00 on Oct 20, after the as-of date).
- W2: 50.00 due Jul 15, unpaid: 92 days past due.
- W3: 80.00 due Sep 10 (35 days past due), 30.00 of it waived on Sep 20.
- W5: 40.00 due Sep 15, paid 50.00, 5.00 refunded: 5.00 of credit.
- W4: 20.00 due Aug 1 (75 days past due), raised by 10.00 on Oct 10.
- W6: 10.00 issued on Oct 20, after the as-of date.
"""

from tests.warehouse.district import rows


def test_ledger_totals(warehouse, district):
    (fees,) = rows(
        warehouse,
        "select * from mart_fees where school_id = ?",
        district.lincoln.school_id,
    )

    assert (fees["school_year"], fees["n_invoices"], fees["n_students"]) == (
        "2025-2026",
        5,
        5,
    )
    # 30000 + 5000 + 8000 + 4000 + 2000
    assert fees["billed_cents"] == 49_000
    assert fees["adjusted_cents"] == 1_000
    assert fees["collected_cents"] == 20_000  # 15000 + 5000
    assert fees["refunded_cents"] == 500
    assert fees["waived_cents"] == 3_000
    # 49000 + 1000 - 20000 + 500 - 3000
    assert fees["balance_cents"] == 27_500


def test_aging_settles_the_earliest_due_first(warehouse, district):
    (fees,) = rows(
        warehouse,
        "select * from mart_fees where school_id = ?",
        district.lincoln.school_id,
    )

    # W1's 150.00 paid settles Sep 1 and half of Oct 1: 50.00 is 14 days
    # past due and Nov 1's 100.00 is not due yet. W4's raise of Oct 10 is 5
    # days past due.
    assert fees["current_cents"] == 10_000
    assert fees["days_1_30_cents"] == 5_000 + 1_000
    assert fees["days_31_60_cents"] == 5_000  # W3: 8000 - 3000
    assert fees["days_61_90_cents"] == 2_000  # W4
    assert fees["days_over_90_cents"] == 5_000  # W2
    assert fees["outstanding_cents"] == 28_000
    # W5's credit stays W5's: it is not set against anyone's balance.
    assert fees["credit_cents"] == 500


def test_each_invoice_is_aged_on_its_own(warehouse, district):
    found = rows(
        warehouse,
        "select student_id, current_cents, days_1_30_cents, credit_cents "
        "from int_invoice_aging order by invoice_id",
    )
    ids = district.students

    assert [row["student_id"] for row in found] == [
        ids[n] for n in ("W1", "W2", "W3", "W5", "W4")
    ]
    assert (found[0]["current_cents"], found[0]["days_1_30_cents"]) == (10_000, 5_000)
    assert found[3]["credit_cents"] == 500
