-- stg_discipline_action: one row per action taken after an incident.
-- Source: raw_discipline_action.
select
    discipline_action_id,
    behavior_incident_id,
    action,
    start_date,
    days
from raw_discipline_action
