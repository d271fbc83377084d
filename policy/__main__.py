"""wandb-platform's policy pack: `pulumi preview --policy-pack policy` (or `pulumi up --policy-pack policy`)
checks every resource of a stack, this project's or yours, against the platform's security invariants."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `policy` as a package, beside the program

from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402

from policy.policies import POLICIES  # noqa: E402

PolicyPack(name="wandb-platform", policies=POLICIES, enforcement_level=EnforcementLevel.MANDATORY)
