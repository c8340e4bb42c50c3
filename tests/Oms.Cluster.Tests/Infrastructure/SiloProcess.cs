using System.Diagnostics;
using System.Globalization;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Oms.Cluster.Tests.Infrastructure;

/// <summary>
/// One silo running as its own OS process (<c>dotnet &lt;dll&gt;</c>) on its own ports, with its console output kept
/// in a file for diagnosis. Killing it is a real crash (the whole process tree, no graceful shutdown).
/// </summary>
public sealed class SiloProcess : IDisposable
{
    private readonly Process process;
    private readonly StreamWriter output;
    private readonly object gate = new();

    private SiloProcess(string name, Process process, StreamWriter output, string outputPath, int grpcPort, int dashboardPort)
    {
        Name = name;
        this.process = process;
        this.output = output;
        OutputPath = outputPath;
        GrpcPort = grpcPort;
        DashboardPort = dashboardPort;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
    }

    public string Name { get; }
    public int GrpcPort { get; }
    public int DashboardPort { get; }
    public string OutputPath { get; }
    public GrpcChannel Channel { get; }
    public bool HasExited => process.HasExited;

    /// <summary>
    /// Starts <paramref name="dll"/> with configuration given as <c>--Key=Value</c> arguments and
    /// <paramref name="environment"/> added to the process environment (e.g. the local secret store's variables).
    /// </summary>
    public static SiloProcess Start(string name, string dll, string workDirectory, int grpcPort, int dashboardPort, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        Directory.CreateDirectory(workDirectory);
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(dll);
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        startInfo.Environment["DOTNET_gcServer"] = "0";
        startInfo.Environment["DOTNET_ENVIRONMENT"] = "Production";
        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        if (environment is not null)
        {
            foreach (var (key, value) in environment) startInfo.Environment[key] = value;
        }

        var outputPath = Path.Combine(workDirectory, name + ".out.txt");
        var writer = new StreamWriter(outputPath) { AutoFlush = true };
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var silo = new SiloProcess(name, process, writer, outputPath, grpcPort, dashboardPort);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Waits (bounded) until grpc.health.v1 reports SERVING; fails with the process output otherwise.</summary>
    public async Task WaitForServingAsync(TimeSpan timeout)
    {
        var health = new Health.HealthClient(Channel);
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {process.ExitCode} before serving:\n{Tail()}");
            }
            try
            {
                var response = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                if (response.Status == HealthCheckResponse.Types.ServingStatus.Serving) return;
            }
            catch (RpcException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{Name} did not report SERVING within {timeout}:\n{Tail()}");
    }

    /// <summary>Crashes the silo: SIGKILL to the whole process tree, then waits for it to be gone.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(30_000);
        }
    }

    /// <summary>The last lines of the silo's console output.</summary>
    public string Tail(int lines = 60)
    {
        lock (gate)
        {
            output.Flush();
        }
        try
        {
            using var stream = new FileStream(OutputPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException ex)
        {
            return $"(output unavailable: {ex.Message})";
        }
    }

    public void Dispose()
    {
        Kill();
        Channel.Dispose();
        process.Dispose();
        lock (gate)
        {
            output.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (gate)
        {
            try
            {
                output.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output arriving after disposal is dropped.
            }
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} (gRPC {GrpcPort})");
}
