"""Warehouses reached through their vendors' own clients rather than SQLAlchemy.

One module per warehouse (:mod:`.snowflake`, :mod:`.bigquery`), each with a class that
:func:`sqlsynth.warehouse.connect` returns for that URL scheme. The clients are imported only
when a warehouse is used: ``pip install 'sqlsynth[snowflake]'`` or ``'sqlsynth[bigquery]'``.
"""
