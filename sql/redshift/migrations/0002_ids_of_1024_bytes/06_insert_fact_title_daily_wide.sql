-- 06_insert_fact_title_daily_wide: every row of the old fact_title_daily, unchanged, in the widened copy.
-- Grain: one row per (dt, title_id). Source: fact_title_daily as an earlier version created it (ids varchar(64)).
insert into fact_title_daily_wide (
    dt,
    title_id,
    play_starts,
    watch_time_ms,
    peak_5m_viewers,
    watch_rank
)
select
    fact_title_daily.dt,
    fact_title_daily.title_id,
    fact_title_daily.play_starts,
    fact_title_daily.watch_time_ms,
    fact_title_daily.peak_5m_viewers,
    fact_title_daily.watch_rank
from fact_title_daily;
