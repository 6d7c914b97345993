"""Assay: batch evaluation of prompts across many LLMs."""
