"""Readers for every format in which ANCT publishes the territories of a phase."""
