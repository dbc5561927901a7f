-- mart_fees: one row per school and school year with invoices issued by the
-- as-of date, with the ledger's totals in cents up to that date: billed (the
-- invoices' charges), adjusted (net), collected (payments), refunded and
-- waived; outstanding, what is still owed, aged by days past due as of the
-- as-of date (int_invoice_aging: credits settle the earliest due amounts
-- first), and credit left on overpaid invoices, never set against another
-- invoice. balance_cents, the sum of the entries, = outstanding - credit.
with invoices as (
    select * from int_invoice_aging
),

totals as (
    select
        invoices.school_id,
        invoices.school_year_id,
        sum(ledger.amount_cents) filter (where ledger.entry_type = 'charge')
            as billed_cents,
        sum(ledger.amount_cents) filter (where ledger.entry_type = 'adjustment')
            as adjusted_cents,
        -sum(ledger.amount_cents) filter (where ledger.entry_type = 'payment')
            as collected_cents,
        sum(ledger.amount_cents) filter (where ledger.entry_type = 'refund')
            as refunded_cents,
        -sum(ledger.amount_cents) filter (where ledger.entry_type = 'waiver')
            as waived_cents,
        sum(ledger.amount_cents) as balance_cents
    from stg_ledger_entry as ledger
    inner join invoices using (invoice_id)
    where ledger.entry_date <= getvariable('as_of_date')
    group by all
),

aging as (
    select
        school_id,
        school_year_id,
        count(*) as n_invoices,
        count(distinct student_id) as n_students,
        sum(current_cents) as current_cents,
        sum(days_1_30_cents) as days_1_30_cents,
        sum(days_31_60_cents) as days_31_60_cents,
        sum(days_61_90_cents) as days_61_90_cents,
        sum(days_over_90_cents) as days_over_90_cents,
        sum(credit_cents) as credit_cents
    from invoices
    group by all
)

select
    aging.school_id,
    years.school_year,
    aging.school_year_id,
    aging.n_invoices,
    aging.n_students,
    coalesce(totals.billed_cents, 0)::bigint as billed_cents,
    coalesce(totals.adjusted_cents, 0)::bigint as adjusted_cents,
    coalesce(totals.collected_cents, 0)::bigint as collected_cents,
    coalesce(totals.refunded_cents, 0)::bigint as refunded_cents,
    coalesce(totals.waived_cents, 0)::bigint as waived_cents,
    (
        aging.current_cents
        + aging.days_1_30_cents
        + aging.days_31_60_cents
        + aging.days_61_90_cents
        + aging.days_over_90_cents
    )::bigint as outstanding_cents,
    aging.current_cents::bigint as current_cents,
    aging.days_1_30_cents::bigint as days_1_30_cents,
    aging.days_31_60_cents::bigint as days_31_60_cents,
    aging.days_61_90_cents::bigint as days_61_90_cents,
    aging.days_over_90_cents::bigint as days_over_90_cents,
    aging.credit_cents::bigint as credit_cents,
    coalesce(totals.balance_cents, 0)::bigint as balance_cents
from aging
left join totals using (school_id, school_year_id)
inner join stg_school_year as years using (school_year_id)
