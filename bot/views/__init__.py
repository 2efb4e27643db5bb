"""Message builders: turn domain data plus a translator into neutral messages. Pure functions."""
