"""``make bench``: accuracy on the sample inbox, then the throughput table of issue 6 (``python -m bench``)."""
from bench import accuracy, throughput

accuracy.main([])
print()
throughput.main()
