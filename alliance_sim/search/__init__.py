"""Design search (``alliance-sim search``): which values of the levers an agreement leaves open
decide fastest with a fair share of risk, the re-evaluated Pareto front and the recommendations.
"""
