-- stg_invoice: one row per invoice, as issued (never edited afterwards).
-- Source: raw_invoice. Money in whole cents.
select
    invoice_id,
    student_id,
    guardian_id,
    school_id,
    school_year_id,
    fee_schedule_id,
    description as invoice_description,
    amount_cents,
    issued_date
from raw_invoice
