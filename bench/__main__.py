"""``make bench``: accuracy on the sample inbox, then the whole ``egalite run`` against the bare libraries (issue 13).

``python -m bench.throughput`` measures the reading workers alone (issue 6).
"""
from bench import accuracy, whole_run

accuracy.main([])
print()
whole_run.main([])
