"""``make bench``: Crossdesk measured the way its users feel it, against two floors taken in the same run.

The pieces, each a module: ``standin`` (the fake Slack in its own process), ``floors`` (the bare Bolt apps),
``load`` (the signed-request load generator), ``targets`` (starting and pinning processes), ``run`` (the
phases and figures), ``scale`` (the per-tick queries against 10k and 100k tickets) and ``report`` (results
file and ``docs/benchmarks.md``).
"""
