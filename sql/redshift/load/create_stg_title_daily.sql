-- create_stg_title_daily: this load's own staging table, for one dt as COPY lands it, duplicates included.
-- Grain: one row per title_id. Source: curated/daily_title_popularity/dt=.../ via copy_stg_title_daily.
-- Temporary: it lives in this load's session only, so two loads never share it. COPY maps by position.
create temporary table stg_title_daily (
    title_id varchar(1024),
    play_starts bigint,
    watch_time_ms bigint,
    peak_5m_viewers bigint,
    watch_rank integer
)
diststyle even;
