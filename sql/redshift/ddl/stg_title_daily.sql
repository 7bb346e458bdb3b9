-- stg_title_daily: one dt of curated/daily_title_popularity, as COPY lands it before the merge.
-- Grain: one row per title_id. Source: curated/daily_title_popularity/dt=.../ via copy_stg_title_daily.
-- Columns in the files' order (COPY maps by position). Keys: diststyle even, like fact_title_daily.
create table if not exists stg_title_daily (
    title_id varchar(64),
    play_starts bigint,
    watch_time_ms bigint,
    peak_5m_viewers bigint,
    watch_rank integer
)
diststyle even;
