"""Writing your own alliance: a commented new scenario file (``template.py``), the checks of what
is valid but suspicious (``checks.py``) and the reference of every field, as ``docs/SCENARIO.md``
and a JSON Schema (``reference.py``). All read the schema through ``config/fields.py``."""
