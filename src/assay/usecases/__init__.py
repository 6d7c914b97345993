"""Use cases: test sets, prompts, runs and evaluation, each taking its ports as arguments."""
