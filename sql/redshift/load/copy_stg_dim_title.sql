-- copy_stg_dim_title: land one dt of curated/dim_title (Parquet) in stg_dim_title.
-- Grain: one row per title_id. Source: :source_uri, the dt=... prefix under curated/dim_title/.
-- COPY maps Parquet columns by position and skips files whose names start with '_' or '.'.
copy stg_dim_title
from :source_uri
iam_role :iam_role
format as parquet;
