"""Development tools: the dev server, the benchmark, probes and the generators of committed data."""
