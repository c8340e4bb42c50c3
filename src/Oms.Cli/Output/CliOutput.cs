using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Oms.Cli.Output;

/// <summary>
/// Where a command writes: results on stdout (Spectre.Console tables for people, one JSON document under
/// <c>--json</c>), diagnostics, warnings and errors on stderr. Decimal amounts are printed exactly as received.
/// </summary>
internal sealed class CliOutput
{
    /// <summary>Width used for tables when stdout is not a terminal (pipes, files, tests) and <c>COLUMNS</c> is not set.</summary>
    private const int RedirectedWidth = 240;

    private static readonly JsonSerializerOptions Indented = CreateJsonOptions(indented: true);
    private static readonly JsonSerializerOptions Compact = CreateJsonOptions(indented: false);

    private readonly TextWriter stdout;
    private readonly TextWriter stderr;

    public CliOutput(bool json, TextWriter stdout, TextWriter stderr, Func<string, string?> environment, bool stdoutRedirected)
    {
        Json = json;
        this.stdout = stdout;
        this.stderr = stderr;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.No,
        });
        if (stdoutRedirected)
        {
            Console.Profile.Width = int.TryParse(environment("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var columns) && columns >= 40
                ? columns
                : RedirectedWidth;
        }
    }

    /// <summary>True under <c>--json</c>: stdout carries exactly one JSON document (one per line for <c>oms watch</c>).</summary>
    public bool Json { get; }

    /// <summary>The Spectre console on stdout, for human output.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Writes one indented JSON document to stdout.</summary>
    public void WriteJson<T>(T document)
    {
        stdout.WriteLine(JsonSerializer.Serialize(document, Indented));
        stdout.Flush();
    }

    /// <summary>Writes one JSON document on a single line (JSON Lines), flushed at once: for streams.</summary>
    public void WriteJsonLine<T>(T document)
    {
        stdout.WriteLine(JsonSerializer.Serialize(document, Compact));
        stdout.Flush();
    }

    /// <summary>Renders a table, panel or text for people.</summary>
    public void Write(IRenderable renderable) => Console.Write(renderable);

    /// <summary>Writes a plain line to stdout (no markup interpretation).</summary>
    public void Line(string text) => Console.Write(new Text(text + Environment.NewLine));

    /// <summary>Writes a diagnostic line to stderr.</summary>
    public void Diagnostic(string text)
    {
        stderr.WriteLine(text);
        stderr.Flush();
    }

    /// <summary>Writes <c>warning: …</c> to stderr.</summary>
    public void Warning(string text) => Diagnostic("warning: " + text);

    /// <summary>Writes <c>error: …</c> to stderr.</summary>
    public void Error(string text) => Diagnostic("error: " + text);

    private static JsonSerializerOptions CreateJsonOptions(bool indented) => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = indented,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // stdout is not HTML: keep '+', '<', quotes in reasons readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new UtcDateTimeOffsetConverter() },
    };

    /// <summary>Times as ISO 8601 in UTC with a Z, e.g. <c>2025-01-31T12:00:00.123Z</c>.</summary>
    private sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
    }
}
