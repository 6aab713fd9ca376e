"""The sandbox: a local server that emulates ~70 job boards in their real wire formats."""
