-- copy_stg_watch_session: land one dt of processed/sessions (Parquet) in stg_watch_session.
-- Grain: one row per session. Source: :source_uri, the dt=... prefix under processed/sessions/.
-- COPY maps Parquet columns by position and skips files whose names start with '_' or '.'.
copy stg_watch_session
from :source_uri
iam_role :iam_role
format as parquet;
