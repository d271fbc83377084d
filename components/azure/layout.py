"""The platform network's subnets, carved from its range by a pure function: the config checks a range with it
before anything (or Azure's SDK) is loaded."""

from __future__ import annotations

import ipaddress

ZONES = ("1", "2", "3")  # the availability zones an Azure region with zones offers

# The subnets, in creation order: name -> (prefix length, delegated service).
SUBNETS: dict[str, tuple[int, str]] = {
    "nodes": (20, ""),
    "apiserver": (28, "Microsoft.ContainerService/managedClusters"),
    "mysql": (24, "Microsoft.DBforMySQL/flexibleServers"),
    "endpoints": (24, ""),
    "gateway": (24, "Microsoft.ServiceNetworking/trafficControllers"),  # Application Gateway for Containers
}


def subnet_layout(vnet_cidr: str) -> dict[str, str]:
    """Each subnet's range, carved in order from the start of the network's range."""
    network = ipaddress.IPv4Network(vnet_cidr)
    layout, cursor = {}, network.network_address
    for name, (prefix, _) in SUBNETS.items():
        size = 2 ** (32 - prefix)
        start = (int(cursor) + size - 1) // size * size  # aligned to its own size
        subnet = ipaddress.IPv4Network(f"{ipaddress.IPv4Address(start)}/{prefix}")
        if not subnet.subnet_of(network):
            raise ValueError(f"{vnet_cidr} is too small for the platform's subnets (a /16 to /19 fits)")
        layout[name] = str(subnet)
        cursor = subnet.broadcast_address + 1
    return layout
