"""./scripts/bench: our app against the shared baseline and hello-world ceilings, under wrk.

data.py loads the data set; apps.py starts, stops and weighs the gunicorn
servers (ours, the shared baseline of baseline.py, hello_app.py under sync
workers and under our settings); wrk.py with wrk.lua drives them; run.py runs
it all and prints the tables.
"""
