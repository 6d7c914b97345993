"""Pure domain: models, errors, templates, scoring and run planning; imports no IO library."""
