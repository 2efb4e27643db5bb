"""The domain: what membot does, independent of any chat platform."""
