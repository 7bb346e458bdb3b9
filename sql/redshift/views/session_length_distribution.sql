-- session_length_distribution: how many sessions of each length band there were each day.
-- Grain: one row per (dt, length band). Source: fact_watch_session.
create or replace view session_length_distribution as
with banded as (
    select
        dt,
        watch_time_ms,
        case
            when duration_ms < 300000 then 1
            when duration_ms < 900000 then 2
            when duration_ms < 1800000 then 3
            when duration_ms < 3600000 then 4
            when duration_ms < 7200000 then 5
            when duration_ms < 10800000 then 6
            else 7
        end as band_order
    from fact_watch_session
)

select
    dt,
    band_order,
    case band_order
        when 1 then 'under 5 min'
        when 2 then '5-15 min'
        when 3 then '15-30 min'
        when 4 then '30-60 min'
        when 5 then '1-2 h'
        when 6 then '2-3 h'
        else '3 h and more'
    end as length_band,
    count(*) as sessions,
    round(sum(watch_time_ms) / 3600000.0, 2) as watch_hours
from banded
group by dt, band_order;
