-- fact_title_daily: daily popularity of each title (plays, watch time, peak 5-minute audience, rank).
-- Grain: one row per (dt, title_id). Source: curated/daily_title_popularity via stg_title_daily.
-- Keys: diststyle even, since its only join is to dim_title, which is on every node;
-- compound sortkey (dt, watch_rank) makes "top N of a day" a short range scan.
create table if not exists fact_title_daily (
    dt date not null,
    title_id varchar(1024) not null,
    play_starts bigint,
    watch_time_ms bigint,
    peak_5m_viewers bigint,
    watch_rank integer not null,
    primary key (dt, title_id)
)
diststyle even
compound sortkey (dt, watch_rank);
