"""Language, text and (later) tone and topics: pure functions over article text."""
