-- insert_fact_title_daily: the day's rows of stg_title_daily, one per key (the day was cleared before).
-- Grain: one row per (dt, title_id). Source: stg_title_daily; :dt is the day being loaded.
-- A key staged twice counts once: the copy with the greater measures is kept (batch/dedup.py's rule).
insert into fact_title_daily (
    dt,
    title_id,
    play_starts,
    watch_time_ms,
    peak_5m_viewers,
    watch_rank
)
select
    cast(:dt as date) as dt,
    ranked.title_id,
    ranked.play_starts,
    ranked.watch_time_ms,
    ranked.peak_5m_viewers,
    ranked.watch_rank
from (
    select
        stg_title_daily.title_id,
        stg_title_daily.play_starts,
        stg_title_daily.watch_time_ms,
        stg_title_daily.peak_5m_viewers,
        stg_title_daily.watch_rank,
        row_number() over (
            partition by stg_title_daily.title_id
            order by
                stg_title_daily.watch_time_ms desc nulls last,
                stg_title_daily.play_starts desc nulls last,
                stg_title_daily.peak_5m_viewers desc nulls last,
                stg_title_daily.watch_rank asc nulls last
        ) as copy_rank
    from stg_title_daily
) as ranked
where ranked.copy_rank = 1;
