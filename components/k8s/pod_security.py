"""What PodSecurity `restricted` asks of each container (CONFINED; RESTRICTED_CONTAINER also reads only its image)
and of a pod (RESTRICTED_POD, as `nobody` where the image names no numeric user). Plain data, for values and
manifests alike."""

CONFINED = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}
RESTRICTED_CONTAINER = {**CONFINED, "readOnlyRootFilesystem": True}
RESTRICTED_POD = {"runAsNonRoot": True, "runAsUser": 65534, "seccompProfile": {"type": "RuntimeDefault"}}
