using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Oms.Cli.Output;

/// <summary>Table building blocks: cells are plain text (never markup), amounts right-aligned, absent values as "-".</summary>
internal static class Tables
{
    public const string Absent = "-";

    public static Table Create(string? title, params (string Header, bool Numeric)[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        if (title is not null) table.Title = new TableTitle(title);
        foreach (var (header, numeric) in columns)
        {
            var column = new TableColumn(new Text(header)) { NoWrap = numeric };
            if (numeric) column.RightAligned();
            table.AddColumn(column);
        }
        return table;
    }

    public static void Row(Table table, params string?[] cells) =>
        table.AddRow(cells.Select(c => (IRenderable)new Text(string.IsNullOrEmpty(c) ? Absent : c)).ToArray());

    /// <summary>A two-column key/value grid for one object (an order, an account, a secret's metadata).</summary>
    public static Grid Details(IEnumerable<(string Key, string? Value)> rows)
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn().NoWrap().PadRight(2));
        grid.AddColumn(new GridColumn());
        foreach (var (key, value) in rows)
        {
            grid.AddRow(new Text(key, new Style(decoration: Decoration.Bold)), new Text(string.IsNullOrEmpty(value) ? Absent : value));
        }
        return grid;
    }

    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : Absent;

    public static string Join(params string?[] parts) => string.Join(" ", parts.Where(p => !string.IsNullOrEmpty(p)));
}
