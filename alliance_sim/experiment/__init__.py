"""Policy experiments (``alliance-sim run`` and ``report``): designs compared over many
replications, with statistics, figures and a report a committee can check.
"""
