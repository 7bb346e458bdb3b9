-- On-time playback events (play pause resume seek heartbeat stop) of a title, with their watched_ms:
-- the input of the per-title 5-minute windows. One row per on-time playback event.
create temporary view playback_events as
select *
from watched_events
where event_type in ('play', 'pause', 'resume', 'seek', 'heartbeat', 'stop') and title_id is not null
