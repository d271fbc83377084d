"""The project's APIs and the service agents that customer-managed keys must trust."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

TOKEN = "wandb-platform:index:GcpProjectServices"

APIS = (
    "binaryauthorization.googleapis.com",
    "cloudkms.googleapis.com",
    "compute.googleapis.com",
    "container.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "redis.googleapis.com",
    "servicenetworking.googleapis.com",
    "sqladmin.googleapis.com",
    "storage.googleapis.com",
)

# Service agent domains by the short name this project uses for each service.
AGENT_DOMAINS = {
    "compute": "compute-system.iam.gserviceaccount.com",
    "container": "container-engine-robot.iam.gserviceaccount.com",
    "redis": "cloud-redis.iam.gserviceaccount.com",
}


def service_agent_member(project_number: str, service: str) -> str:
    """The IAM member of a Google-managed service agent, e.g. GKE's, in a project."""
    return f"serviceAccount:service-{project_number}@{AGENT_DOMAINS[service]}"


@dataclass
class ProjectServicesArgs:
    project: str
    enable_apis: bool = True
    apis: Sequence[str] = APIS
    log_retention_days: int = 0  # the project's `_Default` log bucket's retention; 0 = left as it is


class GcpProjectServices(pulumi.ComponentResource):
    """Enables the APIs (never disabling them on destroy) and resolves the service agents' IAM members.

    `api(name)` gives the resources a consumer should wait for before calling that API, so each resource
    waits only for its own API, not for all of them.
    """

    def __init__(self, name: str, args: ProjectServicesArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.services = {
            api: gcp.projects.Service(
                f"{name}-{api.split('.')[0]}",
                project=args.project,
                service=api,
                disable_on_destroy=False,
                disable_dependent_services=False,
                opts=child,
            )
            for api in (args.apis if args.enable_apis else ())
        }
        number = gcp.organizations.get_project_output(project_id=args.project).number
        sql_agent = gcp.projects.ServiceIdentity(
            f"{name}-sql-agent",
            project=args.project,
            service="sqladmin.googleapis.com",
            opts=pulumi.ResourceOptions(parent=self, depends_on=self.api("sqladmin.googleapis.com")),
        )
        storage_agent = gcp.storage.get_project_service_account_output(project=args.project)
        self.agents: dict[str, pulumi.Output[str]] = {
            **{svc: number.apply(lambda n, s=svc: service_agent_member(n, s)) for svc in AGENT_DOMAINS},
            "sql": sql_agent.member,
            "storage": storage_agent.member,
        }
        if args.log_retention_days:  # Google's own bucket: this adopts its settings, destroy leaves it
            gcp.logging.ProjectBucketConfig(
                f"{name}-default-logs",
                project=args.project,
                location="global",
                bucket_id="_Default",
                retention_days=args.log_retention_days,
                opts=child,
            )
        self.register_outputs({"agents": self.agents})

    def api(self, *apis: str) -> list[pulumi.Resource]:
        return [self.services[a] for a in apis if a in self.services]
