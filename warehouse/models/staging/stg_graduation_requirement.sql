-- stg_graduation_requirement: one row per subject's required credits.
-- Source: raw_graduation_requirement.
select
    subject,
    credits_required
from raw_graduation_requirement
