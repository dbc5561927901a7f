-- stg_ledger_entry: one row per movement on an invoice. Source:
-- raw_ledger_entry. Charges and refunds are positive (owed), payments and
-- waivers negative (settled), adjustments either way; the balance is the sum.
select
    ledger_entry_id,
    invoice_id,
    entry_type,
    amount_cents,
    entry_date,
    method as payment_method
from raw_ledger_entry
