-- stg_invoice_instalment: one row per part of an invoice and its due date.
-- Source: raw_invoice_instalment. The parts sum to the invoice.
select
    invoice_instalment_id,
    invoice_id,
    sequence as instalment_sequence,
    due_date,
    amount_cents
from raw_invoice_instalment
