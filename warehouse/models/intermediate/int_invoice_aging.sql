-- int_invoice_aging: one row per invoice issued by the as-of date, with what
-- it still owes by days past due and any credit left on it, from the entries
-- up to the as-of date, as operational.services.fees ages an invoice:
-- owed are the instalments on their due dates, and refunds and upward
-- adjustments on their own dates; payments, waivers and downward adjustments
-- settle the earliest due amounts first. A credit stays on its invoice.
with invoices as (
    select * from stg_invoice
    where issued_date <= getvariable('as_of_date')
),

entries as (
    select ledger.*
    from stg_ledger_entry as ledger
    inner join invoices using (invoice_id)
    where ledger.entry_date <= getvariable('as_of_date')
),

debits as (
    select instalments.invoice_id, instalments.due_date, instalments.amount_cents
    from stg_invoice_instalment as instalments
    inner join invoices using (invoice_id)
    union all
    select invoice_id, entry_date, amount_cents
    from entries
    where entry_type <> 'charge' and amount_cents > 0
),

credits as (
    select invoice_id, -sum(amount_cents) as credit_cents
    from entries
    where amount_cents < 0
    group by all
),

settled as (
    select
        debits.invoice_id,
        debits.due_date,
        debits.amount_cents,
        coalesce(credits.credit_cents, 0) as credit_cents,
        coalesce(
            sum(debits.amount_cents) over (
                partition by debits.invoice_id
                order by debits.due_date
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as owed_before_cents
    from debits
    left join credits using (invoice_id)
),

unsettled as (
    select
        invoice_id,
        amount_cents,
        amount_cents
            - least(amount_cents, greatest(credit_cents - owed_before_cents, 0))
            as unsettled_cents,
        getvariable('as_of_date') - due_date as days_past_due,
        credit_cents
    from settled
),

aged as (
    select
        invoice_id,
        sum(unsettled_cents) filter (where days_past_due <= 0) as current_cents,
        sum(unsettled_cents) filter (where days_past_due between 1 and 30)
            as days_1_30_cents,
        sum(unsettled_cents) filter (where days_past_due between 31 and 60)
            as days_31_60_cents,
        sum(unsettled_cents) filter (where days_past_due between 61 and 90)
            as days_61_90_cents,
        sum(unsettled_cents) filter (where days_past_due > 90)
            as days_over_90_cents,
        -- What the credits paid beyond everything owed stays as a credit.
        greatest(any_value(credit_cents) - sum(amount_cents), 0) as credit_cents
    from unsettled
    group by all
)

select
    invoices.invoice_id,
    invoices.student_id,
    invoices.guardian_id,
    invoices.school_id,
    invoices.school_year_id,
    invoices.issued_date,
    invoices.amount_cents,
    coalesce(aged.current_cents, 0)::bigint as current_cents,
    coalesce(aged.days_1_30_cents, 0)::bigint as days_1_30_cents,
    coalesce(aged.days_31_60_cents, 0)::bigint as days_31_60_cents,
    coalesce(aged.days_61_90_cents, 0)::bigint as days_61_90_cents,
    coalesce(aged.days_over_90_cents, 0)::bigint as days_over_90_cents,
    coalesce(aged.credit_cents, 0)::bigint as credit_cents
from invoices
left join aged using (invoice_id)
