// Key Vault (RBAC): holds the PostgreSQL connection string (and, later, venue API keys). The silo reads it through
// a Key Vault reference in its container app secrets, with its managed identity.
param name string
param location string
param tags object
param secretsReaderPrincipalId string

@secure()
param postgresConnectionString string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource connectionString 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'oms-postgres-connection-string'
  properties: {
    value: postgresConnectionString
    contentType: 'Npgsql connection string'
  }
}

var secretsUserRoleId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, secretsReaderPrincipalId, secretsUserRoleId)
  scope: vault
  properties: {
    principalId: secretsReaderPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: secretsUserRoleId
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
output postgresConnectionStringSecretUri string = connectionString.properties.secretUri
