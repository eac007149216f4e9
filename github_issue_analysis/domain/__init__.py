"""Records, statuses and item states shared by every layer; imports nothing else of ours."""
