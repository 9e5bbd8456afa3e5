"""sqlsynth: natural-language specs to reviewed, validated SQL.

The pipeline reads top to bottom, one module per step (see :mod:`sqlsynth.pipeline`):
``spec`` → ``catalog``/``warehouse`` → ``translate`` → ``validate`` → ``artifact`` → run,
with ``lineage`` and ``audit`` recording what happened. Importing this package is cheap:
modules load heavy clients only when used.
"""

__version__ = "0.1.0"
