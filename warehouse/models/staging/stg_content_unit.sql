-- stg_content_unit: one row per unit of a section's course content.
-- Source: raw_content_unit.
select
    content_unit_id,
    section_id,
    title as content_unit_title,
    position,
    is_published
from raw_content_unit
