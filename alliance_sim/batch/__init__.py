"""What every job on an experiment file shares: the file itself (``spec.py``, ``stages.py``), its
designs, seeds and chunks of work (``design.py``), running the chunks here, on worker processes or
on a Dask cluster (``replicate.py``, ``executors.py``, ``lifeline.py``), the result folder that is
never lost (``store.py``, ``files.py``), one run at a time in a folder (``lock.py``), the progress
bar, the statistics a committee paper can defend (``stats.py``) and the report page (``page.py``).

The jobs build on it and on nothing of one another's, but for ``alliance-sim run`` handing a file
with ``[[sensitivity]]`` stages on to the exploration: ``experiment/`` (compare designs),
``exploration/`` (which assumptions drive a finding) and ``search/`` (search designs).
"""
