"""Running invocations: scheduling within MaxConcurrency/MaxErrors, steps, kills, timeouts,
results and statuses. Talks to containers only through the engine interface."""
