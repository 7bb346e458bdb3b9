"""The Glue batch side: processed zone -> curated zone (DESIGN §5), one job script per curated table.

The scripts under ``batch/jobs/`` run unchanged on AWS Glue 5.0 (Spark 3.5) and on a local PySpark
``local[*]`` session; everything they share lives here: argument parsing (``args``), the Spark
session (``spark``), reading and writing the zones (``storage``) and the pure DataFrame transforms
(``transforms``). ``runner`` runs all jobs for a list of dts on one local session.
"""
