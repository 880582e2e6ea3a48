"""The live preview behind `scrutiny serve`: a server for the built site that adds a small
reload script to each page it serves, and a watcher that rebuilds after each edit."""
