-- prune_fact_watch_session: delete the dt's rows the new load no longer has, so a reload replaces the day exactly.
-- Grain: one row per session. Source: stg_watch_session; :dt is the day being loaded.
delete from fact_watch_session
where
    dt = cast(:dt as date)
    and not exists (
        select 1
        from stg_watch_session
        where
            stg_watch_session.session_id = fact_watch_session.session_id
    );
