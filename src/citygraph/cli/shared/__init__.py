"""What several verbs share: the common options and the progress display."""
