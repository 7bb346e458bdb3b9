"""Glue Python shell job scripts: plain Python (3.9 on Glue, pyarrow from the ``analytics`` library
set), no Spark. Each runs as ``__main__`` with Glue-style ``--name value`` arguments."""
