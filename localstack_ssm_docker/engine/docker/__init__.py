"""The Docker implementation of the engine interface (docker SDK, one connection pool)."""
