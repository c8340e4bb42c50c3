// Container Apps environment (workload profiles, own subnet, logs to Log Analytics) and the silo app.
// Every replica is one Orleans silo of the cluster profile: gRPC (HTTP/2) behind the environment's TLS ingress,
// the dashboard and /healthz on an internal HTTP/1.1 port, silo-to-silo traffic on port 11111 inside the subnet.
param environmentName string
param appName string
param location string
param tags object
param logAnalyticsWorkspaceName string
param infrastructureSubnetId string
param identityId string
param identityClientId string
param registryLoginServer string
param postgresConnectionStringSecretUri string
param clusterId string
param gatewayClientName string
param gatewayClientTokenSha256 string
param minReplicas int
param maxReplicas int

@description('Silo image; empty until azd deploy pushes one (a placeholder image keeps the first provisioning valid).')
param image string = ''

var grpcPort = 5100
var httpPort = 5101
var siloPort = 11111
var orleansGatewayPort = 30000

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsWorkspaceName
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    vnetConfiguration: {
      infrastructureSubnetId: infrastructureSubnetId
      internal: false
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

var clientSettings = empty(gatewayClientTokenSha256) ? [] : [
  { name: 'Oms__Gateway__Clients__0__Name', value: gatewayClientName }
  { name: 'Oms__Gateway__Clients__0__TokenSha256', value: gatewayClientTokenSha256 }
  { name: 'Oms__Gateway__Clients__0__Grants__0__Account', value: '*' }
  { name: 'Oms__Gateway__Clients__0__Grants__0__Permissions__0', value: 'Read' }
  { name: 'Oms__Gateway__Clients__0__Grants__0__Permissions__1', value: 'Trade' }
]

resource silo 'Microsoft.App/containerApps@2024-03-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'silo' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: grpcPort
        transport: 'http2'
        allowInsecure: false
        additionalPortMappings: [
          {
            external: false
            targetPort: httpPort
            exposedPort: httpPort
          }
        ]
      }
      registries: [
        {
          server: registryLoginServer
          identity: identityId
        }
      ]
      secrets: [
        {
          name: 'postgres-connection-string'
          keyVaultUrl: postgresConnectionStringSecretUri
          identity: identityId
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'silo'
          image: empty(image) ? 'mcr.microsoft.com/k8se/quickstart:latest' : image
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
          env: concat([
            { name: 'OMS_PROFILE', value: 'cluster' }
            { name: 'Oms__Host__ListenAddress', value: '0.0.0.0' }
            { name: 'Oms__Host__GrpcPort', value: string(grpcPort) }
            { name: 'Oms__Host__DashboardPort', value: string(httpPort) }
            { name: 'Oms__Host__SiloPort', value: string(siloPort) }
            { name: 'Oms__Host__OrleansGatewayPort', value: string(orleansGatewayPort) }
            { name: 'Oms__Host__ClusterId', value: clusterId }
            { name: 'Oms__Host__ServiceId', value: 'oms' }
            { name: 'Oms__Postgres__ConnectionString', secretRef: 'postgres-connection-string' }
            { name: 'Oms__Postgres__ApplyMigrationsOnStart', value: 'true' }
            // Console only: the environment ships stdout to Log Analytics.
            { name: 'Oms__Logging__FilePath', value: '' }
            { name: 'AZURE_CLIENT_ID', value: identityClientId }
          ], clientSettings)
          // Probes only once the real silo image is deployed (the placeholder serves none of these ports).
          probes: empty(image) ? [] : [
            {
              type: 'Startup'
              httpGet: { path: '/healthz', port: httpPort }
              periodSeconds: 5
              failureThreshold: 60
            }
            {
              type: 'Readiness'
              httpGet: { path: '/healthz', port: httpPort }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Liveness'
              tcpSocket: { port: grpcPort }
              periodSeconds: 15
              failureThreshold: 4
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
      }
    }
  }
}

output environmentId string = environment.id
output appName string = silo.name
output fqdn string = silo.properties.configuration.ingress.fqdn
