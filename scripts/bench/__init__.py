"""`jobsearch bench`: measuring tools for the rebuild, the queries, memory and scale.

`main` parses the options and runs the sections; `rebuild` measures whole rebuilds and the model
alone (each run in a child process, so each has its own peak RSS); `serving` the query side in
process and over HTTP; `scale` the vector search on synthetic collections; `stats` the shared
medians and the machine's description. Every module calls the library rather than copying it,
so a figure measures the code that `jobsearch rebuild` and `jobsearch serve` run.
"""
