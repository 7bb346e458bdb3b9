"""The capacity plan (``streamwatch plan``): what a given number of concurrent viewers needs on AWS.

Every figure comes from a measurement or a cited limit:

* ``bench_figures`` reads what ``make bench`` measured (throughput per core, lake sizes per event);
* ``viewers`` measures the simulator's events per watching viewer-minute, its daily rhythm and more;
* ``sources`` holds the cited service limits, the template's defaults and the list prices with dates;
* ``model`` is the arithmetic, pure, from those three to the plan's lines;
* ``render`` prints the plan as a table or as JSON.
"""
