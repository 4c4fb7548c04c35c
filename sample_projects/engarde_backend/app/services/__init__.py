"""Business services.  Import the concrete modules directly; this package
intentionally imports nothing so that one broken service cannot take the
others down."""
