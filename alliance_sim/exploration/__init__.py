"""Which assumptions drive a finding: an experiment file's ``[[sensitivity]]`` stages (Morris
screening, Sobol indices over the scenario's assumption registry), the robustness of each finding
over the sampled worlds, and scenario discovery (PRIM) of where it fails.
"""
