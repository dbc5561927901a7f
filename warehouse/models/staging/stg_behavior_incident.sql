-- stg_behavior_incident: one row per student's part in an incident.
-- Source: raw_behavior_incident.
select
    behavior_incident_id,
    student_id,
    school_id,
    incident_date,
    kind as incident_kind,
    offence
from raw_behavior_incident
