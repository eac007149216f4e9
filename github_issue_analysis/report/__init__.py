"""The HTML report (one self-contained file) and the local review app (`serve`)."""
