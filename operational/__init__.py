"""Quad's operational database: models, services, migrations and the generator."""
