"""presswatch tests."""
