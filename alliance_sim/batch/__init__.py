"""What every job on an experiment file shares: the file itself, its designs, seeds and chunks of
work, running the chunks (here, on worker processes or on a Dask cluster), the result folder that
is never lost, one run at a time in a folder, the progress bar and the report page.

The three jobs build on it and on nothing of one another's, but for ``alliance-sim run`` handing a
file with ``[[sensitivity]]`` stages to the exploration: ``experiment/`` (compare designs),
``exploration/`` (which assumptions drive a finding) and ``search/`` (search designs).
"""
