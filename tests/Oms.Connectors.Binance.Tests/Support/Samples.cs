using System.Text;
using System.Text.Json;

namespace Oms.Connectors.Binance.Tests.Support;

/// <summary>Loads the recorded protocol samples from ../shared/protocol/binance/samples beside the repository root.</summary>
internal static class Samples
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Oms.Orleans.sln"))) directory = directory.Parent;
        if (directory is null) throw new InvalidOperationException($"no Oms.Orleans.sln above {AppContext.BaseDirectory}");
        var samples = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "protocol", "binance", "samples"));
        if (!Directory.Exists(samples)) throw new InvalidOperationException($"the Binance samples folder {samples} does not exist");
        return samples;
    });

    public static string PathOf(string relative) => Path.Combine(Root.Value, relative);

    public static byte[] Bytes(string relative) => File.ReadAllBytes(PathOf(relative));

    public static string Text(string relative) => File.ReadAllText(PathOf(relative), Encoding.UTF8);

    public static JsonElement Json(string relative) => JsonDocument.Parse(Bytes(relative)).RootElement;

    /// <summary>The raw bytes of one property of a sample (e.g. the <c>result</c> of a WebSocket API response).</summary>
    public static byte[] Property(string relative, string property) => Encoding.UTF8.GetBytes(Json(relative).GetProperty(property).GetRawText());

    public static IEnumerable<string> Files(string folder, string pattern = "*.json") =>
        Directory.EnumerateFiles(PathOf(folder), pattern).Select(f => Path.GetRelativePath(Root.Value, f)).Order(StringComparer.Ordinal);

    public const string SpotDocApiKey = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
    public const string SpotDocSecret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
}
