"""Platform adapters: the only code that talks to a chat platform's SDK."""
