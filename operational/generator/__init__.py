"""The synthetic-district generator behind `quad seed`.

A district is planned in memory first (`organisation`: schools, calendars,
reference data; `population`: who is enrolled where, year by year; `people`:
demographics, families, programs; `scheduling` and `staffing`: sections,
rosters, teachers), then written through the operational services by `load`,
one school and year at a time for the large tables (`behaviour`,
`attendance`, `grading`). The same seed and as-of date give the same rows.
"""
