namespace Oms.Domain.Tests.Support;

/// <summary>
/// The team's shared folder (protocol references and recorded venue samples), which lives beside the repository:
/// <c>../shared</c> relative to the folder holding <c>Oms.Orleans.sln</c>. Nothing from it is copied into the repository.
/// </summary>
internal static class SharedFolder
{
    private static readonly Lazy<string> Root = new(Locate);

    public static string PathOf(params string[] parts) => Path.Combine([Root.Value, .. parts]);

    private static string Locate()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Oms.Orleans.sln")))
            {
                var shared = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared"));
                return Directory.Exists(shared)
                    ? shared
                    : throw new DirectoryNotFoundException($"the shared folder '{shared}' beside the repository at '{directory.FullName}' does not exist");
            }
        }
        throw new DirectoryNotFoundException($"no folder containing Oms.Orleans.sln above '{AppContext.BaseDirectory}'");
    }
}
