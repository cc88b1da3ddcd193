"""The HTTP JSON service (`policyqa serve`): a thin FastAPI layer over the library. See api.app.create_app."""
