"""Subcommands of `policyqa` kept in their own modules (each registered with one line in policyqa/cli.py)."""
