"""The expectation suites of warehouse/expectations.py on the test district:
they pass on the warehouse as built, and a row broken on purpose fails one.
"""

import duckdb

from warehouse.expectations import SUITES, NoRows, Suite
from warehouse.quality import validate


def test_every_suite_passes(marts_district):
    path, _ = marts_district

    failed = {
        result.model: result.failures
        for result in (validate(path, suite) for suite in SUITES)
        if not result.passed
    }

    assert failed == {}


def test_a_broken_row_fails_its_suite(warehouse_copy):
    connection = duckdb.connect(str(warehouse_copy))
    # A student flagged at risk with no reason given, and a rate above 1.
    connection.execute(
        "insert into mart_early_warning by name "
        "select 999 as student_id, 1.5 as attendance_rate, 'at_risk' as "
        "attendance_level, 'ok' as behavior_level, 'ok' as "
        "course_performance_level, 'at_risk' as flag_level"
    )
    connection.close()
    (suite,) = [s for s in SUITES if s.model == "mart_early_warning"]

    result = validate(warehouse_copy, suite)

    assert not result.passed
    assert any("attendance_rate" in failure for failure in result.failures)
    # Its three rules are evaluated together first; the one broken is named.
    assert [f for f in result.failures if "rows break it" in f] == [
        "a flag above ok says why, and only then: 1 rows break it"
    ]


def test_rules_evaluated_together_may_end_in_a_comment(warehouse_copy):
    rules = (
        NoRows(
            "no student twice",
            "select student_id from mart_early_warning "
            "group by all having count(*) > 1 -- a key",
        ),
        NoRows(
            "no rate above 1",
            "select * from mart_early_warning where attendance_rate > 1",
        ),
    )

    result = validate(warehouse_copy, Suite("mart_early_warning", rules=rules))

    assert (result.passed, result.failures) == (True, ())
