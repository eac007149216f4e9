"""The last mile: review decisions, the label plan, applying it on GitHub (audited) and reverting a run."""
