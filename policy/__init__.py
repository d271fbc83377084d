"""wandb-platform's CrossGuard policy pack: the security invariants as rules (rules.py), policies (policies.py)
and the pack (__main__.py)."""
