"""Live labeling: a few issues now through a provider's live API (`gh-analysis process`)."""
