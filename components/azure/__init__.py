"""Azure pieces of the platform, on pulumi-azure-native: the network with its private endpoints and Key Vault
with the platform's customer-managed keys. The Azure target itself is not wired yet (README, "Azure")."""
