"""HTTP middleware (CORS, request ids, timing)."""
