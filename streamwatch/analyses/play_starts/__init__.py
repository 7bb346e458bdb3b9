"""Play starts per minute from ``processed/play_starts_1m`` and the outage rule over them.

* ``zone.read_play_starts(lake) -> PlayStarts | None``: the zone as per-minute series (total, by
  country, by device type), missing minutes as 0.
* ``baseline``: the rule, pure: ``judge(counts, Rule()) -> [Judgement]``, documented there.
* ``assess.assess(play_starts) -> Assessment``: the rule on the total and every country, with flags.
* ``terminal``: chart, table and summary for ``streamwatch sps``; ``terminal.print_lake(lake)`` is
  what the demo prints at its end.
"""
