"""What presswatch finds in an article: mentions, tone, topics, stories, boolean queries.

Pure functions and classes over article text: nothing here reads or writes the store.
"""
