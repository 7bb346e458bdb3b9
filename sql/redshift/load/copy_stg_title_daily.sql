-- copy_stg_title_daily: land one dt of curated/daily_title_popularity (Parquet) in stg_title_daily.
-- Grain: one row per title_id. Source: :source_uri, the dt=... prefix under curated/daily_title_popularity/.
-- COPY maps Parquet columns by position and skips files whose names start with '_' or '.'.
copy stg_title_daily
from :source_uri
iam_role :iam_role
format as parquet;
