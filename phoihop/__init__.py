"""phoihop: inter-agency coordination returns in, consolidated report out."""
