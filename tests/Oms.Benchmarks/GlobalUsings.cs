global using BenchmarkDotNet.Attributes;
global using Oms.Domain;
