-- merge_fact_title_daily: upsert stg_title_daily into fact_title_daily for one dt; a rerun changes nothing.
-- Grain: one row per (dt, title_id). Source: stg_title_daily; :dt is the day being loaded.
merge into fact_title_daily
using stg_title_daily
    on
        fact_title_daily.dt = cast(:dt as date)
        and fact_title_daily.title_id = stg_title_daily.title_id
when matched then
    update set
        play_starts = stg_title_daily.play_starts,
        watch_time_ms = stg_title_daily.watch_time_ms,
        peak_5m_viewers = stg_title_daily.peak_5m_viewers,
        watch_rank = stg_title_daily.watch_rank
when not matched then
    insert (
        dt,
        title_id,
        play_starts,
        watch_time_ms,
        peak_5m_viewers,
        watch_rank
    )
    values (
        cast(:dt as date),
        stg_title_daily.title_id,
        stg_title_daily.play_starts,
        stg_title_daily.watch_time_ms,
        stg_title_daily.peak_5m_viewers,
        stg_title_daily.watch_rank
    );
