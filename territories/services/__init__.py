"""Territory logic: import, lineage, figures and lookups. Views and commands call these."""
