using Oms.Silo.Commands;
using Oms.Silo.Hosting;

// `migrate`: apply the PostgreSQL schema and exit.
if (MigrateCommand.IsRequested(args))
{
    return await MigrateCommand.RunAsync(args);
}

// The silo: profile (embedded | cluster), logging, endpoints, venue ports, Orleans, demo accounts, gRPC gateway.
var builder = OmsSilo.CreateBuilder(args);
builder.AddOmsSilo();

var app = builder.Build();
app.MapOmsSilo();

await app.RunAsync();
return 0;
