"""CLI subcommands that live in their own module (registered at the end of policyqa/cli.py)."""
