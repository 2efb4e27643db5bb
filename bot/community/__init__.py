"""The community as files: schema, loading with precise errors, scaffolding."""
