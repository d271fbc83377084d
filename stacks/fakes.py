"""Plausible fake cloud outputs for the offline plan: what the real providers would compute and the program
reads (addresses, ARNs, issuers, generated secrets), deterministic so that plans and tests are stable."""

from __future__ import annotations

import base64
import hashlib

import pulumi

FAKE_PROJECT_NUMBER = "123456789012"
FAKE_PEM = "-----BEGIN CERTIFICATE-----\nMIIBfakeCAcertificateForOfflinePlans\n-----END CERTIFICATE-----\n"


def fake_secret(seed: str, length: int = 32) -> str:
    """A deterministic URL-safe stand-in for a generated credential; tests search for it in plain text."""
    digest = hashlib.sha256(seed.encode()).hexdigest()
    return ("fake" + digest)[:length]


FAKE_ACCOUNT = "123456789012"
FAKE_SUBSCRIPTION = "00000000-0000-4000-8000-0000000000fe"
# What another stack exports, as a StackReference reads it: a cluster's kubeconfig (secret) and token issuer.
FAKE_STACK_REFERENCE = {
    "outputs": {
        "kubeconfig": "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n",
        "oidcIssuer": "https://oidc.example.com/clusters/shared",
    },
    "secretOutputNames": ["kubeconfig"],
}
FAKE_ZONES = "abcdef"
FAKE_TENANT = "00000000-0000-4000-8000-0000000000aa"


def fake_aks_kubeconfig(cluster: str) -> str:
    """A cluster user's kubeconfig as AKS hands it out: the private API server, its CA, a kubelogin user."""
    server = f"https://{cluster}-dns-{_short(cluster, 8)}.privatelink.eastus2.azmk8s.io:443"
    ca = base64.b64encode(FAKE_PEM.encode()).decode()
    return (
        f"apiVersion: v1\nkind: Config\nclusters:\n- name: {cluster}\n  cluster:\n    server: {server}\n"
        f"    certificate-authority-data: {ca}\nusers:\n- name: clusterUser\n  user:\n    exec:\n"
        "      command: kubelogin\n      args: [get-token, --environment, AzurePublicCloud, --server-id,"
        f" 6dae42f8-4368-4678-94ff-3960e28e3630, --client-id, 80faf920-1908-4b52-b5ef-a8e7bedfc67a, --tenant-id,"
        f" {FAKE_TENANT}, --login, devicecode]\n"
    )


def _short(seed: str, length: int = 17) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:length]


def _tls_outputs(typ: str, name: str) -> dict:
    """PEM-shaped stand-ins for what the TLS provider generates."""

    def pem(kind: str) -> str:
        return f"-----BEGIN {kind}-----\n{fake_secret(name + kind, 48)}\n-----END {kind}-----\n"

    if typ == "tls:index/privateKey:PrivateKey":
        return {"privateKeyPem": pem("PRIVATE KEY"), "publicKeyPem": pem("PUBLIC KEY")}
    if typ == "tls:index/certRequest:CertRequest":
        return {"certRequestPem": pem("CERTIFICATE REQUEST")}
    return {"certPem": pem("CERTIFICATE")}


def _gcp_outputs(typ: str, name: str, inputs: dict) -> dict:
    """Outputs the Google provider would compute that the program reads."""
    project = inputs.get("project", "project")
    physical = inputs.get("name") or name
    if typ == "gcp:sql/databaseInstance:DatabaseInstance":
        return {
            "name": physical,
            "privateIpAddress": "10.100.0.3",
            "connectionName": f"{project}:{inputs.get('region')}:{physical}",
            "serverCaCerts": [{"cert": FAKE_PEM}],
        }
    if typ == "gcp:redis/instance:Instance":
        return {
            "host": "10.100.1.4",
            "port": 6378,
            "authString": fake_secret(name),
            "serverCaCerts": [{"cert": FAKE_PEM}],
        }
    if typ == "gcp:container/cluster:Cluster":
        return {
            "name": physical,
            "endpoint": "172.16.0.34",
            "masterAuth": {"clusterCaCertificate": base64.b64encode(FAKE_PEM.encode()).decode()},
        }
    if typ == "gcp:serviceaccount/account:Account":
        email = f"{inputs['accountId']}@{project}.iam.gserviceaccount.com"
        return {
            "email": email,
            "member": f"serviceAccount:{email}",
            "name": f"projects/{project}/serviceAccounts/{email}",
        }
    if typ == "gcp:projects/serviceIdentity:ServiceIdentity":
        email = f"service-{FAKE_PROJECT_NUMBER}@gcp-sa-cloud-sql.iam.gserviceaccount.com"
        return {"email": email, "member": f"serviceAccount:{email}"}
    if typ == "gcp:kms/keyRing:KeyRing":
        return {"name": physical}
    if typ == "gcp:compute/globalAddress:GlobalAddress":
        address = "10.200.0.0" if inputs.get("purpose") == "VPC_PEERING" else "198.51.100.7"
        return {"name": physical, "address": address}
    if typ == "gcp:storage/bucket:Bucket":
        return {"name": physical, "url": f"gs://{physical}"}
    if typ == "gcp:compute/address:Address":
        return {"name": physical, "address": "10.10.0.50"}
    if typ == "gcp:compute/forwardingRule:ForwardingRule":
        return {"name": physical, "pscConnectionId": str(int(_short(name, 12), 16))}
    return {"name": physical}


def _azure_id(typ: str, name: str, inputs: dict) -> str:
    """An ARM resource id of the resource's type and name."""
    provider, kind = typ.split(":")[1], typ.split(":")[2]
    return f"/subscriptions/{FAKE_SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.{provider}/{kind}/{name}"


# The input that names each Azure resource (its `name` output), where the program reads that name.
AZURE_NAME_INPUT = {
    "azure-native:resources:ResourceGroup": "resourceGroupName",
    "azure-native:storage:StorageAccount": "accountName",
    "azure-native:storage:BlobContainer": "containerName",
    "azure-native:keyvault:Vault": "vaultName",
    "azure-native:keyvault:Key": "keyName",
    "azure-native:dbformysql:Server": "serverName",
    "azure-native:containerservice:ManagedCluster": "resourceName",
    "azure-native:redisenterprise:RedisEnterprise": "clusterName",
    "azure-native:privatedns:PrivateZone": "privateZoneName",
}


def _azure_outputs(typ: str, name: str, inputs: dict) -> dict:
    """The inputs, in the shape Azure answers them (user-assigned identities come back as a map), and what the
    program reads: names, host names, key URIs."""
    outputs = dict(inputs)
    outputs["name"] = inputs.get(AZURE_NAME_INPUT.get(typ, ""), name)
    identity = inputs.get("identity")
    if isinstance(identity, dict) and identity.get("type") == "SystemAssigned":
        outputs["identity"] = {**identity, "principalId": _short(name + "principal", 32)}
    if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
        ids = identity["userAssignedIdentities"]
        outputs["identity"] = {**identity, "userAssignedIdentities": {i: {"principalId": _short(i, 32)} for i in ids}}
    if typ == "azure-native:dbformysql:Server":
        outputs["fullyQualifiedDomainName"] = f"{inputs.get('serverName', name)}.mysql.database.azure.com"
    if typ == "azure-native:redisenterprise:RedisEnterprise":
        outputs["hostName"] = f"{inputs.get('clusterName', name)}.{inputs.get('location', 'region')}.redis.azure.net"
    if typ == "azure-native:containerservice:ManagedCluster":
        outputs["oidcIssuerProfile"] = {
            "enabled": True,
            "issuerURL": f"https://{inputs.get('location')}.oic.prod-aks.azure.com/{_short(name, 36)}/",
        }
    if typ == "azure-native:managedidentity:UserAssignedIdentity":
        outputs.update({"clientId": _short(name + "client", 32), "principalId": _short(name + "principal", 32)})
    if typ == "azure-native:keyvault:Vault":
        vault_name = inputs.get("vaultName", name)
        outputs["properties"] = {**inputs.get("properties", {}), "vaultUri": f"https://{vault_name}.vault.azure.net/"}
    if typ == "azure-native:servicenetworking:FrontendsInterface":
        outputs["fqdn"] = f"{_short(name, 16)}.fz{_short(name, 2)}.alb.azure.com"
    if typ == "azure-native:keyvault:Key":
        uri = f"https://{inputs.get('vaultName', 'vault')}.vault.azure.net/keys/{inputs.get('keyName', name)}"
        outputs.update({"keyUri": uri, "keyUriWithVersion": f"{uri}/{_short(name, 32)}"})
    return outputs


def _clickhouse_outputs(typ: str, name: str, inputs: dict) -> dict:
    """ClickHouse Cloud's private endpoint service in the service's cloud and region, and its private name."""
    if typ != "clickhouse:index/service:Service":
        return {}
    region, cloud = inputs.get("region", "region"), inputs.get("cloudProvider")
    if cloud == "gcp":
        attachment = (
            f"projects/dataplane-production/regions/{region}/serviceAttachments/production-{region}-clickhouse-cloud"
        )
        host = f"{_short(name, 10)}.{region}.p.gcp.clickhouse.cloud"
    else:
        attachment = f"com.amazonaws.vpce.{region}.vpce-svc-{_short(name)}"
        host = f"{_short(name, 10)}.{region}.vpce.aws.clickhouse.cloud"
    return {"privateEndpointConfig": {"endpointServiceId": attachment, "privateDnsHostname": host}}


def _gcp_id(typ: str, name: str, inputs: dict, outputs: dict) -> str:
    project, location = inputs.get("project", "project"), inputs.get("location", "region")
    if typ == "gcp:kms/keyRing:KeyRing":
        return f"projects/{project}/locations/{location}/keyRings/{outputs['name']}"
    if typ == "gcp:kms/cryptoKey:CryptoKey":
        return f"{inputs['keyRing']}/cryptoKeys/{name}"
    if typ.startswith("gcp:container/cluster"):
        return f"projects/{project}/locations/{location}/clusters/{outputs['name']}"
    return f"{name}-id"


AWS_ID_PREFIX = {
    "aws:ec2/vpc:Vpc": "vpc-",
    "aws:ec2/subnet:Subnet": "subnet-",
    "aws:ec2/securityGroup:SecurityGroup": "sg-",
    "aws:ec2/routeTable:RouteTable": "rtb-",
    "aws:ec2/natGateway:NatGateway": "nat-",
    "aws:ec2/eip:Eip": "eipalloc-",
    "aws:ec2/internetGateway:InternetGateway": "igw-",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt-",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce-",
}


def _aws_outputs(typ: str, name: str, inputs: dict, region: str) -> dict:
    """Outputs the AWS provider would compute that the program reads."""
    arn = f"arn:aws:{{}}:{region}:{FAKE_ACCOUNT}:{{}}"
    physical = inputs.get("name") or name
    if typ == "aws:eks/cluster:Cluster":
        issuer = f"https://oidc.eks.{region}.amazonaws.com/id/{_short(name, 32).upper()}"
        return {
            "arn": arn.format("eks", f"cluster/{physical}"),
            "endpoint": f"https://{_short(name, 32).upper()}.gr7.{region}.eks.amazonaws.com",
            "certificateAuthority": {"data": base64.b64encode(FAKE_PEM.encode()).decode()},
            "identities": [{"oidcs": [{"issuer": issuer}]}],
            "vpcConfig": {**inputs.get("vpcConfig", {}), "clusterSecurityGroupId": f"sg-{_short(name + 'cluster')}"},
        }
    if typ == "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
        return {"arn": f"arn:aws:iam::{FAKE_ACCOUNT}:oidc-provider/{inputs['url'].removeprefix('https://')}"}
    if typ == "aws:iam/role:Role":
        return {"arn": f"arn:aws:iam::{FAKE_ACCOUNT}:role/{physical}", "name": physical}
    if typ == "aws:kms/key:Key":
        key_id = "-".join(_short(f"{name}{i}", n) for i, n in enumerate((8, 4, 4, 4, 12)))
        return {"arn": arn.format("kms", f"key/{key_id}"), "keyId": key_id}
    if typ == "aws:rds/cluster:Cluster":
        host = f"{physical}.cluster-{_short(name, 12)}.{region}.rds.amazonaws.com"
        return {
            "endpoint": host,
            "readerEndpoint": host.replace(".cluster-", ".cluster-ro-"),
            "arn": arn.format("rds", f"cluster:{physical}"),
        }
    if typ == "aws:elasticache/replicationGroup:ReplicationGroup":
        return {"primaryEndpointAddress": f"master.{physical}.{_short(name, 6)}.{region}.cache.amazonaws.com"}
    if typ == "aws:s3/bucket:Bucket":
        bucket = f"{physical}-{_short(name, 7)}"
        return {"bucket": bucket, "arn": f"arn:aws:s3:::{bucket}"}
    if typ == "aws:msk/cluster:Cluster":
        brokers = ",".join(
            f"b-{i}.{physical}.{_short(name, 6)}.c2.kafka.{region}.amazonaws.com:9092" for i in (1, 2, 3)
        )
        return {"arn": arn.format("kafka", f"cluster/{physical}/{_short(name, 36)}"), "bootstrapBrokers": brokers}
    if typ == "aws:msk/configuration:Configuration":
        return {"arn": arn.format("kafka", f"configuration/{physical}/{_short(name, 36)}"), "latestRevision": 1}
    if typ == "aws:ec2/launchTemplate:LaunchTemplate":
        return {"latestVersion": 1}
    if typ == "aws:eks/nodeGroup:NodeGroup":
        group = f"{inputs.get('clusterName')}/{physical}/{_short(name, 32)}"
        return {"arn": arn.format("eks", f"nodegroup/{group}")}
    if typ == "aws:acm/certificate:Certificate":
        domain = inputs["domainName"]
        option = {
            "domainName": domain,
            "resourceRecordName": f"_{_short(domain, 32)}.{domain}.",
            "resourceRecordType": "CNAME",
            "resourceRecordValue": f"_{_short(domain + 'v', 32)}.acm-validations.aws.",
        }
        return {"arn": arn.format("acm", f"certificate/{_short(name, 36)}"), "domainValidationOptions": [option]}
    if typ == "aws:route53/record:Record":
        return {"fqdn": inputs.get("name", "").rstrip(".")}
    if typ == "aws:amp/workspace:Workspace":
        workspace = f"ws-{_short(name, 8)}-{_short(name + 'w', 4)}-{_short(name + 'x', 4)}-{_short(name + 'y', 12)}"
        return {
            "arn": arn.format("aps", f"workspace/{workspace}"),
            "prometheusEndpoint": f"https://aps-workspaces.{region}.amazonaws.com/workspaces/{workspace}/",
        }
    if typ == "aws:sns/topic:Topic":
        return {"arn": arn.format("sns", physical)}
    return {"name": physical} if "name" in inputs or typ.endswith(("Group:SubnetGroup", "ParameterGroup")) else {}


def _aws_calls(token: str, args: dict, region: str) -> dict | None:
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        arn = f"arn:aws:sts::{FAKE_ACCOUNT}:assumed-role/platform-deployer/session"
        return {"accountId": FAKE_ACCOUNT, "arn": arn, "userId": "AROAFAKE:session"}
    if token == "aws:iam/getSessionContext:getSessionContext":
        return {"issuerArn": f"arn:aws:iam::{FAKE_ACCOUNT}:role/platform-deployer", "arn": args.get("arn")}
    if token == "aws:index/getPartition:getPartition":
        return {"partition": "aws", "dnsSuffix": "amazonaws.com"}
    if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
        return {"names": [f"{region}{z}" for z in FAKE_ZONES], "zoneIds": [f"use1-az{i}" for i in range(6)]}
    if token == "aws:ec2/getSubnet:getSubnet":
        digit = int(args["id"][-1], 16)
        return {
            "id": args["id"],
            "availabilityZone": f"{region}{FAKE_ZONES[digit % 3]}",
            "cidrBlock": f"10.{100 + digit}.0.0/20",
        }
    return None


class FakeCloud(pulumi.runtime.Mocks):
    """`computed` collects every value this fake made up (ids, addresses, names a provider would choose), so
    that a plan can show them as computed instead of passing them off as real."""

    def __init__(self, aws_region: str = "us-east-1", stack_references: dict | None = None):
        self.aws_region = aws_region
        self.stack_references = stack_references or {}  # stack name -> what its outputs read
        self.computed: set[str] = set()

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        id_, state = self._new_resource(args.typ, args.name, args.inputs)
        if args.typ == "pulumi:pulumi:StackReference":
            return id_, state  # read from another stack: known when this one is previewed
        made_up = {key: value for key, value in state.items() if args.inputs.get(key) != value}
        self.computed |= {id_, *_strings(made_up)} - set(_strings(args.inputs))
        return id_, state

    def _new_resource(self, typ: str, name: str, inputs: dict) -> tuple[str, dict]:
        if typ == "pulumi:pulumi:StackReference":
            read = self.stack_references.get(inputs["name"], FAKE_STACK_REFERENCE)
            return inputs["name"], {"name": inputs["name"], **read}
        if typ == "random:index/randomPassword:RandomPassword":
            return f"{name}-id", {**inputs, "result": fake_secret(name, int(inputs.get("length", 32)))}
        if typ.startswith("tls:"):
            return f"{name}-id", {**inputs, **_tls_outputs(typ, name)}
        if typ == "random:index/randomId:RandomId":
            return f"{name}-id", {**inputs, "hex": _short(name, 2 * int(inputs.get("byteLength", 4)))}
        if typ.startswith("gcp:"):
            outputs = {**inputs, **_gcp_outputs(typ, name, inputs)}
            return _gcp_id(typ, name, inputs, outputs), outputs
        if typ.startswith("aws:"):
            prefix = AWS_ID_PREFIX.get(typ)
            return f"{prefix}{_short(name)}" if prefix else f"{name}-id", {
                **inputs,
                **_aws_outputs(typ, name, inputs, self.aws_region),
            }
        if typ.startswith("azure-native:"):
            return _azure_id(typ, name, inputs), _azure_outputs(typ, name, inputs)
        if typ.startswith("clickhouse:"):
            return f"{_short(name, 8)}-{_short(name + 'id', 4)}", {**inputs, **_clickhouse_outputs(typ, name, inputs)}
        return f"{name}-id", dict(inputs)

    def call(self, args: pulumi.runtime.MockCallArgs):
        result = self._call(args)
        self.computed |= set(_strings(result)) - set(_strings(args.args))
        return result

    def _call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        if args.token == "gcp:container/getCluster:getCluster":
            return {
                "name": args.args["name"],
                "location": args.args.get("location"),
                "endpoint": "172.16.0.50",
                "masterAuths": [
                    {
                        "clusterCaCertificate": base64.b64encode(FAKE_PEM.encode()).decode(),
                        "clientCertificate": "",
                        "clientCertificateConfigs": [],
                        "clientKey": "",
                    }
                ],
            }
        if args.token == "gcp:organizations/getProject:getProject":
            return {"number": FAKE_PROJECT_NUMBER, "projectId": args.args.get("projectId")}
        if args.token == "gcp:storage/getProjectServiceAccount:getProjectServiceAccount":
            email = f"service-{FAKE_PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com"
            return {"emailAddress": email, "member": f"serviceAccount:{email}"}
        if args.token == "azure-native:containerservice:listManagedClusterUserCredentials":
            encoded = base64.b64encode(fake_aks_kubeconfig(args.args.get("resourceName", "aks")).encode()).decode()
            return {"kubeconfigs": [{"name": "clusterUser", "value": encoded}]}
        if args.token == "azure-native:authorization:getClientConfig":
            return {
                "subscriptionId": FAKE_SUBSCRIPTION,
                "tenantId": FAKE_TENANT,
                "objectId": FAKE_TENANT,
                "clientId": "",
            }
        if args.token == "azure-native:redisenterprise:listDatabaseKeys":
            return {"primaryKey": fake_secret(f"{args.args.get('clusterName')}-primary", 44)}
        return _aws_calls(args.token, args.args, self.aws_region) or {}


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []
