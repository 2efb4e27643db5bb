"""Fakes that ship with membot for tests and demos: they speak the real wire formats."""
