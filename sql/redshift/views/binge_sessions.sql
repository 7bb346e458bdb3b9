-- binge_sessions: sessions with three or more titles or lasting three hours or more.
-- Grain: one row per binge session. Source: fact_watch_session.
create or replace view binge_sessions as
with flagged as (
    select
        dt,
        session_id,
        user_id,
        device_type,
        country,
        session_start,
        duration_ms,
        titles_watched,
        watch_time_ms,
        titles_watched >= 3 as many_titles,
        duration_ms >= 10800000 as long_session
    from fact_watch_session
)

select
    dt,
    session_id,
    user_id,
    device_type,
    country,
    session_start,
    titles_watched,
    round(duration_ms / 3600000.0, 2) as duration_hours,
    round(watch_time_ms / 3600000.0, 2) as watch_hours,
    case
        when many_titles and long_session then 'titles and length'
        when many_titles then 'titles'
        else 'length'
    end as binge_reason
from flagged
where many_titles or long_session;
