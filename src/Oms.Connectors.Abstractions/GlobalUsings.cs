global using Orleans;
global using Oms.Domain;
