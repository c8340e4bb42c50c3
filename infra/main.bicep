// OMS on Azure: one resource group with Log Analytics, a container registry, Key Vault, PostgreSQL Flexible Server,
// a Container Apps environment on its own virtual network, and the silo container app (cluster profile).
// Deployed by `azd up` (see azure.yaml); no secret has a default value here.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('azd environment name; names and tags every resource.')
param environmentName string

@minLength(1)
@description('Azure region of every resource.')
param location string

@secure()
@description('PostgreSQL administrator password (set AZURE_POSTGRES_ADMIN_PASSWORD or let azd prompt). Stored in Key Vault only.')
param postgresAdminPassword string

@description('PostgreSQL administrator login.')
param postgresAdminLogin string = 'omsadmin'

@description('PostgreSQL Flexible Server SKU (Burstable B1ms is enough for a trial; use General Purpose in production).')
param postgresSkuName string = 'Standard_B1ms'

@allowed([ 'Burstable', 'GeneralPurpose', 'MemoryOptimized' ])
param postgresSkuTier string = 'Burstable'

@description('SHA-256 (hex) of the first API client token; empty: no client until you add one (the token itself never goes to Azure).')
param gatewayClientTokenSha256 string = ''

@description('Name of that API client (audit trail).')
param gatewayClientName string = 'strategy'

@minValue(1)
@maxValue(10)
@description('Silo replicas (Orleans cluster members). Two or more for failover.')
param siloMinReplicas int = 2

@minValue(1)
@maxValue(30)
param siloMaxReplicas int = 4

@description('Image of the silo; azd deploy replaces it with the image it builds.')
param siloImage string = ''

var abbreviations = {
  resourceGroup: 'rg-'
  logAnalytics: 'log-'
  registry: 'cr'
  keyVault: 'kv-'
  postgres: 'psql-'
  network: 'vnet-'
  environment: 'cae-'
  identity: 'id-'
  containerApp: 'ca-'
}
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName, application: 'oms' }

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbreviations.resourceGroup}${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    name: '${abbreviations.logAnalytics}${resourceToken}'
    location: location
    tags: tags
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: resourceGroup
  params: {
    name: '${abbreviations.identity}silo-${resourceToken}'
    location: location
    tags: tags
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: resourceGroup
  params: {
    name: '${abbreviations.registry}${resourceToken}'
    location: location
    tags: tags
    pullPrincipalId: identity.outputs.principalId
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  scope: resourceGroup
  params: {
    name: '${abbreviations.postgres}${resourceToken}'
    location: location
    tags: tags
    administratorLogin: postgresAdminLogin
    administratorPassword: postgresAdminPassword
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    databaseName: 'oms'
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: resourceGroup
  params: {
    name: '${abbreviations.keyVault}${resourceToken}'
    location: location
    tags: tags
    secretsReaderPrincipalId: identity.outputs.principalId
    postgresConnectionString: 'Host=${postgres.outputs.fqdn};Port=5432;Database=oms;Username=${postgresAdminLogin};Password=${postgresAdminPassword};SSL Mode=Require'
  }
}

module network 'modules/network.bicep' = {
  name: 'network'
  scope: resourceGroup
  params: {
    name: '${abbreviations.network}${resourceToken}'
    location: location
    tags: tags
  }
}

module containerApps 'modules/containerapps.bicep' = {
  name: 'containerapps'
  scope: resourceGroup
  params: {
    environmentName: '${abbreviations.environment}${resourceToken}'
    appName: '${abbreviations.containerApp}silo-${resourceToken}'
    location: location
    tags: tags
    logAnalyticsWorkspaceName: monitoring.outputs.name
    infrastructureSubnetId: network.outputs.containerAppsSubnetId
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    registryLoginServer: registry.outputs.loginServer
    postgresConnectionStringSecretUri: keyVault.outputs.postgresConnectionStringSecretUri
    image: siloImage
    clusterId: 'oms-${environmentName}'
    gatewayClientName: gatewayClientName
    gatewayClientTokenSha256: gatewayClientTokenSha256
    minReplicas: siloMinReplicas
    maxReplicas: siloMaxReplicas
  }
}

output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_APPS_ENVIRONMENT_ID string = containerApps.outputs.environmentId
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_POSTGRES_HOST string = postgres.outputs.fqdn
output SERVICE_SILO_NAME string = containerApps.outputs.appName
output OMS_GRPC_ENDPOINT string = 'https://${containerApps.outputs.fqdn}'
