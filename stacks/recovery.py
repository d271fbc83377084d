"""The recovery report: `python -m stacks.plan --stack <s> --recovery`. For every datastore the plan makes, how it
is protected, and the recovery point and time that implies in three cases (a zone or node lost; data damaged by
a mistake or a bug; the region lost), each with the assumption behind it; a datastore missing the reference
targets (RPO under 1 hour, RTO under 4 hours) in any case is flagged. Computed from the plan's resources, never
written by hand; the runbooks are in docs/recovery.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from components.k8s.clickhouse_backup import cron_minutes
from components.k8s.volume_snapshots import NAME as SNAPSHOTS
from stacks.offline import Registered, Run

RPO_TARGET, RTO_TARGET = 60, 240  # minutes, the reference architecture's
LOST = None  # nothing to recover from
RUNBOOK = "docs/recovery.md"
GLOBAL_DATABASE = "aws:rds/globalCluster:GlobalCluster"
FLEXIBLE_SERVER = "azure-native:dbformysql:Server"
# Assumed times, in minutes, and why.
NEW_REGION = 60  # `pulumi up` of a stack in the second region on the copies, and moving DNS
RESTORE = 60  # a point-in-time clone or a restore of a few hundred GB, and pointing W&B at it
REPLICATION_LAG = 15  # S3 replication and Storage Transfer Service: most objects within minutes


@dataclass(frozen=True)
class Case:
    rpo: int | None  # minutes of writes lost; None: the data is lost
    rto: int | None  # minutes to serve again; None: it cannot be
    why: str

    def meets(self) -> bool:
        return self.rpo is not None and self.rto is not None and self.rpo < RPO_TARGET and self.rto < RTO_TARGET


@dataclass(frozen=True)
class Protection:
    store: str  # what it is, by its resource
    kept: str  # how it is protected
    zone: Case
    damaged: Case
    region: Case

    def cases(self) -> dict[str, Case]:
        return {"zone or node lost": self.zone, "data damaged": self.damaged, "region lost": self.region}

    def misses(self) -> list[str]:
        return [name for name, case in self.cases().items() if not case.meets()]


def _chain_minutes(schedule: str) -> int:
    """The minutes between two backups of a clickhouse-backup chain (`name=…,full=<cron>[,increment=<cron>]`)."""
    parts = dict(part.split("=", 1) for part in schedule.split(","))
    return cron_minutes(parts.get("increment") or parts["full"])


def _cloud_sql(run: Run, sql: Registered) -> Protection:
    settings = sql.plain_inputs.get("settings", {})
    backup = settings.get("backupConfiguration", {})
    pitr = bool(backup.get("binaryLogEnabled"))
    replicas = [
        r
        for r in run.of_type(sql.type)
        if r.plain_inputs.get("masterInstanceName") == sql.outputs.get("name")
        and r.plain_inputs.get("region") != sql.plain_inputs.get("region")
    ]
    regional = settings.get("availabilityType") == "REGIONAL"
    return Protection(
        store=f"Cloud SQL {sql.name}",
        kept=", ".join(
            [
                "regional HA" if regional else "one zone",
                f"{backup.get('backupRetentionSettings', {}).get('retainedBackups', 0)} daily backups",
                f"PITR {backup.get('transactionLogRetentionDays', 0)} days" if pitr else "no PITR",
                f"a replica in {replicas[0].plain_inputs['region']}" if replicas else "no copy in another region",
            ]
        ),
        zone=Case(0, 2, "the standby takes over") if regional else Case(5, RESTORE, "restored from the binary log"),
        damaged=Case(5, RESTORE, "a clone at the moment before the mistake")
        if pitr
        else Case(1440, RESTORE, "the last daily backup"),
        region=Case(5, NEW_REGION, "the replica promoted (it lags by seconds), a stack there")
        if replicas
        else Case(1440, RESTORE + NEW_REGION, "the last daily backup (multi-regional) restored elsewhere"),
    )


def _aurora(run: Run, cluster: Registered) -> Protection:
    instances = [i for i in run.of_type("aws:rds/clusterInstance:ClusterInstance") if i.parent == cluster.parent]
    days = cluster.plain_inputs.get("backupRetentionPeriod", 0)
    source = cluster.outputs.get("arn")
    global_db = any(g.plain_inputs.get("sourceDbClusterIdentifier") == source for g in run.of_type(GLOBAL_DATABASE))
    return Protection(
        store=f"Aurora {cluster.name}",
        kept=f"{len(instances)} instances, PITR {days} days, "
        + ("a global database's secondary in the second region" if global_db else "no copy in another region"),
        zone=Case(0, 2, "a reader in another zone takes over") if len(instances) > 1 else Case(0, 15, "a new writer"),
        damaged=Case(5, RESTORE, "a point-in-time clone") if days else Case(LOST, LOST, "no backups"),
        region=Case(1, NEW_REGION, "the secondary promoted (storage replication, typically under a second behind)")
        if global_db
        else Case(LOST, LOST, "Aurora's backups stay in the region"),
    )


def _flexible_server(run: Run, server: Registered) -> Protection:
    i = server.plain_inputs
    replica = any(
        s.plain_inputs.get("createMode") == "Replica" and s.plain_inputs.get("sourceServerResourceId") == server.id
        for s in run.of_type(FLEXIBLE_SERVER)
    )
    zone_redundant = i.get("highAvailability", {}).get("mode") == "ZoneRedundant"
    geo = i.get("backup", {}).get("geoRedundantBackup") == "Enabled"
    days = i.get("backup", {}).get("backupRetentionDays", 0)
    return Protection(
        store=f"MySQL Flexible Server {server.name}",
        kept=f"{'zone-redundant HA' if zone_redundant else 'one zone'}, PITR {days} days, "
        + ("geo-redundant backups" if geo else "backups in the region only")
        + (", a read replica in the paired region" if replica else ""),
        zone=Case(0, 2, "the standby takes over") if zone_redundant else Case(5, RESTORE, "restored in another zone"),
        damaged=Case(5, RESTORE, "a point-in-time restore"),
        region=Case(5, NEW_REGION, "the replica promoted (asynchronous replication: seconds behind)")
        if replica
        else Case(60, RESTORE + NEW_REGION, "geo-restore (Azure: up to an hour behind)")
        if geo
        else Case(LOST, LOST, "no backup outside the region"),
    )


def _bucket(run: Run, bucket: Registered, replicated: bool) -> Protection:
    return Protection(
        store=f"bucket {bucket.name}",
        kept=f"versioned, {'replicated to another region' if replicated else 'one region'}",
        zone=Case(0, 0, "stored across the region's zones"),
        damaged=Case(0, 30, "the previous versions, kept for days"),
        region=Case(REPLICATION_LAG, NEW_REGION, "the replica (asynchronous: minutes behind)")
        if replicated
        else Case(LOST, LOST, "no copy in another region"),
    )


def _clickhouse(run: Run, installation: Registered, bucket_replicated: bool) -> Protection:
    spec = installation.plain_inputs["spec"]
    replicas = spec["configuration"]["clusters"][0]["layout"]["replicasCount"]
    containers = spec["templates"]["podTemplates"][0]["spec"]["containers"]
    env = {e["name"]: e.get("value") for c in containers for e in c.get("env", [])}
    every = _chain_minutes(env["BACKUP_SCHEDULE"]) if "BACKUP_SCHEDULE" in env else None
    backed = f"a backup every {every} min to the bucket" if every else "no backups"
    return Protection(
        store=f"ClickHouse {installation.name}",
        kept=f"{replicas} replicas of one shard, {backed}",
        zone=Case(0, 0, "the other replicas serve"),
        damaged=Case(every, RESTORE, "the last backup restored") if every else Case(LOST, LOST, "no backups"),
        region=Case(every + REPLICATION_LAG, RESTORE + NEW_REGION, "the last backup, from the bucket's replica")
        if every and bucket_replicated
        else Case(LOST, LOST, "no backup outside the region"),
    )


def _single(kind: str, name: str, snapshots: Snapshots | None) -> Protection:
    """A store of one pod on one volume: it survives its pod, and with snapshots a lost or damaged volume."""
    if snapshots is None:
        lost = Case(LOST, LOST, "one volume in one zone, no backup")
        return Protection(f"{kind} {name}", "one pod, one volume", lost, lost, lost)
    every, hours = snapshots.every, snapshots.every * snapshots.kept // 60
    restored = Case(every, RESTORE, "the last snapshot restored into a new volume, the pod pointed at it")
    return Protection(
        f"{kind} {name}",
        f"one pod, one volume; a snapshot every {every} min ({snapshots.snapshot_class}), {hours} h kept",
        zone=Case(every, RESTORE, "the last snapshot, where the driver keeps snapshots apart from the zone"),
        damaged=restored,
        region=Case(LOST, LOST, "the snapshots stay in the cluster's region"),
    )


def _transient(kind: str, name: str, kept: str) -> Protection:
    """Caches and queues W&B rebuilds from its stores of record: nothing to restore."""
    rebuilt = Case(0, 5, "W&B rebuilds its caches and queues; what was queued is retried")
    elsewhere = Case(0, NEW_REGION, "made empty by the stack in the second region")
    return Protection(f"{kind} {name}", kept, rebuilt, rebuilt, elsewhere)


def _kafka(kind: str, name: str) -> Protection:
    return Protection(
        f"Kafka {name}",
        f"{kind}: every partition on three brokers",
        Case(0, 5, "the other brokers hold every partition"),
        Case(0, 5, "W&B's stores of record hold what was consumed"),
        Case(5, NEW_REGION, "what was not yet consumed (normally minutes) is lost; a stack there"),
    )


def _geo(account: Registered) -> bool:
    """An Azure storage account that Azure copies to the paired region itself."""
    sku = str(account.plain_inputs.get("sku", {}).get("name", ""))
    return "GRS" in sku or "GZRS" in sku


def report(run: Run) -> list[Protection]:
    """Every datastore of the plan, in a fixed order."""
    rows: list[Protection] = []
    bucket_types = ("gcp:storage/bucket:Bucket", "aws:s3/bucket:Bucket", "azure-native:storage:StorageAccount")
    replicated = bool(
        run.of_type("gcp:storage/transferJob:TransferJob")
        or run.of_type("aws:s3/bucketReplicationConfig:BucketReplicationConfig")
        or any(_geo(account) for account in run.of_type("azure-native:storage:StorageAccount"))
    )
    for sql in run.of_type("gcp:sql/databaseInstance:DatabaseInstance"):
        if not sql.plain_inputs.get("masterInstanceName"):
            rows.append(_cloud_sql(run, sql))
    rows += [_aurora(run, c) for c in run.of_type("aws:rds/cluster:Cluster") if "-dr-" not in c.name]
    rows += [_flexible_server(run, s) for s in run.of_type(FLEXIBLE_SERVER) if "-dr-" not in s.name]
    for typ in bucket_types:
        for b in run.of_type(typ):
            if "-dr-" not in b.name:
                rows.append(_bucket(run, b, replicated))
    for installation in run.of_type("kubernetes:clickhouse.altinity.com/v1:ClickHouseInstallation"):
        rows.append(_clickhouse(run, installation, replicated))
    snapshots = _snapshots(run)
    rows += [_single(kind, name, snapshots.get(namespace)) for kind, name, namespace in _single_pods(run)]
    rows += [_transient("Redis", r.name, f"a managed cache, {_persistence(run, r)}") for r in _caches(run)]
    if _chart_values(run).get("redis", {}).get("install"):
        rows.append(_transient("Redis (W&B's chart)", _chart_values_owner(run), "one pod"))
    rows += [_kafka("Strimzi", k.name) for k in run.of_type("kubernetes:kafka.strimzi.io/v1:Kafka")]
    rows += [_kafka("Amazon MSK", k.name) for k in run.of_type("aws:msk/cluster:Cluster")]
    return rows


def _persistence(run: Run, cache: Registered) -> str:
    """What the managed cache keeps on disk: not needed by W&B (it rebuilds caches and queues), said for the
    record."""
    i = cache.plain_inputs
    if "persistenceConfig" in i:  # Memorystore
        return f"RDB snapshots every {i['persistenceConfig'].get('rdbSnapshotPeriod', '?').lower().replace('_', ' ')}"
    if "snapshotRetentionLimit" in i:  # ElastiCache
        return f"daily snapshots kept {i['snapshotRetentionLimit']} days"
    databases = [d for d in run.of_type("azure-native:redisenterprise:Database") if d.parent == cache.parent]
    rdb = (databases[0].plain_inputs.get("persistence") or {}).get("rdbFrequency") if databases else None
    return f"RDB snapshots every {rdb}" if rdb else "no persistence"  # Azure Managed Redis: its database's


def _caches(run: Run) -> Iterator[Registered]:
    for typ in ("gcp:redis/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup"):
        yield from run.of_type(typ)
    yield from run.of_type("azure-native:redisenterprise:RedisEnterprise")


def _chart_values(run: Run) -> dict:
    crs = run.of_type("kubernetes:apps.wandb.com/v1:WeightsAndBiases")
    return crs[0].plain_inputs["spec"]["values"] if crs else {}


def _chart_values_owner(run: Run) -> str:
    return run.of_type("kubernetes:apps.wandb.com/v1:WeightsAndBiases")[0].name


def _single_pods(run: Run) -> Iterator[tuple[str, str, str]]:
    """The single-pod stores of record, with their namespaces: ClickHouse's one server, SeaweedFS, the W&B
    chart's own MySQL."""
    for s in run.of_type("kubernetes:apps/v1:StatefulSet"):
        if s.plain_inputs["metadata"]["name"] == "clickhouse":
            yield "ClickHouse (one server)", s.name, s.plain_inputs["metadata"]["namespace"]
    for release in run.of_type("kubernetes:helm.sh/v3:Release"):
        if release.plain_inputs["chart"].endswith("seaweedfs"):
            yield "SeaweedFS object store (one pod)", release.name, release.plain_inputs["namespace"]
    if _chart_values(run).get("mysql", {}).get("install"):
        cr = run.of_type("kubernetes:apps.wandb.com/v1:WeightsAndBiases")[0]
        yield "MySQL (W&B's chart, one pod)", cr.name, cr.plain_inputs["metadata"]["namespace"]


@dataclass(frozen=True)
class Snapshots:
    """The scheduled CSI snapshots of a namespace's volumes."""

    every: int  # minutes
    kept: int
    snapshot_class: str


def _snapshots(run: Run) -> dict[str, Snapshots]:
    """Each namespace whose volumes the volume-snapshots CronJob takes, and how."""
    covered: dict[str, Snapshots] = {}
    for job in run.of_type("kubernetes:batch/v1:CronJob"):
        if job.plain_inputs["metadata"]["name"] != SNAPSHOTS:
            continue
        spec = job.plain_inputs["spec"]
        (container,) = spec["jobTemplate"]["spec"]["template"]["spec"]["containers"]
        env = {e["name"]: e["value"] for e in container["env"]}
        taken = Snapshots(cron_minutes(spec["schedule"]), int(env["KEEP"]), env["SNAPSHOT_CLASS"])
        covered.update(dict.fromkeys(env["NAMESPACES"].split(), taken))
    return covered


def _minutes(value: int | None) -> str:
    return "lost" if value is None else f"{value} min"


def render(rows: list[Protection], stack: str) -> str:
    lines = [f"Recovery for stack {stack}: targets RPO < {RPO_TARGET} min, RTO < {RTO_TARGET} min ({RUNBOOK})"]
    for row in rows:
        misses = row.misses()
        lines.append(f"\n{row.store}: {row.kept}" + (f"  MISSES: {', '.join(misses)}" if misses else ""))
        for name, case in row.cases().items():
            lines.append(f"  {name:<18} RPO {_minutes(case.rpo):>8}  RTO {_minutes(case.rto):>8}  ({case.why})")
    missing = [row.store for row in rows if row.misses()]
    lines.append(
        f"\n{len(rows)} datastores; " + (f"{len(missing)} miss the targets" if missing else "all meet the targets")
    )
    return "\n".join(lines)
