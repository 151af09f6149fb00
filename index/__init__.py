"""Build and read the on-disk index. Imports nothing from search/ or api/."""
