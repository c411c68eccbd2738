"""The `clearance` command line: thin commands over the library layers."""
