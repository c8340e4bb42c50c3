// PostgreSQL Flexible Server: Orleans clustering, grain state and reminders, and the OMS journal (database "oms").
// The silo applies the schema migrations itself at start-up (Oms:Postgres:ApplyMigrationsOnStart).
param name string
param location string
param tags object
param administratorLogin string

@secure()
param administratorPassword string

param skuName string
param skuTier string
param databaseName string

@description('PostgreSQL major version.')
param version string = '16'

param storageSizeGB int = 32

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2023-12-01-preview' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorPassword
    storage: { storageSizeGB: storageSizeGB }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: { mode: 'Disabled' }
    network: { publicNetworkAccess: 'Enabled' }
    authConfig: {
      activeDirectoryAuth: 'Disabled'
      passwordAuth: 'Enabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2023-12-01-preview' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// Connections from Azure services only (the start and end address 0.0.0.0 is Azure's convention for that); TLS is
// required by the server. Move to private access (delegated subnet + private DNS) for production.
resource allowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2023-12-01-preview' = {
  parent: server
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

output fqdn string = server.properties.fullyQualifiedDomainName
output name string = server.name
