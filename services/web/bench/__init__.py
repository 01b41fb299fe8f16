"""./scripts/bench: our app against a naive baseline and a hello-world ceiling, under wrk.

data.py loads the data set; apps.py starts, stops and weighs the gunicorn
servers (ours, naive_app.py, hello_app.py); wrk.py with wrk.lua drives them;
run.py runs it all and prints the tables.
"""
