"""The command line: parse input, call the library, render. Nothing else."""
